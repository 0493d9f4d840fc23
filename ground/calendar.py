"""The report's weeks as Python sees them: ISO week ids, the ``Week`` record and looking a week up.

What makes a week (an ISO week with at least one SSE trading day; its report moment, the last
trading day at 20:00 Shanghai time) is decided in one place, the dbt macros of
``dbt_project/macros/trading_weeks.sql``; ``ingestion.trading_calendar`` runs them over the
landed calendar and hands the weeks here. This module only names ISO weeks (``2023-W15``),
validates what a user types, and says clearly why a week is not there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

WEEK_ID = re.compile(r"^(\d{4})-W(\d{2})$")


class UnknownWeekError(ValueError):
    pass


@dataclass(frozen=True)
class Week:
    """A week of the report, as the calendar's SQL made it (oldest trading day first)."""

    week_id: str
    start: date
    end: date
    trading_days: tuple[date, ...]
    report_moment: datetime  # when the week's note is written (time-zone aware)

    @property
    def last_trading_day(self) -> date:
        return self.trading_days[-1]


def week_id_of(day: date) -> str:
    """The ISO week a date falls in, e.g. 2021-01-03 -> '2020-W53'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week_id(week_id: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week id (``UnknownWeekError`` naming what is wrong with it)."""
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


def get_week(week_id: str, weeks: Sequence[Week]) -> Week:
    """The week ``week_id`` among ``weeks`` (oldest first), or an ``UnknownWeekError`` saying why not:
    not an ISO week, a week with no trading day (a holiday week), or outside the calendar."""
    start, end = parse_week_id(week_id)
    for week in weeks:
        if week.week_id == week_id:
            return week
    if not weeks:
        raise UnknownWeekError(f"{week_id} has no report: no SSE trading calendar is landed")
    first, last = weeks[0].trading_days[0], weeks[-1].last_trading_day
    if start > last:
        raise UnknownWeekError(f"{week_id} is beyond the landed trading calendar (last day {last})")
    if end < first:
        raise UnknownWeekError(f"{week_id} is before the landed trading calendar (first day {first})")
    raise UnknownWeekError(f"{week_id} has no SSE trading day (a holiday week), so it has no report")
