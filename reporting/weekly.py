"""Render the weekly summary (周度策略数据摘要) of one week from the published marts.

``render_weekly_summary`` is what the Dagster report asset and the CLI call. It reads the serving
database (read-only) and the landing manifests, assembles the report once
(:mod:`reporting.sections`), draws its charts once (:mod:`reporting.charts`), and writes

* ``reports/<week>/summary.md``   – Markdown, charts linked from ``charts/*.png``;
* ``reports/<week>/summary.html`` – one self-contained page (inline CSS, base64 charts, embedded font);
* ``reports/<week>/summary.xlsx`` – a cover sheet, one sheet per section, the data-quality appendix.

Monthly tables show the latest month published by min(as_of, the week's report moment), compared
with the month before; weekly tables show the week and the previous week.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ground.database import serving
from ground.settings import paths
from ground.time_zone import SHANGHAI
from ingestion.trading_calendar import landed_week, trading_days
from reporting import charts
from reporting.excel import render_excel
from reporting.html import render_html
from reporting.markdown import render_markdown, render_metadata_markdown
from reporting.model import Report
from reporting.provenance import appendix_table, flag_table, source_statuses
from reporting.queries import Marts
from reporting.sections import Context, build_sections

log = logging.getLogger(__name__)

DEMO_BANNER = (
    "演示数据：本报告基于内置演示快照生成，除 report_spec 所列公布值外均为合成填充数据，仅供演示，不构成投资建议。"
)


@dataclass(frozen=True)
class ReportFiles:
    week: str
    folder: Path
    markdown: Path
    html: Path
    xlsx: Path
    charts: tuple[Path, ...] = ()
    metadata_markdown: str = ""
    seconds: float = 0.0
    glyph_warnings: tuple[str, ...] = field(default=())

    @property
    def files(self) -> list[Path]:
        return [self.markdown, self.html, self.xlsx, *self.charts]


def build_report(week_id: str, *, as_of: datetime) -> Report:
    """Read everything the week's report shows (no files written)."""
    if as_of.tzinfo is None:
        raise ValueError(f"as_of {as_of} has no time zone")
    week = landed_week(week_id)
    cutoff = min(as_of, week.report_moment).astimezone(SHANGHAI)
    with serving() as con:
        marts = Marts(con, week_id, cutoff)
        sections = build_sections(Context(marts, week, cutoff))
        checks = marts.latest_checks()
        acceptances = marts.acceptances()
        version = marts.version()
        demo_rows = marts.any_demo()
    statuses = source_statuses(as_of=as_of, cutoff=cutoff, days=trading_days(), checks=checks, acceptances=acceptances)
    by_name = {s.source: s for s in statuses}
    for section in sections:
        for table in section.tables:
            flag_table(table, by_name)
    demo = demo_rows or any(s.demo for s in statuses)
    return Report(
        week_id=week_id,
        title=f"周度策略数据摘要 · {week.start.year}年第{week.start.isocalendar()[1]}周",
        period=(
            f"{week.start.isoformat()} 至 {week.end.isoformat()}（{len(week.trading_days)}个交易日，"
            f"最后交易日 {week.last_trading_day.isoformat()}）"
        ),
        as_of=as_of,
        cutoff=cutoff,
        demo=demo,
        banner=DEMO_BANNER if demo else None,
        sections=sections,
        appendix=appendix_table(statuses),
        statuses=statuses,
        generated_at=datetime.now(UTC),
        version=f"v{version['version']:04d}" if version else None,
    )


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def render_weekly_summary(week_id: str, *, as_of: datetime, out_root: Path | None = None) -> ReportFiles:
    started = time.perf_counter()
    report = build_report(week_id, as_of=as_of)
    folder = (out_root or paths().reports) / week_id
    chart_dir = folder / "charts"
    chart_dir.mkdir(parents=True, exist_ok=True)

    all_charts = [c for s in report.sections for c in s.charts]
    glyphs = charts.render_all(all_charts)
    if glyphs:
        log.warning("charts of %s have missing glyphs: %s", week_id, "; ".join(sorted(set(glyphs))))
    written = []
    for chart in all_charts:
        target = folder / chart.file_name
        _write(target, chart.png or b"")
        written.append(target)
    for stale in chart_dir.glob("*.png"):
        if stale not in written:
            stale.unlink()

    markdown = folder / "summary.md"
    _write(markdown, render_markdown(report).encode("utf-8"))
    html = folder / "summary.html"
    _write(html, render_html(report, font_cache=paths().home / "cache" / "fonts").encode("utf-8"))
    xlsx = folder / "summary.xlsx"
    render_excel(report, xlsx)
    seconds = time.perf_counter() - started
    log.info("rendered %s in %.2f s", week_id, seconds)
    return ReportFiles(
        week=week_id,
        folder=folder,
        markdown=markdown,
        html=html,
        xlsx=xlsx,
        charts=tuple(written),
        metadata_markdown=render_metadata_markdown(report),
        seconds=seconds,
        glyph_warnings=tuple(glyphs),
    )
