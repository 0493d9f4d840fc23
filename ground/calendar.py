"""The SSE trading calendar and the ISO weeks the report is built for.

The rules, over a given tuple of trading days (``ingestion.trading_calendar`` reads the landed
ones): a week is an ISO week (``2023-W15``); a week with no trading day (Spring Festival,
National Day) does not exist for the report; its report moment is its last trading day at 20:00
Shanghai time. dbt applies the same rules in ``int_trading_days_assigned_to_weeks`` and
``int_trading_weeks_summarized`` (``tests/test_calendar.py`` checks the two agree on the demo build).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ground.time_zone import SHANGHAI

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


def weeks(days: Sequence[date], since: date | None = None) -> list[Week]:
    """Every ISO week with at least one trading day, oldest first."""
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


def get_week(week_id: str, days: Sequence[date]) -> Week:
    start, end = parse_week_id(week_id)
    members = tuple(d for d in days if start <= d <= end)
    if not members:
        if days and start > days[-1]:
            raise UnknownWeekError(f"{week_id} is beyond the landed trading calendar (last day {days[-1]})")
        raise UnknownWeekError(f"{week_id} has no SSE trading day (a holiday week), so it has no report")
    return Week(week_id, start, end, members)
