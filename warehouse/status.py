"""What `warehouse sources` prints: each source's last load, rows and latest check result.

The check columns come from the ``quality`` schema (``expectations/store.py``): the latest row of
``quality.check_results`` per source (every run of every check is kept there), the loads
``quality.load_status`` quarantines (with what failed) and the acceptances in force
(``quality.load_acceptances``: loads a person released after review). Rows and the latest period count usable loads only: a
quarantined load stays in the landing zone for inspection but no build reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from expectations.store import ACCEPTANCES_IN_FORCE_SQL, acceptance_from_row
from ground.settings import paths
from ingestion.landing import list_loads
from ingestion.registry import registry


@dataclass
class QualityState:
    """The quality schema as `warehouse sources` needs it."""

    latest: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # source -> (status, checked_at, summary)
    runs: dict[str, int] = field(default_factory=dict)  # source -> checks recorded
    quarantined: dict[str, set[str]] = field(default_factory=dict)  # source -> load ids
    failures: dict[str, str] = field(default_factory=dict)  # quarantined load id -> what failed
    accepted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # source -> acceptances in force
    database: str | None = None


def _has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'quality' and table_name = ?", [table]
        ).fetchone()[0]
    )


def _status(passed: bool, severity: str) -> str:
    if not passed:
        return "FAILED"
    return "warning" if severity == "WARN" else "passed"


def quality_state() -> QualityState:
    """The quality schema of the working database, else of the published one (a build holds the lock)."""
    p = paths()
    for path in (p.working_db, p.serving_db):
        if not path.exists():
            continue
        try:
            con = duckdb.connect(str(path.resolve()), read_only=True)
        except duckdb.Error:
            continue  # the working database is locked by a running build: use the published copy
        try:
            if not _has_table(con, "check_results"):
                continue
            state = QualityState(database=str(path))
            rows = con.execute(
                """
                select source, severity, passed, strftime(checked_at at time zone 'UTC', '%Y-%m-%d %H:%M:%S UTC'),
                       summary, count(*) over (partition by source)
                from quality.check_results
                qualify row_number() over (partition by source order by checked_at desc, run_id desc) = 1
                """
            ).fetchall()
            for src, severity, passed, at, summary, runs in rows:
                state.latest[src] = (_status(passed, severity), at, summary)
                state.runs[src] = int(runs)
            if _has_table(con, "load_status"):
                for src, load_id, summary in con.execute(
                    "select source, load_id, summary from quality.load_status where status = 'failed'"
                ).fetchall():
                    state.quarantined.setdefault(src, set()).add(load_id)
                    state.failures[load_id] = summary
            if _has_table(con, "load_acceptances"):
                for acceptance in con.execute(ACCEPTANCES_IN_FORCE_SQL).fetchall():
                    accepted = acceptance_from_row(acceptance)
                    state.accepted.setdefault(accepted.source, []).append(accepted.as_dict())
            return state
        finally:
            con.close()
    return QualityState()


def source_status() -> list[dict[str, Any]]:
    state = quality_state()
    rows = []
    for name, source in registry().items():
        loads = list_loads(source=name)
        quarantined = state.quarantined.get(name, set())
        usable = [ld for ld in loads if ld.load_id not in quarantined]
        newest: dict[str, Any] = {}
        for load in usable:
            newest[load.params_key] = load
        last = loads[-1] if loads else None
        status, checked_at, summary = state.latest.get(name, ("not checked yet", None, None))
        shown = status
        held = [ld for ld in loads if ld.load_id in quarantined]
        if held:
            shown += f" ({len(held)} load{'s' if len(held) > 1 else ''} quarantined)"
        landed_ids = {ld.load_id for ld in loads}
        accepted = [a for a in state.accepted.get(name, []) if a["load_id"] in landed_ids]
        if accepted:
            shown += f" ({len(accepted)} load{'s' if len(accepted) > 1 else ''} accepted)"
        rows.append(
            {
                "source": name,
                "title": source.title,
                "kind": source.kind,
                "section": source.section,
                "loads": len(loads),
                "last_load_id": last.load_id if last else None,
                "last_available_at": last.available_at if last else None,
                "rows": sum(ld.rows for ld in newest.values()) if usable else None,
                "latest_period": max((ld.period_max for ld in usable if ld.period_max), default=None),
                "akshare_version": last.akshare_version if last else None,
                "check_status": shown,
                "check_result": status,
                "checked_at": checked_at,
                "checks_recorded": state.runs.get(name, 0),
                "check_summary": summary,
                "quarantined_loads": sorted(ld.load_id for ld in held),
                "quarantined": [
                    {
                        "load_id": ld.load_id,
                        "origin": ld.file_name or ld.origin,
                        "summary": state.failures.get(ld.load_id),
                    }
                    for ld in held
                ],
                "accepted_loads": accepted,
            }
        )
    return rows
