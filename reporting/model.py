"""The report as data: sections of tables, sentences and charts, independent of the output format.

``reporting.assemble`` fills these from the marts; ``reporting.markdown``, ``reporting.html`` and
``reporting.excel`` render the same objects, so the three files always show the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ingestion.registry import registry
from reporting.formatting import format_cell


def source_line(names: list[str]) -> str:
    """「来源：title（source）；…」 for the registered sources behind a table."""
    known = registry()
    parts = [f"{known[n].title}（{n}）" if n in known else n for n in names]
    return "来源：" + "；".join(parts) if parts else ""


@dataclass(frozen=True)
class Column:
    """A table column. ``kind``: text | num | signed | int; ``digits`` decimals for numbers.

    ``colour``: colour the cell by sign in HTML/Excel (red up, green down, the A-share convention).
    """

    key: str
    label: str
    kind: str = "num"
    digits: int = 2
    colour: bool = False
    excel_format: str | None = None

    @property
    def numeric(self) -> bool:
        return self.kind != "text"

    def cell(self, row: dict[str, Any]) -> str:
        return format_cell(row.get(self.key), self.kind, self.digits)

    @property
    def number_format(self) -> str:
        if self.excel_format:
            return self.excel_format
        if self.kind == "int":
            return "0"
        if self.kind == "signed":
            zeros = "0" * self.digits
            return f"+0.{zeros};-0.{zeros};0.{zeros}" if self.digits else "+0;-0;0"
        return "0." + "0" * self.digits if self.digits else "0"


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    source: str = ""  # 「来源：…」
    as_of: str = ""  # 「数据截至：…」
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # data-quality flags (stale, failed, disagreeing yoy)
    sources: list[str] = field(default_factory=list)  # registered source names behind the table
    empty_text: str = "（本期无数据）"

    def __post_init__(self) -> None:
        if not self.source and self.sources:
            self.source = source_line(self.sources)

    def cells(self) -> list[list[str]]:
        return [[c.cell(row) for c in self.columns] for row in self.rows]


@dataclass
class Chart:
    key: str
    title: str
    draw: Callable[[Any], None]  # draws on a matplotlib Figure
    size: tuple[float, float] = (7.2, 3.4)
    margins: tuple[float, float, float, float] = (0.09, 0.98, 0.88, 0.12)  # left, right, top, bottom
    png: bytes | None = None  # filled once by reporting.charts.render_all

    @property
    def file_name(self) -> str:
        return f"charts/{self.key}.png"


@dataclass
class Section:
    key: str
    title: str  # 复盘·内观
    subtitle: str  # market review
    sentences: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class SourceStatus:
    """One row of the data-quality appendix."""

    source: str
    title: str
    kind: str
    section: str
    cadence: str
    latest_period: str | None
    expected_period: str | None
    fresh: bool | None  # None: no expectation (irregular sources)
    status: str  # ok | stale | failed | warning | missing
    rows: int | None
    last_available_at: str | None
    check: str  # 通过 / 警告 / 未通过 / 未检查
    check_summary: str
    akshare_version: str | None
    demo: bool
    accepted: list[dict[str, Any]] = field(default_factory=list)  # loads in use that a person released after review


@dataclass
class Report:
    week_id: str
    title: str
    period: str  # 「2023-04-10 至 2023-04-14（5个交易日）」
    as_of: datetime
    cutoff: datetime
    demo: bool
    banner: str | None
    sections: list[Section]
    appendix: Table
    statuses: list[SourceStatus]
    generated_at: datetime
    version: str | None = None  # the serving version rendered (HTML/Excel footer only; not in Markdown)
