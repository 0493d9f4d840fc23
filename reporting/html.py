"""The report as one self-contained HTML file: inline CSS, charts as base64 PNG, and a subset of
Noto Sans CJK SC embedded as a WOFF data URI, so it reads the same offline on any machine."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ground.time_zone import SHANGHAI
from reporting.fonts import FONT_FAMILY, font_subset
from reporting.model import Report, Table

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))


def _sign_class(value: Any) -> str:
    if not isinstance(value, (int, float)) or value != value:
        return ""
    return "up" if round(value, 4) > 0 else "down" if round(value, 4) < 0 else ""


def table_view(table: Table) -> dict[str, Any]:
    rows = []
    for row, cells in zip(table.rows, table.cells(), strict=True):
        rendered = []
        for column, text in zip(table.columns, cells, strict=True):
            classes = ["num"] if column.numeric else []
            if column.colour:
                classes.append(_sign_class(row.get(column.key)))
            rendered.append({"text": text, "cls": " ".join(c for c in classes if c)})
        rows.append({"cells": rendered, "cls": f"status-{row['_status']}" if "_status" in row else ""})
    return {
        "key": table.key,
        "title": table.title,
        "headers": [{"label": c.label, "cls": "num" if c.numeric else ""} for c in table.columns],
        "rows": rows,
        "source": table.source,
        "as_of": table.as_of,
        "notes": table.notes,
        "warnings": table.warnings,
        "empty_text": table.empty_text,
    }


def render_html(report: Report, *, font_cache: Path | None = None) -> str:
    sections = []
    for number, section in enumerate(report.sections, start=1):
        sections.append(
            {
                "number": number,
                "key": section.key,
                "title": section.title,
                "subtitle": section.subtitle,
                "sentences": section.sentences,
                "charts": [
                    {"title": c.title, "key": c.key, "src": "data:image/png;base64," + base64.b64encode(c.png).decode()}
                    for c in section.charts
                    if c.png
                ],
                "tables": [table_view(t) for t in section.tables],
            }
        )
    context = {
        "report": report,
        "sections": sections,
        "appendix": table_view(report.appendix),
        "cutoff": report.cutoff.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        "generated": report.generated_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
        "font_family": FONT_FAMILY,
        "font_src": "",
    }
    template = _env().get_template("summary.html.j2")
    page = template.render(**context)
    font = font_subset(page, font_cache)
    context["font_src"] = "data:font/woff;base64," + base64.b64encode(font).decode()
    return template.render(**context)
