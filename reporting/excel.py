"""The report as an Excel workbook: a cover sheet, one sheet per section, and the appendix.

Cells hold numbers (not text) with the report's number formats, so analysts can reuse them;
sign-coloured columns use red for up and green for down; each table is followed by its source,
as-of date, notes and data-quality warnings; charts are embedded as pictures.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ground.time_zone import SHANGHAI
from reporting.model import Report, Section, Table

TITLE = Font(bold=True, size=14, color="9B1C1C")
HEAD = Font(bold=True, size=11)
HEADER_FILL = PatternFill("solid", fgColor="EEF1F6")
META = Font(italic=True, size=9, color="5F6B7A")
WARN = Font(bold=True, size=10, color="B71C1C")
BANNER = Font(bold=True, size=11, color="8A4B00")
UP = Font(color="C62828")
DOWN = Font(color="2E7D32")
THIN = Border(bottom=Side(style="thin", color="DFE3EA"))
STATUS_FILL = {"stale": "FDECEA", "failed": "FDECEA", "missing": "FDECEA", "warning": "FFF8E1"}
INVALID = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _value(row: dict[str, Any], key: str, kind: str) -> Any:
    value = row.get(key)
    if kind == "text":
        return None if value is None else str(value)
    if isinstance(value, (int, float)) and value == value:
        return value
    return None


class _Sheet:
    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.row = 1
        self.widths: dict[int, int] = {}

    def line(self, text: str, font: Font | None = None) -> None:
        cell = self.ws.cell(self.row, 1, text)
        if font:
            cell.font = font
        self.row += 1

    def blank(self) -> None:
        self.row += 1

    def table(self, table: Table) -> None:
        self.line(table.title, HEAD)
        if not table.rows:
            self.line(table.empty_text, META)
        else:
            for j, column in enumerate(table.columns, start=1):
                cell = self.ws.cell(self.row, j, column.label)
                cell.font = Font(bold=True)
                cell.fill = HEADER_FILL
                cell.alignment = Alignment(horizontal="right" if column.numeric else "left")
                self.widths[j] = max(self.widths.get(j, 0), _width(column.label))
            self.row += 1
            for row, cells in zip(table.rows, table.cells(), strict=True):
                fill = STATUS_FILL.get(row.get("_status", ""))
                for j, (column, text) in enumerate(zip(table.columns, cells, strict=True), start=1):
                    value = _value(row, column.key, column.kind)
                    cell = self.ws.cell(
                        self.row, j, value if value is not None else (text if not column.numeric else None)
                    )
                    if column.numeric and value is not None:
                        cell.number_format = column.number_format
                        if column.colour and round(value, 4) != 0:
                            cell.font = UP if value > 0 else DOWN
                    cell.border = THIN
                    if fill:
                        cell.fill = PatternFill("solid", fgColor=fill)
                    self.widths[j] = max(self.widths.get(j, 0), _width(text))
                self.row += 1
        for text in (" · ".join(x for x in (table.source, table.as_of) if x),):
            if text:
                self.line(text, META)
        for note in table.notes:
            self.line(f"注：{note}", META)
        for warning in table.warnings:
            self.line(f"⚠ 数据提示：{warning}", WARN)
        self.blank()

    def picture(self, png: bytes, title: str) -> None:
        self.line(f"图：{title}", HEAD)
        image = Image(io.BytesIO(png))
        scale = 640 / image.width if image.width > 640 else 1.0
        image.width, image.height = int(image.width * scale), int(image.height * scale)
        self.ws.add_image(image, f"A{self.row}")
        self.row += int(image.height / 20) + 2

    def finish(self) -> None:
        for j, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 48)


def _section_sheet(wb: Workbook, section: Section, number: int) -> None:
    sheet = _Sheet(wb.create_sheet(f"{number}.{section.title}".translate(INVALID)[:31]))
    sheet.line(f"{number}. {section.title}（{section.subtitle}）", TITLE)
    sheet.blank()
    for sentence in section.sentences:
        sheet.line(sentence)
    if section.sentences:
        sheet.blank()
    for table in section.tables:
        sheet.table(table)
    for chart in section.charts:
        if chart.png:
            sheet.picture(chart.png, chart.title)
    sheet.ws.freeze_panes = "A3"
    sheet.finish()


def render_excel(report: Report, path: Path) -> None:
    wb = Workbook()
    cover = _Sheet(wb.active)
    cover.ws.title = "封面"
    cover.line(report.title, TITLE)
    cover.line(f"报告周：{report.week_id}，{report.period}")
    cover.line(f"数据时点：{report.cutoff.astimezone(SHANGHAI):%Y-%m-%d %H:%M}（北京时间）")
    cover.line(
        f"生成于：{report.generated_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}"
        + (f"，数据版本 {report.version}" if report.version else "")
    )
    if report.banner:
        cover.blank()
        cover.line(f"⚠ {report.banner}", BANNER)
    cover.blank()
    cover.line("目录", HEAD)
    for number, section in enumerate(report.sections, start=1):
        cover.line(f"{number}. {section.title}：{len(section.tables)}张表，{len(section.charts)}张图")
    cover.line("附录：数据源、新鲜度与质量检查")
    cover.ws.column_dimensions["A"].width = 90
    for number, section in enumerate(report.sections, start=1):
        _section_sheet(wb, section, number)
    appendix = _Sheet(wb.create_sheet("附录·数据质量"))
    appendix.line(report.appendix.title, TITLE)
    appendix.blank()
    appendix.table(report.appendix)
    appendix.finish()
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)
