"""The SSE trading calendar of the demo snapshot (2013-2023).

Trading days are weekdays minus the SSE holidays declared in ``ground/sse_holidays.py``
(real closures 2021-2023; usual closures earlier, which the demo only needs for the 000985 PE
history).
"""

from __future__ import annotations

from datetime import date
from functools import cache

from ground.calendar import parse_week_id, week_id_of
from ground.sse_holidays import SSE_HOLIDAYS, span

CALENDAR_START = date(2013, 1, 1)
CALENDAR_END = date(2023, 12, 31)


@cache
def all_trading_days() -> tuple[date, ...]:
    return tuple(d for d in span(CALENDAR_START, CALENDAR_END) if d.weekday() < 5 and d not in SSE_HOLIDAYS)


def trading_days(start: date, end: date) -> list[date]:
    """SSE trading days in [start, end]."""
    return [d for d in all_trading_days() if start <= d <= end]


def is_trading_day(day: date) -> bool:
    return day in _day_set()


@cache
def _day_set() -> frozenset[date]:
    return frozenset(all_trading_days())


def previous_trading_day(day: date) -> date:
    """The last trading day strictly before ``day``."""
    return max(d for d in all_trading_days() if d < day)


def month_end_trading_days(start: date, end: date) -> list[date]:
    """The last trading day of every month in [start, end]."""
    last: dict[tuple[int, int], date] = {}
    for d in trading_days(start, end):
        last[(d.year, d.month)] = d
    return sorted(last.values())


def week_days(wid: str) -> list[date]:
    """Trading days of an ISO week such as 2023-W15."""
    return trading_days(*parse_week_id(wid))


def week_last_trading_days(start: date, end: date) -> list[date]:
    """The last trading day of every ISO week with trading days in [start, end]."""
    last: dict[str, date] = {}
    for d in trading_days(start, end):
        last[week_id_of(d)] = d
    return sorted(last.values())
