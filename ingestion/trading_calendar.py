"""The SSE trading calendar the warehouse knows: the newest landed ``tool_trade_date_hist_sina`` load.

The landing zone of the current warehouse home is read first, then the embedded demo snapshot's.
Its weeks are made by the dbt project's calendar macros (``ingestion.week_rules``), the same SQL
the calendar models ``int_trading_days_assigned_to_weeks`` and ``int_trading_weeks_summarized``
run; they are made once per calendar file (and again when the file changes).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from ground.calendar import Week, get_week
from ground.settings import DEMO_LANDING, paths
from ingestion.landing import list_loads
from ingestion.week_rules import weeks_of_calendar_file

CALENDAR_SOURCE = "tool_trade_date_hist_sina"


def _calendar_file(landing: Path) -> Path | None:
    loads = list_loads(landing, CALENDAR_SOURCE) if (landing / CALENDAR_SOURCE).exists() else []
    return loads[-1].parquet_path if loads else None


@lru_cache(maxsize=8)
def _weeks_of(path: Path, _mtime: float) -> tuple[Week, ...]:
    return weeks_of_calendar_file(path)


def _landed_weeks(landing: Path | None) -> tuple[Week, ...]:
    for root in (Path(landing) if landing else paths().landing, DEMO_LANDING):
        path = _calendar_file(root)
        if path is not None:
            return _weeks_of(path, path.stat().st_mtime)
    return ()


def trading_days(landing: Path | None = None) -> tuple[date, ...]:
    """All SSE trading days known to the warehouse (empty when no calendar is landed anywhere)."""
    return tuple(day for week in _landed_weeks(landing) for day in week.trading_days)


def landed_week(week_id: str, landing: Path | None = None) -> Week:
    """The week ``week_id`` on the landed calendar (``UnknownWeekError`` for a holiday or unknown week)."""
    return get_week(week_id, _landed_weeks(landing))


def landed_weeks(since: date | None = None, landing: Path | None = None) -> list[Week]:
    """Every ISO week with a trading day on the landed calendar (with one on or after ``since``), oldest first."""
    weeks = _landed_weeks(landing)
    return [week for week in weeks if since is None or week.last_trading_day >= since]
