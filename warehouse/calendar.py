"""The SSE trading calendar and the ISO weeks the report is built for.

Trading days come from the landed ``tool_trade_date_hist_sina`` source (the newest load in the
warehouse's landing zone, else the one in the embedded demo snapshot). A week is an ISO week
(``2023-W15``); a week with no trading day (Spring Festival, National Day) does not exist for
the report. dbt builds the same calendar in ``int_calendar__trading_days``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

import pyarrow.parquet as pq

from ingestion.landing import list_loads
from ingestion.registry import SHANGHAI
from warehouse.settings import DEMO_LANDING, paths

CALENDAR_SOURCE = "tool_trade_date_hist_sina"
REPORT_TIME = time(20, 0)
WEEK_ID = re.compile(r"^(\d{4})-W(\d{2})$")


class UnknownWeekError(ValueError):
    pass


@dataclass(frozen=True)
class Week:
    week_id: str
    start: date
    end: date
    trading_days: tuple[date, ...]

    @property
    def last_trading_day(self) -> date:
        return self.trading_days[-1]

    @property
    def report_moment(self) -> datetime:
        """When the week's note is written: its last trading day at 20:00, Shanghai time."""
        return datetime.combine(self.last_trading_day, REPORT_TIME, SHANGHAI)


def week_id_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week_id(week_id: str) -> tuple[date, date]:
    match = WEEK_ID.match(week_id)
    if not match:
        raise UnknownWeekError(f"{week_id!r} is not an ISO week such as 2023-W15")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        start = date.fromisocalendar(year, week, 1)
    except ValueError:
        weeks_in_year = date(year, 12, 28).isocalendar()[1] if 1 <= year <= 9999 else 0
        raise UnknownWeekError(
            f"{week_id} does not exist: ISO year {year} has weeks 01 to {weeks_in_year:02d}"
            if weeks_in_year
            else f"{week_id} is not an ISO week such as 2023-W15"
        ) from None
    return start, start + timedelta(days=6)


def _calendar_file(landing: Path) -> Path | None:
    loads = list_loads(landing, CALENDAR_SOURCE) if (landing / CALENDAR_SOURCE).exists() else []
    return loads[-1].parquet_path if loads else None


@lru_cache(maxsize=8)
def _read_trading_days(path: Path, _mtime: float) -> tuple[date, ...]:
    table = pq.read_table(path, columns=["trade_date"])
    days = sorted({d if isinstance(d, date) else date.fromisoformat(str(d)[:10]) for d in table.column(0).to_pylist()})
    return tuple(days)


def trading_days(landing: Path | None = None) -> tuple[date, ...]:
    """All SSE trading days known to the warehouse (empty when no calendar is landed anywhere)."""
    for root in (Path(landing) if landing else paths().landing, DEMO_LANDING):
        path = _calendar_file(root)
        if path is not None:
            return _read_trading_days(path, path.stat().st_mtime)
    return ()


def weeks(days: tuple[date, ...] | None = None, since: date | None = None) -> list[Week]:
    """Every ISO week with at least one trading day, oldest first."""
    days = trading_days() if days is None else days
    grouped: dict[str, list[date]] = {}
    for day in days:
        if since is None or day >= since:
            grouped.setdefault(week_id_of(day), []).append(day)
    result = []
    for week_id, members in grouped.items():
        start, end = parse_week_id(week_id)
        result.append(Week(week_id, start, end, tuple(sorted(members))))
    result.sort(key=lambda w: w.start)
    return result


def get_week(week_id: str, days: tuple[date, ...] | None = None) -> Week:
    start, end = parse_week_id(week_id)
    days = trading_days() if days is None else days
    members = tuple(d for d in days if start <= d <= end)
    if not members:
        if days and start > days[-1]:
            raise UnknownWeekError(f"{week_id} is beyond the landed trading calendar (last day {days[-1]})")
        raise UnknownWeekError(f"{week_id} has no SSE trading day (a holiday week), so it has no report")
    return Week(week_id, start, end, members)
