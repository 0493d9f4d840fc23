"""The SSE trading days the warehouse knows: the newest landed ``tool_trade_date_hist_sina`` load.

The landing zone of the current warehouse home is read first, then the embedded demo snapshot's.
Weeks are made from these days by ``ground.calendar`` (the same rules dbt applies in
``int_trading_days_assigned_to_weeks``).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import pyarrow.parquet as pq

from ground.calendar import Week, get_week, weeks
from ground.settings import DEMO_LANDING, paths
from ingestion.landing import list_loads

CALENDAR_SOURCE = "tool_trade_date_hist_sina"


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


def landed_week(week_id: str, landing: Path | None = None) -> Week:
    """The week ``week_id`` on the landed calendar (``UnknownWeekError`` for a holiday or unknown week)."""
    return get_week(week_id, trading_days(landing))


def landed_weeks(since: date | None = None, landing: Path | None = None) -> list[Week]:
    """Every ISO week with a trading day on the landed calendar, oldest first."""
    return weeks(trading_days(landing), since=since)
