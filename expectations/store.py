"""The ``quality`` schema of the working database: every check result of every run.

* ``quality.check_results``: one row per (run, source, check): passed, severity, summary,
  failing expectations as JSON, the suite version and the seconds the check took. Kept forever
  (it is the check history; ``warehouse sources`` shows the latest row of each source).
* ``quality.load_status``: the verdict on each load under the current suite version. A load
  whose verdict is ``failed`` is quarantined: the landing views leave it out, so bad data never
  reaches dbt, while the file itself stays in the landing zone for inspection.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

DDL = """
create schema if not exists quality;
create table if not exists quality.check_results (
    run_id varchar,
    checked_at timestamptz,
    source varchar,
    check_name varchar,
    passed boolean,
    severity varchar,
    loads_checked integer,
    loads_failed integer,
    summary varchar,
    failures json
);
alter table quality.check_results add column if not exists suite_hash varchar;
alter table quality.check_results add column if not exists seconds double;
create table if not exists quality.load_status (
    load_id varchar primary key,
    source varchar,
    status varchar,
    suite_hash varchar,
    checked_at timestamptz,
    run_id varchar,
    summary varchar
);
"""


_READY: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or extend) the quality tables; once per connection, a read when they are current."""
    if con in _READY:
        return
    try:
        con.execute("select suite_hash, seconds from quality.check_results limit 0")
        con.execute("select load_id from quality.load_status limit 0")
    except duckdb.CatalogException:
        con.execute(DDL)
    _READY.add(con)


def defer_checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """Close this connection without a checkpoint: its few rows stay in the write-ahead log until
    the next connection that checkpoints (dbt's, a landing step's). Saves tens of ms per check step."""
    con.execute("pragma disable_checkpoint_on_shutdown")


@dataclass(frozen=True)
class LoadVerdict:
    load_id: str
    source: str
    status: str  # passed | warned | failed
    suite_hash: str
    summary: str


def load_statuses(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, tuple[str, str]]:
    """load_id -> (status, suite_hash) for one source."""
    ensure_schema(con)
    rows = con.execute(
        "select load_id, status, suite_hash from quality.load_status where source = ?", [source]
    ).fetchall()
    return {load_id: (status, suite_hash) for load_id, status, suite_hash in rows}


def quarantined_load_ids(con: duckdb.DuckDBPyConnection, source: str) -> set[str]:
    ensure_schema(con)
    rows = con.execute(
        "select load_id from quality.load_status where source = ? and status = 'failed'", [source]
    ).fetchall()
    return {r[0] for r in rows}


def record_verdicts(con: duckdb.DuckDBPyConnection, verdicts: Iterable[LoadVerdict], run_id: str) -> None:
    ensure_schema(con)
    now = datetime.now(UTC)
    rows = [(v.load_id, v.source, v.status, v.suite_hash, now, run_id, v.summary) for v in verdicts]
    if rows:
        con.executemany("insert or replace into quality.load_status values (?, ?, ?, ?, ?, ?, ?)", rows)


def record_check(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    source: str,
    check_name: str,
    passed: bool,
    severity: str,
    loads_checked: int,
    loads_failed: int,
    summary: str,
    failures: list[dict[str, Any]],
    suite_hash: str | None = None,
    seconds: float | None = None,
) -> None:
    ensure_schema(con)
    con.execute(
        "insert into quality.check_results (run_id, checked_at, source, check_name, passed, severity, loads_checked,"
        " loads_failed, summary, failures, suite_hash, seconds) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            datetime.now(UTC),
            source,
            check_name,
            passed,
            severity,
            loads_checked,
            loads_failed,
            summary,
            json.dumps(failures, ensure_ascii=False, default=str),
            suite_hash,
            seconds,
        ],
    )


def check_history(con: duckdb.DuckDBPyConnection, source: str | None = None) -> list[dict[str, Any]]:
    """Every recorded check result (of one source), oldest first."""
    ensure_schema(con)
    where, params = ("where source = ?", [source]) if source else ("", [])
    cursor = con.execute(
        "select run_id, checked_at, source, check_name, passed, severity, loads_checked, loads_failed, summary,"
        f" failures, suite_hash, seconds from quality.check_results {where} order by checked_at, run_id",
        params,
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
