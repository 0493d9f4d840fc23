"""The report's weeks from a trading-calendar file, by the dbt project's own rules.

The rules (ISO weeks with at least one trading day; report moment = last trading day at 20:00
Shanghai time) exist once, as the macros of ``dbt_project/macros/trading_weeks.sql`` that the
calendar models call. This module renders that file with plain jinja2 (the macros use nothing
of dbt) and runs the macros in an in-memory DuckDB over one landed calendar Parquet file, so
the CLI, the Dagster partitions and the report get exactly the weeks the marts are built on.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import duckdb
import jinja2

from ground.calendar import Week
from ground.settings import DBT_PROJECT_DIR
from ground.time_zone import SHANGHAI

MACRO_FILE = DBT_PROJECT_DIR / "macros" / "trading_weeks.sql"


@lru_cache(maxsize=4)
def weeks_query(macro_file: Path = MACRO_FILE, _mtime: float = 0.0) -> str:
    """The SQL that makes the weeks from a calendar file (parameter ``$calendar``: its path)."""
    macros = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(macro_file.read_text("utf-8")).module
    days_assigned = macros.trading_days_assigned_to_weeks("trading_days")  # type: ignore[attr-defined]
    weeks = macros.trading_weeks("days_assigned")  # type: ignore[attr-defined]
    return f"""
        with trading_days as (
            select distinct cast(trade_date as date) as trade_date from read_parquet($calendar)
        ),
        days_assigned as ({days_assigned}),
        weeks as ({weeks})
        select week_id, week_start, week_end, trade_dates, report_moment
        from weeks
        order by week_start
    """


def weeks_of_calendar_file(calendar: Path, macro_file: Path = MACRO_FILE) -> tuple[Week, ...]:
    """Every week with a trading day in ``calendar`` (a Parquet file with a ``trade_date`` column),
    oldest first."""
    query = weeks_query(macro_file, macro_file.stat().st_mtime)
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        rows = con.execute(query, {"calendar": str(calendar)}).fetchall()
    except duckdb.Error as exc:
        raise ValueError(f"cannot make the report's weeks from the trading calendar {calendar}: {exc}") from exc
    finally:
        con.close()
    return tuple(
        Week(week_id, start, end, tuple(days), moment.astimezone(SHANGHAI))
        for week_id, start, end, days, moment in rows
    )
