"""The ``quality`` schema of the working database: every check result of every run.

* ``quality.check_results``: one row per (run, source, check): passed, severity, summary,
  failing expectations as JSON. Kept forever (it is the check history).
* ``quality.load_status``: the verdict on each load under the current suite version. A load
  whose verdict is ``failed`` is quarantined: the landing views leave it out, so bad data never
  reaches dbt, while the file itself stays in the landing zone for inspection.
"""

from __future__ import annotations

import json
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


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


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
    rows = con.execute("select load_id, status, suite_hash from quality.load_status where source = ?", [source]).fetchall()
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
) -> None:
    ensure_schema(con)
    con.execute(
        "insert into quality.check_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        ],
    )
