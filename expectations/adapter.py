"""A thin Great Expectations 1.x adapter: validate a source's new loads against its suite.

One call of :func:`check_source` per source and run:

1. the loads not yet validated under the current suite (``pending``) are read from the landing
   zone; loads are grouped by schema (column names and dtypes) and each group is one batch (a
   concatenated frame with a ``_load_id`` column), so a cold build costs one validation per
   source and schema, not one per load;
2. GX validates each group against the whole suite (``WAREHOUSE_GX_MODE=always``, the
   default) in two passes: ``result_format=BOOLEAN_ONLY`` for every expectation (about half the
   cost of COMPLETE), then ``COMPLETE`` for the expectations that failed, so GX's result is the
   verdict and names the observed values and up to 20 failing rows (file and line, or load and
   row). ``WAREHOUSE_GX_MODE=screen`` puts ``expectations.screen`` (vectorised pandas, a few
   milliseconds) in front: GX then validates only what the screen cannot clear (for backfills
   over thousands of loads; ``tests/test_quality_screen.py`` keeps the two in agreement);
3. the load rules of the suite's ``meta`` (non-empty, row count against the previous load of the
   same parameters, freshness of each load) are evaluated per load;
4. each load gets a verdict: ``failed`` (a critical expectation failed on its rows or its
   schema), ``warned`` or ``passed``. Failed loads are quarantined (see ``expectations.store``);
   while the newest load of a parameter set is quarantined, the check keeps failing;
5. the source as a whole is checked for freshness at the build's reference moment (a warning:
   the report flags stale sources rather than refusing to render).

GX is imported lazily (at the first validation, never when the code location loads) and one
ephemeral context serves the process.

The parts live in their own modules: :mod:`expectations.verdicts` (the verdict model),
:mod:`expectations.gx_validation` (GX setup and one validation), :mod:`expectations.gx_configuration_memo`
(the pinned patch of GX internals), :mod:`expectations.gx_results` (GX's result as failures naming
file and line), :mod:`expectations.load_rules` (the suite's load rules and source freshness). This
module is the check that puts them together.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import datetime
from typing import Any

import pandas as pd

from expectations.gx_results import LoadGroup, failures_from_gx, load_extent
from expectations.gx_validation import GX_MODE_ENV, gx_mode, gx_validate
from expectations.load_rules import landed_again, load_rule_failures, pattern_schema_failures, source_freshness
from expectations.screen import screen
from expectations.store import LoadVerdict, load_statuses
from expectations.suites import expand_patterns, read_suite, suite_hash
from expectations.verdicts import MAX_ROWS_REPORTED, CheckOutcome, Failure
from ingestion.landing import LandingError, Load, read_load_for_checks, verify_load
from ingestion.registry import Source

__all__ = [
    "GX_MODE_ENV",
    "MAX_ROWS_REPORTED",
    "CheckOutcome",
    "Failure",
    "LoadGroup",
    "check_source",
    "gx_mode",
    "gx_validate",
    "source_freshness",
    "validate_group",
]


def _read(load: Load) -> tuple[pd.DataFrame | None, Failure | None]:
    try:
        verify_load(load)
        return (read_load_for_checks(load) if load.rows > 0 else None), None
    except LandingError as exc:
        return None, Failure("landing_file_is_readable", "critical", load_ids={load.load_id}, detail=str(exc))


def validate_group(
    source: Source, group: LoadGroup, digest: str, suite: dict[str, Any], mode: str
) -> tuple[list[Failure], int]:
    """The failures of one group and how many expectations GX validated.

    ``always``: GX validates the whole suite with BOOLEAN_ONLY, then the failed expectations
    again with COMPLETE (observed values, failing rows). ``screen``: GX validates, with
    COMPLETE, only the expectations the screen cannot clear (the others certainly pass).
    """
    if mode == "screen":
        expectations = expand_patterns(suite["expectations"], [str(c) for c in group.frame.columns])
        selected = tuple(i for i, clear in enumerate(screen(group.frame, expectations)) if not clear)
        if not selected:
            return [], 0
        result = gx_validate(source.name, digest, group.frame, selected)
        return failures_from_gx(source, group, result), len(result.results)
    verdicts = gx_validate(source.name, digest, group.frame, None, result_format="BOOLEAN_ONLY")
    failed = tuple(sorted(item.expectation_config.meta["position"] for item in verdicts.results if not item.success))
    if not failed:
        return [], len(verdicts.results)
    result = gx_validate(source.name, digest, group.frame, failed)
    return failures_from_gx(source, group, result), len(verdicts.results)


def check_source(source: Source, loads: list[Load], *, con: Any, reference: datetime, as_of: datetime) -> CheckOutcome:
    """Validate the pending loads of one source (see the module docstring)."""
    started = time.perf_counter()
    mode = gx_mode()
    suite = read_suite(source.name)
    meta = suite.get("meta", {})
    digest = suite_hash(suite)
    statuses = load_statuses(con, source.name)
    visible = [ld for ld in loads if ld.available_at_dt <= as_of]
    pending = [ld for ld in visible if statuses.get(ld.load_id, (None, None))[1] != digest]
    pending_ids = {ld.load_id for ld in pending}
    failures: list[Failure] = []
    per_load: dict[str, list[Failure]] = defaultdict(list)

    previous_by_params: dict[str, Load] = {}
    readable: list[tuple[Load, pd.DataFrame]] = []
    for load in visible:
        usable_before = previous_by_params.get(load.params_key)
        if load.load_id in pending_ids:
            frame, unreadable = _read(load)
            rule_failures = [unreadable] if unreadable else load_rule_failures(source, load, usable_before, meta, frame)
            if frame is not None and any(c.pattern for c in source.columns):
                rule_failures += pattern_schema_failures(source, load, frame)
            for failure in rule_failures:
                per_load[load.load_id].append(failure)
            failures.extend(rule_failures)
            if frame is not None:
                readable.append((load, frame))
            if not any(f.critical for f in rule_failures):
                previous_by_params[load.params_key] = load
        elif statuses.get(load.load_id, ("passed", ""))[0] != "failed":
            previous_by_params[load.params_key] = load
    read_done = time.perf_counter()

    groups: dict[tuple[tuple[str, str], ...], list[tuple[Load, pd.DataFrame]]] = defaultdict(list)
    for load, frame in readable:
        groups[tuple((str(c), str(t)) for c, t in frame.dtypes.items())].append((load, frame))
    gx_expectations = 0
    for members in groups.values():
        group = LoadGroup([m[0] for m in members], [m[1] for m in members])
        group_failures, validated_by_gx = validate_group(source, group, digest, suite, mode)
        gx_expectations += validated_by_gx
        for failure in group_failures:
            failures.append(failure)
            for load_id in failure.load_ids:
                per_load[load_id].append(failure)
    validated = time.perf_counter()

    verdicts = []
    for load in pending:
        mine = per_load.get(load.load_id, [])
        status = "failed" if any(f.critical for f in mine) else ("warned" if mine else "passed")
        text = "; ".join(f.sentence() for f in mine) or "all expectations met"
        verdicts.append(LoadVerdict(load.load_id, source.name, status, digest, text[:2000]))

    # the newest load of a parameter set stays the truth for it: while it is quarantined, keep failing
    newest: dict[str, Load] = {}
    for load in visible:
        newest[load.params_key] = load
    released = {v.load_id for v in verdicts if v.status != "failed"} | {
        lid for lid, (status, _) in statuses.items() if status != "failed" and lid not in pending_ids
    }
    for load in newest.values():
        status, _ = statuses.get(load.load_id, (None, None))
        if load.load_id not in pending_ids and status == "failed" and not landed_again(load, visible, released):
            failures.append(
                Failure(
                    "newest_load_is_quarantined",
                    "critical",
                    load_ids={load.load_id},
                    detail=f"{load.describe()} failed its checks earlier and no good load has replaced it: {load_extent(load)}",
                )
            )

    quarantined = {v.load_id for v in verdicts if v.status == "failed"} | {
        lid for lid, (status, _) in statuses.items() if status == "failed"
    }
    usable = [ld for ld in visible if ld.load_id not in quarantined]
    freshness = source_freshness(source, usable, reference, int(meta.get("max_age_days", 60)))
    if not freshness["fresh"]:
        failures.append(
            Failure(
                "source_is_fresh",
                "warning",
                column=source.period.column or source.period.param,
                observed=freshness["latest_period"],
                detail=f"latest period {freshness['latest_period']} is older than {freshness['fresh_since']} "
                f"at {reference:%Y-%m-%d %H:%M} ({source.cadence} cadence, publication lag and margin: "
                f"{meta.get('max_age_days', 60)} days)",
            )
        )
    failures.sort(key=lambda f: not f.critical)
    timings = {
        "read_s": read_done - started,
        "validate_s": validated - read_done,
        "total_s": time.perf_counter() - started,
        "groups": float(len(groups)),
        "gx_expectations": float(gx_expectations),
    }
    return CheckOutcome(source.name, len(pending), failures, verdicts, digest, freshness, timings)
