"""What a dbt build is for: its week, as-of moment and cut-off, as DuckDB macros in the working database.

The models read ``build.as_of()``, ``build.period_cutoff()`` and ``build.week_id()`` (see
``dbt_project/macros/run_settings.sql``) instead of dbt ``--vars``: dbt keeps its partial-parse
state only while the vars stay the same, so passing a new as-of moment every build made it parse
the whole project every time. The macros are replaced before each ``dbt build``; a view that
calls them reads the values of the build that queries it, and DuckDB folds the constants into
each query (a filter on ``build.as_of()`` is as cheap as one on a literal).

The incremental plan (``warehouse/rebuild_plan.py``) is written the same way; these defaults of
its macros (rebuild every incremental model in full, read everything) are also what dbt's own
``on-run-start`` hook creates when it runs without the orchestrator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingestion.trading_calendar import landed_week

SETTINGS_MACROS = ("week_id", "as_of", "period_cutoff")
PLAN_DEFAULTS = {
    "rebuild_mode(model_name)": "'full'",
    "rebuilds_week(model_name, week_id)": "true",
    "reads_load(source_name, load_id)": "true",
    "reads_period(source_name, period)": "true",
    "definition_hash(model_name)": "cast(null as varchar)",
}


@dataclass(frozen=True)
class RunSettings:
    """One build: the week (None: no particular week), as of when, and the cut-off for periods."""

    week_id: str | None
    as_of: datetime
    period_cutoff: datetime

    @classmethod
    def for_week(cls, week_id: str | None, as_of: datetime, landing: Path | None = None) -> RunSettings:
        """The cut-off is min(as_of, the week's report moment, as the calendar's SQL makes it).

        ``landing``: the landing zone whose trading calendar to use (default: this warehouse's).
        """
        if as_of.tzinfo is None:
            raise ValueError(f"as_of {as_of} has no time zone")
        cutoff = min(as_of, landed_week(week_id, landing).report_moment) if week_id else as_of
        return cls(week_id=week_id, as_of=as_of, period_cutoff=cutoff)


def timestamp_literal(moment: datetime) -> str:
    return f"timestamptz '{moment.astimezone(UTC).isoformat(sep=' ')}'"


def text_literal(value: str | None) -> str:
    return "cast(null as varchar)" if value is None else "'" + value.replace("'", "''") + "'"


def write_run_settings(con: duckdb.DuckDBPyConnection, settings: RunSettings) -> None:
    """Replace the settings macros with this build's values."""
    con.execute("create schema if not exists build")
    values = {
        "week_id": text_literal(settings.week_id),
        "as_of": timestamp_literal(settings.as_of),
        "period_cutoff": timestamp_literal(settings.period_cutoff),
    }
    for name, value in values.items():
        con.execute(f"create or replace macro build.{name}() as {value}")


def reset_rebuild_plan(con: duckdb.DuckDBPyConnection) -> None:
    """Back to the defaults: rebuild incremental models in full, read every load.

    Called whenever a landing view changes, so a plan made for other landed data is never applied.
    """
    exists = con.execute("select count(*) from duckdb_schemas() where schema_name = 'build'").fetchone()[0]
    if not exists:
        return
    for signature, body in PLAN_DEFAULTS.items():
        con.execute(f"create or replace macro build.{signature} as {body}")
