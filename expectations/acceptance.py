"""Releasing a quarantined load that a person has reviewed (``warehouse accept``, Dagster ``accept_load``).

A load that fails a critical expectation or load rule is quarantined: no build reads it. Some
failures are right about the rule and wrong about the load: half a year of real history landed
over a longer earlier load trips the row-count guard (``max_row_drop_pct``) although the file is
exactly what the user meant to land. :func:`accept_load` releases such a load:

* only a load that exists in the landing zone and is quarantined under the **current** suite
  version can be accepted; anything else is a :class:`AcceptanceError` saying why (unknown id,
  not checked yet, passed, already accepted, quarantined under an older suite that the next build
  re-checks anyway);
* the acceptance names who (``--by``, else the OS user), when, why, the critical failures it
  overrides (from the check run that quarantined the load) and the suite version; it is kept in
  ``quality.load_acceptances`` and the load's status becomes ``accepted``;
* it applies to that load under that suite version only: when the suite changes, the load is
  checked again like every other, and quarantined again if it still fails.
"""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime

import duckdb

from expectations.store import (
    Acceptance,
    acceptance_history,
    failures_of_load,
    load_verdict,
    record_acceptance,
)
from expectations.suites import read_suite, suite_hash
from ingestion.landing import Load, list_loads


class AcceptanceError(ValueError):
    """The load cannot be accepted; the message says why and what to do instead."""


def os_user() -> str:
    """Who runs this process, as the OS knows them."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return os.environ.get("USER") or f"uid {os.getuid()}"


def find_load(load_id: str) -> Load:
    """The landed load with this id (every source is searched)."""
    loads = list_loads()
    for load in loads:
        if load.load_id == load_id:
            return load
    similar = sorted(ld.load_id for ld in loads if load_id and (load_id in ld.load_id or ld.load_id in load_id))
    hint = f"; did you mean {', '.join(similar[:3])}?" if similar else ""
    raise AcceptanceError(
        f"no load {load_id!r} in the landing zone{hint} (`warehouse sources` lists the quarantined loads)"
    )


def accept_load(
    con: duckdb.DuckDBPyConnection,
    load_id: str,
    *,
    reason: str,
    by: str | None = None,
    via: str = "warehouse accept",
    now: datetime | None = None,
) -> Acceptance:
    """Release the quarantined load ``load_id``; return the acceptance kept in the quality history."""
    reason = (reason or "").strip()
    if not reason:
        raise AcceptanceError("an acceptance needs a reason: say what you reviewed and why the load is right")
    load = find_load(load_id.strip())
    verdict = load_verdict(con, load.load_id)
    if verdict is None:
        raise AcceptanceError(
            f"{load.describe()} has not been checked yet: run `warehouse build` (or materialise "
            f"landing/{load.source} in the Dagster UI); accept it only if its check quarantines it"
        )
    current = suite_hash(read_suite(load.source))
    if verdict.suite_hash != current:
        raise AcceptanceError(
            f"{load.describe()} was checked under an earlier version of its suite ({verdict.suite_hash[:12]}; "
            f"now {current[:12]}): the next build checks it again, accept it then if it is still quarantined"
        )
    if verdict.status == "accepted":
        earlier = acceptance_history(con, load.load_id)
        who = (
            f" by {earlier[-1].accepted_by} at {earlier[-1].accepted_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
            if earlier
            else ""
        )
        raise AcceptanceError(f"{load.describe()} is already accepted{who}; builds use it")
    if verdict.status != "failed":
        raise AcceptanceError(
            f"{load.describe()} is not quarantined (its check {verdict.status} under the current suite); "
            "builds already use it, there is nothing to accept"
        )
    overrides = failures_of_load(con, load.source, verdict.run_id, load.load_id) or [
        {"check": "quarantined", "column": None, "detail": verdict.summary}
    ]
    acceptance = Acceptance(
        load_id=load.load_id,
        source=load.source,
        suite_hash=current,
        accepted_at=(now or datetime.now(UTC)).astimezone(UTC),
        accepted_by=(by or "").strip() or os_user(),
        reason=reason,
        overrides=overrides,
        via=via,
    )
    record_acceptance(con, acceptance)
    return acceptance


def describe_acceptance(acceptance: Acceptance) -> str:
    """One line: which load, overriding what, by whom, when, why."""
    checks = ", ".join(acceptance.overridden_checks) or "its failed checks"
    return (
        f"{acceptance.source} load {acceptance.load_id}: overrides {checks}; accepted by {acceptance.accepted_by} "
        f"at {acceptance.accepted_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({acceptance.via}), suite "
        f"{acceptance.suite_hash[:12]}: {acceptance.reason}"
    )
