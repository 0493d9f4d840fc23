"""A blocking Great Expectations check on every landing asset, run in its landing step.

The check validates the loads its landing asset made visible and that no earlier run
validated under the current suite, records every result in the ``quality`` schema, and
quarantines failed loads. Severity ERROR (a critical expectation failed) blocks the dbt models
downstream and therefore publishing; WARN (only warning expectations, e.g. a stale source) does
not. GX is imported at the first validation of a run, once (the run is one process).
"""

from typing import Any

import dagster as dg
import duckdb

from expectations.adapter import check_source
from expectations.store import acceptances_in_force, record_check, record_verdicts
from ingestion.landing import list_loads
from ingestion.registry import Source
from orchestration.asset_keys import landing_key
from orchestration.partitions import last_week
from orchestration.resources import BuildSettings
from warehouse.landing_views import refresh_source_view

CHECK_NAME = "great_expectations"


def _failures_table(failures: list[dict[str, Any]]) -> str:
    lines = ["| severity | expectation | column | observed | failing rows | detail |", "|---|---|---|---|---|---|"]
    for f in failures:
        rows = ", ".join(
            (
                f"{r['file']}:{r.get('line') or '#' + str(r['row'])}"
                if r.get("file")
                else f"{r['load_id'][-8:]}#{r['row']}"
            )
            + (f" ({r.get('value')!r})" if "value" in r else "")
            for r in f["rows"][:20]
        )
        detail = str(f.get("detail") or "").replace("|", "/").replace("\n", " ")
        observed = str(f.get("observed") or "").replace("|", "/")[:80]
        lines.append(f"| {f['severity']} | {f['check']} | {f.get('column') or ''} | {observed} | {rows} | {detail} |")
    return "\n".join(lines)


RELEASE_HINT = (
    "A quarantined load stays in the landing zone for review; if it is right, "
    "`warehouse accept LOAD_ID --reason …` (or the accept_load job) releases it."
)


def _acceptances_table(acceptances: list[Any]) -> str:
    lines = ["| load | accepted by | at (UTC) | overrides | suite | reason |", "|---|---|---|---|---|---|"]
    for a in acceptances:
        reason = a.reason.replace("|", "/").replace("\n", " ")
        lines.append(
            f"| {a.load_id} | {a.accepted_by} | {a.accepted_at:%Y-%m-%d %H:%M} | {', '.join(a.overridden_checks)} "
            f"| {a.suite_hash[:12]} | {reason} |"
        )
    return "\n".join(lines)


def check_spec(source: Source) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=CHECK_NAME,
        asset=landing_key(source.name),
        blocking=True,
        description=f"Great Expectations suite expectations/suites/{source.name}.json on every new load of {source.name}.",
    )


def check_loads(
    context: dg.AssetExecutionContext, source: Source, build: BuildSettings, con: duckdb.DuckDBPyConnection
) -> dg.AssetCheckResult:
    """Validate the source's new loads (landing view just refreshed on ``con``); the check's result."""
    as_of = build.as_of_moment(context)
    reference = build.reference_moment(context, last_week(context))
    loads = list_loads(source=source.name)
    outcome = check_source(source, loads, con=con, reference=reference, as_of=as_of)
    failures = [f.as_dict() for f in outcome.failures]
    record_verdicts(con, outcome.verdicts, context.run.run_id)
    if outcome.failed_load_ids:  # quarantined at once: the landing view no longer shows them
        refresh_source_view(con, source, [ld for ld in loads if ld.available_at_dt <= as_of])
    record_check(
        con,
        run_id=context.run.run_id,
        source=source.name,
        check_name=CHECK_NAME,
        passed=outcome.passed,
        severity=outcome.severity or "OK",
        loads_checked=outcome.loads_checked,
        loads_failed=len(outcome.failed_load_ids),
        summary=outcome.summary(),
        failures=failures,
        suite_hash=outcome.suite_hash,
        seconds=outcome.timings.get("total_s"),
    )
    visible_ids = {ld.load_id for ld in loads if ld.available_at_dt <= as_of}
    accepted = [a for a in acceptances_in_force(con, source.name) if a.load_id in visible_ids]
    metadata: dict[str, Any] = {
        "loads_checked": outcome.loads_checked,
        "loads_failed": len(outcome.failed_load_ids),
        "suite_hash": outcome.suite_hash,
        "latest_period": str(outcome.freshness.get("latest_period")),
        "fresh": bool(outcome.freshness.get("fresh")),
        "gx_expectations_validated": int(outcome.timings.get("gx_expectations", 0)),
        "check_seconds": round(float(outcome.timings.get("total_s") or 0.0), 3),
    }
    if failures:
        metadata["failed_expectations"] = dg.MetadataValue.md(_failures_table(failures))
        metadata["failures"] = dg.MetadataValue.json(failures)
    notes = ""
    if accepted:
        metadata["loads_accepted"] = len(accepted)
        metadata["accepted_loads"] = dg.MetadataValue.md(_acceptances_table(accepted))
        notes += f"\nIn use after review: {len(accepted)} accepted load(s) (see accepted_loads)."
    if outcome.failed_load_ids:
        notes += f"\n{RELEASE_HINT}"
    severity = dg.AssetCheckSeverity.ERROR if not outcome.passed else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(
        asset_key=landing_key(source.name),
        check_name=CHECK_NAME,
        passed=not outcome.failures,
        severity=severity,
        description=outcome.summary()[: 2000 - len(notes)] + notes,
        metadata=metadata,
    )
