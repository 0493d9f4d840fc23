"""The ``quality`` schema of the working database: every check result of every run.

* ``quality.check_results``: one row per (run, source, check): passed, severity, summary,
  failing expectations as JSON, the suite version and the seconds the check took. Kept forever
  (it is the check history; ``warehouse sources`` shows the latest row of each source).
* ``quality.load_status``: the verdict on each load under the current suite version. A load
  whose verdict is ``failed`` is quarantined: the landing views leave it out, so bad data never
  reaches dbt, while the file itself stays in the landing zone for inspection.
* ``quality.load_acceptances``: every time a person released a quarantined load after review
  (``warehouse accept`` or the Dagster job ``accept_load``): who, when, why, the failed checks
  it overrides and the suite version it applies to. The load's status becomes ``accepted``
  (builds use it); a new suite version checks it again, and a load failing again is quarantined
  again until someone accepts it under that version. Kept forever, like the check history.
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
create table if not exists quality.load_acceptances (
    load_id varchar,
    source varchar,
    suite_hash varchar,
    accepted_at timestamptz,
    accepted_by varchar,
    reason varchar,
    overrides json,
    via varchar
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
        con.execute("select load_id from quality.load_acceptances limit 0")
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


# ---------------------------------------------------------------------------------- acceptances


@dataclass(frozen=True)
class Acceptance:
    """A person's release of one quarantined load under one suite version."""

    load_id: str
    source: str
    suite_hash: str
    accepted_at: datetime
    accepted_by: str
    reason: str
    overrides: list[dict[str, Any]]  # the critical failures it overrides: check, column, detail
    via: str  # "warehouse accept" or "Dagster run <id>"

    @property
    def overridden_checks(self) -> list[str]:
        return list(dict.fromkeys(str(o.get("check")) for o in self.overrides))

    def as_dict(self) -> dict[str, Any]:
        return {
            "load_id": self.load_id,
            "source": self.source,
            "suite_hash": self.suite_hash,
            "accepted_at": self.accepted_at.astimezone(UTC).isoformat(),
            "accepted_by": self.accepted_by,
            "reason": self.reason,
            "overrides": self.overrides,
            "via": self.via,
        }


@dataclass(frozen=True)
class StoredVerdict:
    """The row of ``quality.load_status`` for one load."""

    load_id: str
    source: str
    status: str  # passed | warned | failed | accepted
    suite_hash: str
    checked_at: datetime
    run_id: str
    summary: str


def load_verdict(con: duckdb.DuckDBPyConnection, load_id: str) -> StoredVerdict | None:
    ensure_schema(con)
    row = con.execute(
        "select load_id, source, status, suite_hash, checked_at, run_id, summary from quality.load_status"
        " where load_id = ?",
        [load_id],
    ).fetchone()
    return StoredVerdict(*row) if row else None


def failures_of_load(con: duckdb.DuckDBPyConnection, source: str, run_id: str, load_id: str) -> list[dict[str, Any]]:
    """The critical failures the check of ``run_id`` found on ``load_id`` (check, column, detail)."""
    ensure_schema(con)
    found: list[dict[str, Any]] = []
    for (failures,) in con.execute(
        "select failures from quality.check_results where source = ? and run_id = ?", [source, run_id]
    ).fetchall():
        for failure in json.loads(failures or "[]"):
            if failure.get("severity") != "critical" or load_id not in (failure.get("loads") or []):
                continue
            if failure.get("check") == "newest_load_is_quarantined":  # a consequence, not a finding
                continue
            found.append({k: failure.get(k) for k in ("check", "column", "detail")})
    return found


def record_acceptance(con: duckdb.DuckDBPyConnection, acceptance: Acceptance) -> None:
    """Keep the acceptance and release the load (its status becomes ``accepted``), atomically."""
    ensure_schema(con)
    con.execute("begin transaction")
    try:
        con.execute(
            "insert into quality.load_acceptances values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                acceptance.load_id,
                acceptance.source,
                acceptance.suite_hash,
                acceptance.accepted_at,
                acceptance.accepted_by,
                acceptance.reason,
                json.dumps(acceptance.overrides, ensure_ascii=False, default=str),
                acceptance.via,
            ],
        )
        con.execute(
            "update quality.load_status set status = 'accepted' where load_id = ? and suite_hash = ?",
            [acceptance.load_id, acceptance.suite_hash],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


ACCEPTANCES_IN_FORCE_SQL = """
select a.load_id, a.source, a.suite_hash, a.accepted_at, a.accepted_by, a.reason, a.overrides, a.via
from quality.load_acceptances a
join quality.load_status s on s.load_id = a.load_id and s.suite_hash = a.suite_hash and s.status = 'accepted'
qualify row_number() over (partition by a.load_id order by a.accepted_at desc) = 1
order by a.accepted_at
"""


def acceptance_from_row(row: tuple[Any, ...]) -> Acceptance:
    load_id, source, digest, at, by, reason, overrides, via = row
    return Acceptance(load_id, source, digest, at, by, reason, json.loads(overrides or "[]"), via)


def acceptances_in_force(con: duckdb.DuckDBPyConnection, source: str | None = None) -> list[Acceptance]:
    """The acceptances builds act on now: the load is accepted under the suite version it was accepted for."""
    ensure_schema(con)
    rows = [acceptance_from_row(r) for r in con.execute(ACCEPTANCES_IN_FORCE_SQL).fetchall()]
    return [a for a in rows if source is None or a.source == source]


def acceptance_history(con: duckdb.DuckDBPyConnection, load_id: str | None = None) -> list[Acceptance]:
    """Every acceptance ever recorded (of one load), oldest first."""
    ensure_schema(con)
    where, params = ("where load_id = ?", [load_id]) if load_id else ("", [])
    rows = con.execute(
        "select load_id, source, suite_hash, accepted_at, accepted_by, reason, overrides, via"
        f" from quality.load_acceptances {where} order by accepted_at",
        params,
    ).fetchall()
    return [acceptance_from_row(r) for r in rows]
