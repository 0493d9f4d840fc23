"""When the demo's per-date and snapshot sources were fetched (history is sampled to stay small)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from functools import cache

from ingestion.demo.calendar import month_end_trading_days, trading_days, week_last_trading_days
from ingestion.demo.common import DAILY_FROM, DATA_END, DATA_START

D = date


@cache
def aggregate_dates() -> tuple[date, ...]:
    """Per-date market-wide sources: month ends since January 2021, then every trading day from DAILY_FROM."""
    ends = [d for d in month_end_trading_days(DATA_START, DATA_END) if d < DAILY_FROM]
    return tuple(ends + trading_days(DAILY_FROM, DATA_END))


@cache
def per_stock_dates() -> tuple[date, ...]:
    """Per-stock daily sources: January 2021, half-year ends, 2023 month ends, then every trading day from DAILY_FROM."""
    ends = month_end_trading_days(DATA_START, DATA_END)
    keep = [
        d for d in ends if d < DAILY_FROM and (d.year == 2023 or (d.year, d.month) == (2021, 1) or d.month in (6, 12))
    ]
    return tuple(keep + trading_days(DAILY_FROM, DATA_END))


SNAPSHOT_WEEKLY_FROM = D(2023, 3, 20)
WINDOW = timedelta(weeks=7)  # snapshots hold the records of the last 7 weeks


@cache
def snapshot_dates() -> tuple[date, ...]:
    """Weekly-ish snapshots (new funds, shareholder changes): every 6th week, then weekly from 2023-W12."""
    weeks = week_last_trading_days(DATA_START, DATA_END)
    keep = [d for i, d in enumerate(weeks) if d < SNAPSHOT_WEEKLY_FROM and i % 6 == 5]
    out = tuple(keep + [d for d in weeks if d >= SNAPSHOT_WEEKLY_FROM])
    assert all(b - a <= WINDOW for a, b in itertools.pairwise(out)), "snapshot windows must overlap"
    return out
