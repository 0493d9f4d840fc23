"""What `warehouse sources` prints: each source's last load, rows and latest check result."""

from __future__ import annotations

from typing import Any

import duckdb

from ingestion.landing import list_loads
from ingestion.registry import registry
from warehouse.settings import paths


def _latest_checks() -> dict[str, tuple[str, str, str]]:
    """source -> (status, checked_at, summary) from the working database, else the published one."""
    p = paths()
    for path in (p.working_db, p.serving_db):
        if not path.exists():
            continue
        try:
            con = duckdb.connect(str(path.resolve()), read_only=True)
        except duckdb.Error:
            continue  # the working database is locked by a running build: use the published copy
        try:
            exists = con.execute(
                "select count(*) from duckdb_tables() where schema_name = 'quality' and table_name = 'check_results'"
            ).fetchone()[0]
            if not exists:
                continue
            rows = con.execute(
                """
                select source, severity, passed, cast(checked_at as varchar), summary
                from quality.check_results
                qualify row_number() over (partition by source order by checked_at desc) = 1
                """
            ).fetchall()
            return {
                src: ("FAILED" if not passed else ("warning" if sev == "WARN" else "passed"), at, summary)
                for src, sev, passed, at, summary in rows
            }
        finally:
            con.close()
    return {}


def source_status() -> list[dict[str, Any]]:
    checks = _latest_checks()
    rows = []
    for name, source in registry().items():
        loads = list_loads(source=name)
        newest: dict[str, Any] = {}
        for load in loads:
            newest[load.params_key] = load
        last = loads[-1] if loads else None
        status, checked_at, summary = checks.get(name, ("not checked yet", None, None))
        rows.append(
            {
                "source": name,
                "title": source.title,
                "kind": source.kind,
                "section": source.section,
                "loads": len(loads),
                "last_load_id": last.load_id if last else None,
                "last_available_at": last.available_at if last else None,
                "rows": sum(ld.rows for ld in newest.values()) if loads else None,
                "latest_period": max((ld.period_max for ld in loads if ld.period_max), default=None),
                "akshare_version": last.akshare_version if last else None,
                "check_status": status,
                "checked_at": checked_at,
                "check_summary": summary,
            }
        )
    return rows
