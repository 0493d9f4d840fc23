"""The SSE's weekday closures (exchange holidays), declared once.

Weekends are never trading days; make-up weekend working days (调休) are not trading days
either. 2021-2023 are the real SSE closures; 2013-2020 are the usual closures, close to the real
ones. The warehouse's own calendar is the landed ``tool_trade_date_hist_sina`` source
(``ingestion.trading_calendar``); this declaration is what the demo snapshot's calendar and the
tests' simulated calendars are generated from.
"""

from __future__ import annotations

from datetime import date, timedelta


def _days(year: int, month: int, *days: int) -> list[date]:
    return [date(year, month, d) for d in days]


def span(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# weekday closures (weekends are never trading days)
SSE_HOLIDAYS: frozenset[date] = frozenset(
    d
    for d in [
        # 2013-2020: approximate
        *span(date(2013, 1, 1), date(2013, 1, 3)),
        *span(date(2013, 2, 11), date(2013, 2, 15)),
        *_days(2013, 4, 4, 5),
        *_days(2013, 4, 29, 30),
        date(2013, 5, 1),
        *_days(2013, 6, 10, 11, 12),
        *_days(2013, 9, 19, 20),
        *span(date(2013, 10, 1), date(2013, 10, 7)),
        date(2014, 1, 1),
        date(2014, 1, 31),
        *span(date(2014, 2, 3), date(2014, 2, 6)),
        date(2014, 4, 7),
        *_days(2014, 5, 1, 2),
        date(2014, 6, 2),
        date(2014, 9, 8),
        *span(date(2014, 10, 1), date(2014, 10, 7)),
        *_days(2015, 1, 1, 2),
        *span(date(2015, 2, 18), date(2015, 2, 24)),
        date(2015, 4, 6),
        date(2015, 5, 1),
        date(2015, 6, 22),
        *_days(2015, 9, 3, 4),
        *span(date(2015, 10, 1), date(2015, 10, 7)),
        date(2016, 1, 1),
        *span(date(2016, 2, 8), date(2016, 2, 12)),
        date(2016, 4, 4),
        date(2016, 5, 2),
        *_days(2016, 6, 9, 10),
        *_days(2016, 9, 15, 16),
        *span(date(2016, 10, 3), date(2016, 10, 7)),
        date(2017, 1, 2),
        *span(date(2017, 1, 27), date(2017, 2, 2)),
        *_days(2017, 4, 3, 4),
        date(2017, 5, 1),
        *_days(2017, 5, 29, 30),
        *span(date(2017, 10, 2), date(2017, 10, 6)),
        date(2018, 1, 1),
        *span(date(2018, 2, 15), date(2018, 2, 21)),
        *_days(2018, 4, 5, 6),
        date(2018, 4, 30),
        date(2018, 5, 1),
        date(2018, 6, 18),
        date(2018, 9, 24),
        *span(date(2018, 10, 1), date(2018, 10, 5)),
        date(2019, 1, 1),
        *span(date(2019, 2, 4), date(2019, 2, 8)),
        date(2019, 4, 5),
        *span(date(2019, 5, 1), date(2019, 5, 3)),
        date(2019, 6, 7),
        date(2019, 9, 13),
        *span(date(2019, 10, 1), date(2019, 10, 7)),
        date(2020, 1, 1),
        *span(date(2020, 1, 24), date(2020, 1, 31)),
        date(2020, 4, 6),
        *span(date(2020, 5, 1), date(2020, 5, 5)),
        *_days(2020, 6, 25, 26),
        *span(date(2020, 10, 1), date(2020, 10, 8)),
        # 2021-2023: the real SSE closures
        date(2021, 1, 1),
        *span(date(2021, 2, 11), date(2021, 2, 17)),
        date(2021, 4, 5),
        *span(date(2021, 5, 3), date(2021, 5, 5)),
        date(2021, 6, 14),
        *_days(2021, 9, 20, 21),
        *span(date(2021, 10, 1), date(2021, 10, 7)),
        date(2022, 1, 3),
        date(2022, 1, 31),
        *span(date(2022, 2, 1), date(2022, 2, 4)),
        *_days(2022, 4, 4, 5),
        *span(date(2022, 5, 2), date(2022, 5, 4)),
        date(2022, 6, 3),
        date(2022, 9, 12),
        *span(date(2022, 10, 3), date(2022, 10, 7)),
        date(2023, 1, 2),
        *span(date(2023, 1, 23), date(2023, 1, 27)),
        date(2023, 4, 5),
        *span(date(2023, 5, 1), date(2023, 5, 3)),
        *_days(2023, 6, 22, 23),
        date(2023, 9, 29),
        *span(date(2023, 10, 2), date(2023, 10, 6)),
    ]
    if d.weekday() < 5
)
