"""The SSE trading calendar of the demo snapshot (2013-2023).

Trading days are weekdays minus exchange holidays; make-up weekend working days (调休) are not
trading days. Holidays 2021-2023 are the real SSE closures; earlier years are the usual
closures, close to the real ones (the demo only needs them for the 000985 PE history).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache


def _days(year: int, month: int, *days: int) -> list[date]:
    return [date(year, month, d) for d in days]


def _span(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# weekday closures (weekends are never trading days)
HOLIDAYS: frozenset[date] = frozenset(
    d
    for d in [
        # 2013-2020: approximate
        *_span(date(2013, 1, 1), date(2013, 1, 3)),
        *_span(date(2013, 2, 11), date(2013, 2, 15)),
        *_days(2013, 4, 4, 5),
        *_days(2013, 4, 29, 30),
        date(2013, 5, 1),
        *_days(2013, 6, 10, 11, 12),
        *_days(2013, 9, 19, 20),
        *_span(date(2013, 10, 1), date(2013, 10, 7)),
        date(2014, 1, 1),
        date(2014, 1, 31),
        *_span(date(2014, 2, 3), date(2014, 2, 6)),
        date(2014, 4, 7),
        *_days(2014, 5, 1, 2),
        date(2014, 6, 2),
        date(2014, 9, 8),
        *_span(date(2014, 10, 1), date(2014, 10, 7)),
        *_days(2015, 1, 1, 2),
        *_span(date(2015, 2, 18), date(2015, 2, 24)),
        date(2015, 4, 6),
        date(2015, 5, 1),
        date(2015, 6, 22),
        *_days(2015, 9, 3, 4),
        *_span(date(2015, 10, 1), date(2015, 10, 7)),
        date(2016, 1, 1),
        *_span(date(2016, 2, 8), date(2016, 2, 12)),
        date(2016, 4, 4),
        date(2016, 5, 2),
        *_days(2016, 6, 9, 10),
        *_days(2016, 9, 15, 16),
        *_span(date(2016, 10, 3), date(2016, 10, 7)),
        date(2017, 1, 2),
        *_span(date(2017, 1, 27), date(2017, 2, 2)),
        *_days(2017, 4, 3, 4),
        date(2017, 5, 1),
        *_days(2017, 5, 29, 30),
        *_span(date(2017, 10, 2), date(2017, 10, 6)),
        date(2018, 1, 1),
        *_span(date(2018, 2, 15), date(2018, 2, 21)),
        *_days(2018, 4, 5, 6),
        date(2018, 4, 30),
        date(2018, 5, 1),
        date(2018, 6, 18),
        date(2018, 9, 24),
        *_span(date(2018, 10, 1), date(2018, 10, 5)),
        date(2019, 1, 1),
        *_span(date(2019, 2, 4), date(2019, 2, 8)),
        date(2019, 4, 5),
        *_span(date(2019, 5, 1), date(2019, 5, 3)),
        date(2019, 6, 7),
        date(2019, 9, 13),
        *_span(date(2019, 10, 1), date(2019, 10, 7)),
        date(2020, 1, 1),
        *_span(date(2020, 1, 24), date(2020, 1, 31)),
        date(2020, 4, 6),
        *_span(date(2020, 5, 1), date(2020, 5, 5)),
        *_days(2020, 6, 25, 26),
        *_span(date(2020, 10, 1), date(2020, 10, 8)),
        # 2021-2023: the real SSE closures
        date(2021, 1, 1),
        *_span(date(2021, 2, 11), date(2021, 2, 17)),
        date(2021, 4, 5),
        *_span(date(2021, 5, 3), date(2021, 5, 5)),
        date(2021, 6, 14),
        *_days(2021, 9, 20, 21),
        *_span(date(2021, 10, 1), date(2021, 10, 7)),
        date(2022, 1, 3),
        date(2022, 1, 31),
        *_span(date(2022, 2, 1), date(2022, 2, 4)),
        *_days(2022, 4, 4, 5),
        *_span(date(2022, 5, 2), date(2022, 5, 4)),
        date(2022, 6, 3),
        date(2022, 9, 12),
        *_span(date(2022, 10, 3), date(2022, 10, 7)),
        date(2023, 1, 2),
        *_span(date(2023, 1, 23), date(2023, 1, 27)),
        date(2023, 4, 5),
        *_span(date(2023, 5, 1), date(2023, 5, 3)),
        *_days(2023, 6, 22, 23),
        date(2023, 9, 29),
        *_span(date(2023, 10, 2), date(2023, 10, 6)),
    ]
    if d.weekday() < 5
)

CALENDAR_START = date(2013, 1, 1)
CALENDAR_END = date(2023, 12, 31)


@cache
def all_trading_days() -> tuple[date, ...]:
    return tuple(d for d in _span(CALENDAR_START, CALENDAR_END) if d.weekday() < 5 and d not in HOLIDAYS)


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


def week_id(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_days(wid: str) -> list[date]:
    """Trading days of an ISO week such as 2023-W15."""
    year, week = int(wid[:4]), int(wid[6:])
    monday = date.fromisocalendar(year, week, 1)
    return trading_days(monday, monday + timedelta(days=6))


def week_last_trading_days(start: date, end: date) -> list[date]:
    """The last trading day of every ISO week with trading days in [start, end]."""
    last: dict[str, date] = {}
    for d in trading_days(start, end):
        last[week_id(d)] = d
    return sorted(last.values())
