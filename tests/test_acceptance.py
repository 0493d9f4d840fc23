"""Releasing a reviewed, quarantined load: `warehouse accept`, the Dagster job, and what follows.

A shorter full-reload load landed over a longer one trips the row-count guard and is quarantined;
an acceptance (who, when, why, the checks it overrides, the suite version) releases it: the
landing view and the next check use it, `warehouse sources` lists it, the Dagster check shows it.
Accepting what is not quarantined is an error that says why, and a changed suite checks the load
again. The end-to-end build with real margin history is in ``test_realdata_accept.py``.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from cli.commands import main
from expectations import suites as suites_module
from expectations.acceptance import AcceptanceError, accept_load
from expectations.adapter import CheckOutcome, check_source
from expectations.store import acceptance_history, acceptances_in_force, load_statuses, record_verdicts
from ground.settings import SUITES_DIR, Paths
from ingestion.landing import Load, list_loads
from ingestion.registry import get_source
from warehouse.fingerprint import RECORD
from warehouse.landing_views import refresh_source_view

from .test_quality_adapter import MONTHS, check, good_hgjck, land
from .test_writer_lease import holder_process

pytestmark = [
    pytest.mark.integration,
    pytest.mark.usefixtures("prepared_dbt_manifest"),
]  # these tests load orchestration.definitions

SOURCE = "macro_china_hgjck"


@pytest.fixture
def con(warehouse_home: Paths) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(warehouse_home.working_db))
    yield connection
    connection.close()


def blocked_short_load(con: duckdb.DuckDBPyConnection) -> tuple[Load, Load]:
    """A 15-month load that passed, then a 3-month load of the same source quarantined by the row-count guard."""
    long = land(SOURCE, good_hgjck(), "2023-04-13T08:00+08:00")
    assert check(con, SOURCE, "r1").passed
    short = land(SOURCE, good_hgjck().head(3), "2023-04-14T08:00+08:00", file_name="hgjck_recent.csv")
    outcome = check(con, SOURCE, "r2")
    assert not outcome.passed and outcome.failed_load_ids == [short.load_id]
    assert [f.check for f in outcome.failures if f.critical] == ["row_count_vs_previous_load"]
    return long, short


def test_an_accepted_load_leaves_quarantine_and_the_next_check_uses_it(con: duckdb.DuckDBPyConnection) -> None:
    long, short = blocked_short_load(con)
    moment = datetime(2023, 4, 14, 10, 30, tzinfo=UTC)
    acceptance = accept_load(
        con, short.load_id, reason="three months is all the upstream keeps now", by="alice", now=moment
    )

    assert (acceptance.load_id, acceptance.source, acceptance.accepted_by) == (short.load_id, SOURCE, "alice")
    assert acceptance.accepted_at == moment and acceptance.via == "warehouse accept"
    assert acceptance.suite_hash == suites_module.suite_hash(suites_module.read_suite(SOURCE))
    assert acceptance.overridden_checks == ["row_count_vs_previous_load"]
    assert f"had {len(MONTHS)} (more than 50 % fewer)" in acceptance.overrides[0]["detail"]
    assert load_statuses(con, SOURCE)[short.load_id] == ("accepted", acceptance.suite_hash)
    assert acceptances_in_force(con, SOURCE) == [acceptance] == acceptance_history(con, short.load_id)

    usable = refresh_source_view(con, get_source(SOURCE), list_loads(source=SOURCE))
    assert [ld.load_id for ld in usable] == [long.load_id, short.load_id]
    viewed = con.execute(f"select distinct _load_id from landing.{SOURCE}").fetchall()
    assert {r[0] for r in viewed} == {long.load_id, short.load_id}
    after = check(con, SOURCE, "r3")
    assert after.passed and not after.failures and after.loads_checked == 0
    # the accepted load is the previous load of the next one: 4 rows over 3 is no drop
    land(SOURCE, good_hgjck().head(4), "2023-04-14T09:00+08:00")
    assert check(con, SOURCE, "r4").passed


def test_accepting_what_is_not_quarantined_is_a_clear_error(con: duckdb.DuckDBPyConnection) -> None:
    long, short = blocked_short_load(con)
    with pytest.raises(AcceptanceError, match=r"no load 'nope' in the landing zone"):
        accept_load(con, "nope", reason="x")
    with pytest.raises(AcceptanceError, match=r"did you mean " + short.load_id):
        accept_load(con, short.load_id[:-2], reason="x")
    with pytest.raises(AcceptanceError, match=r"is not quarantined \(its check passed under the current suite\)"):
        accept_load(con, long.load_id, reason="x")
    with pytest.raises(AcceptanceError, match="needs a reason"):
        accept_load(con, short.load_id, reason="   ")
    unchecked = land(SOURCE, good_hgjck().head(2), "2023-04-14T09:00+08:00")
    with pytest.raises(AcceptanceError, match="has not been checked yet: run `warehouse build`"):
        accept_load(con, unchecked.load_id, reason="x")
    accept_load(con, short.load_id, reason="reviewed", by="alice")
    with pytest.raises(AcceptanceError, match=r"is already accepted by alice at \d{4}-\d\d-\d\d \d\d:\d\d UTC"):
        accept_load(con, short.load_id, reason="again", by="bob")
    assert [a.accepted_by for a in acceptance_history(con)] == ["alice"]


@pytest.fixture
def editable_suites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "suites"
    shutil.copytree(SUITES_DIR, folder)
    monkeypatch.setattr(suites_module, "SUITES_DIR", folder)
    return folder


def _edit_suite(folder: Path, **meta: object) -> None:
    path = folder / f"{SOURCE}.json"
    suite = json.loads(path.read_text(encoding="utf-8"))
    suite["meta"].update(meta)
    path.write_text(json.dumps(suite, ensure_ascii=False, indent=2), encoding="utf-8")


def test_an_acceptance_holds_for_its_suite_version_only(con: duckdb.DuckDBPyConnection, editable_suites: Path) -> None:
    _, short = blocked_short_load(con)
    first = accept_load(con, short.load_id, reason="reviewed", by="alice")
    _edit_suite(editable_suites, max_row_drop_pct=60)  # a new suite version: every load is checked again
    rechecked = check(con, SOURCE, "r3")
    assert not rechecked.passed and rechecked.failed_load_ids == [short.load_id]
    assert acceptances_in_force(con) == []  # kept in the history, no longer in force
    second = accept_load(con, short.load_id, reason="still right under the new rule", by="bob")
    assert second.suite_hash != first.suite_hash
    assert [a.accepted_by for a in acceptance_history(con, short.load_id)] == ["alice", "bob"]
    assert acceptances_in_force(con) == [second]
    assert check(con, SOURCE, "r4").passed

    # quarantined under one suite version, accepted under the next: refused, the next check decides
    _edit_suite(editable_suites, max_row_drop_pct=70)
    assert not check(con, SOURCE, "r5").passed
    _edit_suite(editable_suites, max_row_drop_pct=75)
    with pytest.raises(AcceptanceError, match="earlier version of its suite"):
        accept_load(con, short.load_id, reason="x")


def test_a_load_the_suite_now_passes_needs_no_acceptance(con: duckdb.DuckDBPyConnection, editable_suites: Path) -> None:
    _, short = blocked_short_load(con)
    accept_load(con, short.load_id, reason="reviewed", by="alice")
    _edit_suite(editable_suites, max_row_drop_pct=95)
    assert check(con, SOURCE, "r3").passed
    assert load_statuses(con, SOURCE)[short.load_id][0] == "passed"
    assert acceptances_in_force(con) == [] and len(acceptance_history(con)) == 1


# ---------------------------------------------------------------------------------- the CLI


def test_warehouse_accept_and_sources(con: duckdb.DuckDBPyConnection, warehouse_home: Paths) -> None:
    _, short = blocked_short_load(con)
    con.close()
    runner = CliRunner()
    listed = runner.invoke(main, ["sources"])
    assert listed.exit_code == 0, listed.output
    assert "Quarantined loads" in listed.output
    held = next(line for line in listed.output.splitlines() if short.load_id in line)
    assert SOURCE in held and "hgjck_recent.csv" in held and "row_count_vs_previous_load" in held

    missing = runner.invoke(main, ["accept", "20230101T000000000000Z-0000000000", "--reason", "x"])
    assert missing.exit_code == 1 and "Error: no load '20230101T000000000000Z-0000000000'" in missing.output
    no_reason = runner.invoke(main, ["accept", short.load_id])
    assert no_reason.exit_code == 2 and "--reason" in no_reason.output

    record = warehouse_home.working_db.parent / RECORD
    record.write_text("{}", encoding="utf-8")  # a last build whose inputs had no acceptance
    accepted = runner.invoke(main, ["accept", short.load_id, "--reason", "upstream keeps 3 months", "--by", "alice"])
    assert accepted.exit_code == 0, accepted.output
    assert not record.exists()  # the next build reads the accepted load: it is not skipped as unchanged
    assert f"Accepted: {SOURCE} load {short.load_id}: overrides row_count_vs_previous_load; accepted by alice" in (
        accepted.output
    )
    assert "upstream keeps 3 months" in accepted.output and "The next build uses it" in accepted.output
    again = runner.invoke(main, ["accept", short.load_id, "--reason", "x"])
    assert again.exit_code == 1 and "already accepted by alice" in again.output

    table = runner.invoke(main, ["sources"])
    row = next(line for line in table.output.splitlines() if line.startswith(SOURCE))
    assert "(1 load accepted)" in row
    assert "Quarantined loads" not in table.output
    line = next(line for line in table.output.splitlines() if short.load_id in line)
    assert "accepted by alice" in line and "overrides row_count_vs_previous_load" in line
    assert line.endswith("upstream keeps 3 months")
    as_json = json.loads(runner.invoke(main, ["sources", "--json"]).output)
    entry = next(r for r in as_json if r["source"] == SOURCE)
    assert entry["quarantined_loads"] == [] and entry["rows"] == 3  # the accepted load is the newest usable one
    [shown] = entry["accepted_loads"]
    assert (shown["load_id"], shown["accepted_by"], shown["reason"]) == (
        short.load_id,
        "alice",
        "upstream keeps 3 months",
    )
    assert shown["overrides"][0]["check"] == "row_count_vs_previous_load"


def test_warehouse_accept_waits_for_a_build_that_holds_the_working_database(
    con: duckdb.DuckDBPyConnection, warehouse_home: Paths
) -> None:
    """A build between two of its steps (not writing, the database file unlocked) still owns the
    working database: the acceptance is written after that build has ended, not in the middle of it."""
    _, short = blocked_short_load(con)
    con.close()
    result: dict[str, object] = {}
    with holder_process(warehouse_home.working_db, "build-run", where="between") as build:
        accepting = threading.Thread(
            target=lambda: result.update(
                done=CliRunner().invoke(main, ["accept", short.load_id, "--reason", "reviewed", "--by", "bob"])
            )
        )
        accepting.start()
        accepting.join(timeout=3)
        assert accepting.is_alive(), "the acceptance did not wait for the build"
        with duckdb.connect(str(warehouse_home.working_db), read_only=True) as reader:
            assert acceptance_history(reader) == []  # nothing written while the build runs
    build.wait(timeout=30)  # the build ends
    accepting.join(timeout=60)
    done = result["done"]
    assert done.exit_code == 0, done.output  # type: ignore[attr-defined]
    assert f"waiting for run build-run (pid {build.pid})" in done.output  # type: ignore[attr-defined]
    assert "accepted by bob" in done.output  # type: ignore[attr-defined]


def test_accept_without_any_check_yet_says_so(warehouse_home: Paths) -> None:
    result = CliRunner().invoke(main, ["accept", "x", "--reason", "y"])
    assert result.exit_code == 1 and "no load has been checked yet" in result.output


# ---------------------------------------------------------------------------------- Dagster


def _run(job_name: str, run_config: dict, **kwargs: object) -> object:
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.partitions import register_weeks

    with dg.DagsterInstance.ephemeral() as instance:
        register_weeks(instance)
        return defs.resolve_job_def(job_name).execute_in_process(
            run_config=run_config, instance=instance, raise_on_error=False, **kwargs
        )


def test_the_accept_load_job_and_the_check_metadata(con: duckdb.DuckDBPyConnection, warehouse_home: Paths) -> None:
    from orchestration.asset_keys import landing_key

    from .conftest import DEMO_AS_OF, DEMO_WEEK

    _, short = blocked_short_load(con)
    con.close()
    config = {"load_id": short.load_id, "reason": "reviewed in the UI", "accepted_by": "carol"}
    result = _run("accept_load", {"ops": {"release_load": {"config": config}}})
    assert result.success
    [observation] = [
        ev.event_specific_data.asset_observation
        for ev in result.all_events
        if ev.event_type_value == "ASSET_OBSERVATION"
    ]
    assert observation.asset_key == landing_key(SOURCE)
    assert observation.metadata["accepted_by"].value == "carol"
    assert observation.metadata["overrides"].value[0]["check"] == "row_count_vs_previous_load"
    with duckdb.connect(str(warehouse_home.working_db)) as db:
        [acceptance] = acceptances_in_force(db)
    assert acceptance.via == f"Dagster run {result.run_id}" and acceptance.reason == "reviewed in the UI"

    refused = _run("accept_load", {"ops": {"release_load": {"config": config}}})
    assert not refused.success
    [failure] = [ev for ev in refused.all_events if ev.event_type_value == "STEP_FAILURE"]
    assert "already accepted by carol" in failure.step_failure_data.error.message

    # the landing asset and its check: the accepted load is used and listed in the check's metadata
    checked = _run(
        "weekly_build",
        {"resources": {"build": {"config": {"as_of": DEMO_AS_OF.isoformat(), "live": False}}}},
        partition_key=DEMO_WEEK,
        asset_selection=[landing_key(SOURCE)],
    )
    assert checked.success
    [evaluation] = [
        ev.event_specific_data for ev in checked.all_events if ev.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    assert evaluation.passed
    assert evaluation.metadata["loads_accepted"].value == 1
    table = evaluation.metadata["accepted_loads"].value
    assert short.load_id in table and "carol" in table and "row_count_vs_previous_load" in table
    assert "In use after review: 1 accepted load(s)" in evaluation.description


def test_a_blocking_check_says_how_to_release_a_reviewed_load(con: duckdb.DuckDBPyConnection) -> None:
    from orchestration.asset_keys import landing_key

    from .conftest import DEMO_AS_OF, DEMO_WEEK

    land(SOURCE, good_hgjck(), "2023-04-13T08:00+08:00")
    land(SOURCE, good_hgjck().head(3), "2023-04-14T08:00+08:00")
    con.close()
    checked = _run(
        "weekly_build",
        {"resources": {"build": {"config": {"as_of": DEMO_AS_OF.isoformat(), "live": False}}}},
        partition_key=DEMO_WEEK,
        asset_selection=[landing_key(SOURCE)],
    )
    assert not checked.success
    [evaluation] = [
        ev.event_specific_data for ev in checked.all_events if ev.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    assert not evaluation.passed and evaluation.description.startswith(f"{SOURCE}: 1 failed")
    assert evaluation.description.endswith(
        "`warehouse accept LOAD_ID --reason …` (or the accept_load job) releases it."
    )


# ---------------------------------------------------------------------------------- backfills


def check_at(con: duckdb.DuckDBPyConnection, moment: datetime, run_id: str) -> CheckOutcome:
    outcome = check_source(get_source(SOURCE), list_loads(source=SOURCE), con=con, reference=moment, as_of=moment)
    record_verdicts(con, outcome.verdicts, run_id)
    return outcome


def test_a_stale_file_landed_without_available_at_is_told_to_land_as_a_backfill(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "hgjck_history.csv"
    good_hgjck().to_csv(path, index=False, encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", SOURCE, "--file", str(path)])
    assert first.exit_code == 0, first.output
    now = datetime.now(UTC)
    stale = check_at(con, now, "r1")
    [failure] = [f for f in stale.failures if f.critical]
    assert failure.check == "load_is_fresh"
    assert "The file was landed without --available-at, so it counts as known only from when it was landed" in (
        failure.detail
    )
    assert (
        f"a backfill of older data should be landed with `warehouse ingest {SOURCE} --file hgjck_history.csv "
        "--available-at <when the data was known>` (e.g. 2023-04-13T11:00+08:00, when its latest period was published)"
    ) in failure.detail

    # landed again as the hint says: a new load (same content, another moment), and the check passes;
    # the quarantined first copy holds nothing the warehouse lacks, so it no longer keeps the check red
    again = runner.invoke(main, ["ingest", SOURCE, "--file", str(path), "--available-at", "2023-04-13T11:00+08:00"])
    assert again.exit_code == 0 and again.output.startswith("Landed "), again.output
    backfilled = check_at(con, now, "r2")
    assert backfilled.passed, backfilled.summary()
    assert [f.check for f in backfilled.failures] == ["source_is_fresh"]  # stale today: a warning only
    assert [v.status for v in backfilled.verdicts] == ["passed"]
    assert check_at(con, datetime.fromisoformat("2023-04-14T20:00+08:00"), "r3").passed
    same = runner.invoke(main, ["ingest", SOURCE, "--file", str(path), "--available-at", "2023-04-13T11:00+08:00"])
    assert "is identical to load" in same.output and len(list_loads(source=SOURCE)) == 2


def test_only_files_landed_without_available_at_get_the_backfill_hint(con: duckdb.DuckDBPyConnection) -> None:
    land(SOURCE, good_hgjck(), "2023-09-01T08:00+08:00")  # an akshare fetch returning old data
    outcome = check_at(con, datetime.fromisoformat("2023-09-02T08:00+08:00"), "r1")
    [failure] = [f for f in outcome.failures if f.critical]
    assert failure.check == "load_is_fresh" and "--available-at" not in failure.detail
