"""One writer at a time, any number of readers: two full builds and a reader process at once."""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import dagster as dg
import pytest

from ground.database import serving
from ground.settings import Paths
from ground.writer_lease import WriterLease
from warehouse.publish import current_version, verify, verify_parquet

from .test_publish_support import Reader, build_env, build_output, publish_synthetic, start_build, wait_for

pytestmark = pytest.mark.slow

STEP_ENDS = {"STEP_SUCCESS", "STEP_FAILURE"}


def _writing_window(instance: dg.DagsterInstance, run_id: str) -> tuple[float, float]:
    """From the first write (a step inside ``writer_lock.writing``, which logs "writing <db> as run …")
    to the end of the last writing step: the time a run owned the working database."""
    records = instance.all_logs(run_id)
    writes = {r.step_key: r.timestamp for r in reversed(records) if r.user_message.startswith("writing ")}
    ends = [
        r.timestamp
        for r in records
        if r.dagster_event is not None and r.dagster_event.event_type_value in STEP_ENDS and r.step_key in writes
    ]
    assert len(writes) >= 3, f"run {run_id} wrote in {sorted(writes)} only"  # landing, dbt, serving
    return min(writes.values()), max(ends)


def test_two_builds_serialise_while_a_reader_sees_whole_versions(minimal_landing: Paths, tmp_path: Path) -> None:
    p = minimal_landing
    publish_synthetic(p)  # v0001, so the reader has a version from its first read on
    reader = Reader(p, tmp_path / "reader")
    builds = []
    try:
        builds.append(start_build(p, tmp_path / "first"))
        lease = WriterLease(p.working_db)
        wait_for(
            lambda: getattr(lease.holder(), "pid", None) == builds[0].pid or builds[0].poll() is not None,
            300,
            what="the first build to take the writer lease",
        )
        first_run = getattr(lease.holder(), "run_id", "?")
        builds.append(start_build(p, tmp_path / "second"))  # e.g. a scheduled build while a manual one runs
        codes = [build.wait(timeout=900) for build in builds]
    finally:
        for build in builds:
            if build.poll() is None:
                os.killpg(build.pid, signal.SIGKILL)
        report = reader.stop()

    outputs = [build_output(tmp_path / name) for name in ("first", "second")]
    assert codes == [0, 0], "\n\n".join(outputs)
    # the second build waited for the first run's lease (kept between its steps), and said so
    assert f"waiting for run {first_run} (pid {builds[0].pid}) to finish writing {p.working_db}" in outputs[1]

    instance = dg.DagsterInstance.from_config(str(p.dagster_home))
    runs = instance.get_runs(filters=dg.RunsFilter(tags={"warehouse/cli": "build"}))
    assert sorted(run.status.value for run in runs) == ["SUCCESS", "SUCCESS"]
    first, second = sorted(_writing_window(instance, run.run_id) for run in runs)
    assert first[1] <= second[0], f"the two runs' writing steps interleaved: {first} {second}"

    assert current_version(p).number == 3
    with serving() as con:
        assert verify(con) == 3
        assert con.execute("select count(*) from marts.mart_exports_monthly").fetchall()[0][0] > 3  # the real mart
    assert verify_parquet((p.serving / "current").resolve()) == 3

    # the reader: zero errors, every read one complete version, versions seen in order
    assert report["error_count"] == 0, report["errors"]
    assert report["versions"] == [1, 2, 3], report
    assert report["held_ok"] and report["held_version"] == 1  # opened before both publishes, still fine
    assert report["reads"] > 100 and report["parquet_reads"] > 30, report


def test_builds_of_two_warehouse_homes_run_at_once(minimal_landing: Paths, tmp_path: Path) -> None:
    """Two homes on one checkout (say the demo and a live one): each has its own working database,
    lease and dbt target folder, so their builds neither wait for nor disturb each other."""
    other = Paths(home=tmp_path / "other", reports=tmp_path / "other-reports")
    shutil.copytree(minimal_landing.landing, other.landing)
    other.ensure()
    homes = [minimal_landing, other]
    builds = [start_build(p, tmp_path / f"build{i}", env=build_env(p)) for i, p in enumerate(homes)]
    try:
        codes = [build.wait(timeout=900) for build in builds]
    finally:
        for build in builds:
            if build.poll() is None:
                os.killpg(build.pid, signal.SIGKILL)
    outputs = [build_output(tmp_path / f"build{i}") for i in range(2)]
    assert codes == [0, 0], "\n\n".join(outputs)
    for p, output in zip(homes, outputs, strict=True):
        assert "waiting for run" not in output
        results = json.loads((p.working_db.parent / "dbt" / "run_results.json").read_text())
        assert not {r["status"] for r in results["results"]} & {"error", "fail", "skipped"}
        assert (p.reports / "2023-W15" / "summary.md").exists()
