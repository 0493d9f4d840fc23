"""Faults of a whole `warehouse build` found by the fault-injection sweep (issue 16): the build
process dies alone, a run dies before its first step, only the report fails, the disk fills up.
In each, what the command says must match what is published, and the next build recovers."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ground.settings import REPO_ROOT, Paths
from warehouse.publish import current_version

from .test_faults import _alive, _dbt_build_pid
from .test_publish_support import build_env, build_output, publish_synthetic, start_build, wait_for

pytestmark = pytest.mark.slow


def _runs(p: Paths) -> list[dg.DagsterRun]:
    instance = dg.DagsterInstance.from_config(str(p.dagster_home))
    return sorted(instance.get_runs(filters=dg.RunsFilter(tags={"warehouse/cli": "build"})), key=lambda run: run.run_id)


def test_dbt_dies_with_the_build_process(minimal_landing: Paths, tmp_path: Path) -> None:
    """SIGKILL of the build process alone (not its process group): dbt must not keep writing."""
    p = minimal_landing
    build = start_build(p, tmp_path / "killed")
    try:
        dbt_pid = wait_for(lambda: _dbt_build_pid(build.pid), 300, 0.1, "dbt to start")
        os.kill(build.pid, signal.SIGKILL)  # only the build; dbt is its child
        build.wait(timeout=30)
        wait_for(lambda: not _alive(dbt_pid), 10, 0.05, "dbt to die with its parent")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)  # clean up a surviving dbt (the behaviour before the fix)
    duckdb.connect(str(p.working_db)).close()  # nothing holds the working database any more


KILL_AFTER_RUN_CREATION = r"""
import os, signal
from datetime import datetime
from dagster import DagsterInstance

create_run_for_job = DagsterInstance.create_run_for_job
def create_then_die(self, *args, **kwargs):
    create_run_for_job(self, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # after the run is stored, before its first step
DagsterInstance.create_run_for_job = create_then_die

from cli.build import run_build
run_build("2023-W15", as_of=datetime.fromisoformat("2023-04-14T20:00+08:00"))
"""


def test_a_run_killed_before_its_first_step_is_marked_failed(minimal_landing: Paths, tmp_path: Path) -> None:
    p = minimal_landing
    script = tmp_path / "kill.py"
    script.write_text(KILL_AFTER_RUN_CREATION)
    killed = subprocess.run([sys.executable, str(script)], env=build_env(p), cwd=REPO_ROOT, timeout=600)
    assert killed.returncode == -9
    (abandoned,) = _runs(p)
    assert abandoned.status == dg.DagsterRunStatus.NOT_STARTED  # what the UI showed for good

    nxt = start_build(p, tmp_path / "next")  # the next CLI build cleans up when it starts
    assert nxt.wait(timeout=900) == 0, build_output(tmp_path / "next")
    statuses = {run.run_id: run.status for run in _runs(p)}
    assert statuses.pop(abandoned.run_id) == dg.DagsterRunStatus.FAILURE
    assert list(statuses.values()) == [dg.DagsterRunStatus.SUCCESS]
    instance = dg.DagsterInstance.from_config(str(p.dagster_home))
    reasons = [
        r.message for r in instance.all_logs(abandoned.run_id) if r.dagster_event and r.dagster_event.is_run_failure
    ]
    assert any("died before its first step" in (reason or "") for reason in reasons), reasons
    config = (p.dagster_home / "dagster.yaml").read_text()
    assert "run_monitoring:" in config and "start_timeout_seconds" in config  # and the daemon does it for UI runs


def test_only_the_report_fails_and_the_summary_says_a_version_went_live(minimal_landing: Paths, tmp_path: Path) -> None:
    p = minimal_landing
    publish_synthetic(p)
    p.reports.mkdir(parents=True, exist_ok=True)
    (p.reports / "2023-W15").write_text("a file where the report folder should be")
    build = start_build(p, tmp_path / "report")
    assert build.wait(timeout=900) == 1
    output = build_output(tmp_path / "report")
    printed = output.split("\n--- ")[0]
    assert current_version(p).number == 2  # the marts were published before the report step
    assert "keeps its last good version" not in printed
    assert "Published v0002 (week 2023-W15" in printed and "replacing v0001 (week 2023-W15" in printed
    assert "report__weekly_summary" in printed.split("Failures:")[1]
    assert re.search(r"^Full log: \S+\.log$", printed, re.M)


FULL_DISK = r"""
set -e
mount -t tmpfs -o size=64m tmpfs "$MOUNT"
mkdir -p "$WAREHOUSE_HOME"
"$PYTHON" "$SETUP"
avail=$(df -k --output=avail "$MOUNT" | tail -1)
dd if=/dev/zero of="$MOUNT/filler" bs=1k count=$((avail - FREE_KB)) 2>/dev/null || true
set +e
"$WAREHOUSE" build --week 2023-W15 --as-of 2023-04-14T20:00+08:00 > "$OUT/stdout.txt" 2> "$OUT/stderr.txt"
echo $? > "$OUT/code"
rm -f "$MOUNT/filler"
"$PYTHON" "$INSPECT" > "$OUT/after.json"
"""

SETUP = r"""
from datetime import UTC, datetime
from ingestion.landing import land_frame
from ingestion.registry import get_source
from tests.conftest import hgjck_frame, land_calendar
from tests.test_publish_support import publish_synthetic
from ground.settings import paths

p = paths().ensure()
land_calendar()
months = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13) if (y, m) <= (2023, 3)]
frame = hgjck_frame(months, [2.5e8] * len(months), [2.0e8] * len(months), [10.0] * len(months))
land_frame(get_source("macro_china_hgjck"), frame, origin="test", fetched_at=datetime(2023, 4, 13, 6, tzinfo=UTC))
publish_synthetic(p)
"""

INSPECT = r"""
import json
from ground.database import serving
from warehouse.publish import current_version, verify
with serving() as con:
    print(json.dumps({"current": current_version().number, "verified": verify(con)}))
"""


def _mount_namespace() -> list[str] | None:
    """A command prefix that runs its argument in a private mount namespace, or None if not allowed."""
    for prefix in (["unshare", "--mount"], ["unshare", "--user", "--map-root-user", "--mount"]):
        try:
            probe = subprocess.run(
                [
                    *prefix,
                    "sh",
                    "-c",
                    "mount -t tmpfs -o size=1m tmpfs /mnt 2>/dev/null || mount -t tmpfs -o size=1m tmpfs /tmp",
                ],
                capture_output=True,
                timeout=30,
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if probe.returncode == 0:
            return prefix
    return None


@pytest.mark.parametrize("free_kb", [3000])
def test_a_full_disk_gives_a_summary_not_a_traceback(tmp_path: Path, free_kb: int) -> None:
    """The home on a 64 MiB file system filled up to its last few MiB (a private tmpfs)."""
    prefix = _mount_namespace()
    if prefix is None:
        pytest.skip("cannot mount a small tmpfs here (unshare/mount not permitted), so no disk can be filled")
    mount, out = tmp_path / "disk", tmp_path / "out"
    mount.mkdir()
    out.mkdir()
    (tmp_path / "full_disk_setup.py").write_text(SETUP)
    (tmp_path / "full_disk_after.py").write_text(INSPECT)
    (tmp_path / "full_disk.sh").write_text(FULL_DISK)
    home = mount / "home"
    env = build_env(
        Paths(home=home, reports=mount / "reports"),
        MOUNT=str(mount),
        OUT=str(out),
        FREE_KB=str(free_kb),
        PYTHON=sys.executable,
        WAREHOUSE=str(Path(sys.executable).parent / "warehouse"),
        SETUP=str(tmp_path / "full_disk_setup.py"),
        INSPECT=str(tmp_path / "full_disk_after.py"),
        PYTHONPATH=str(REPO_ROOT),
    )
    done = subprocess.run([*prefix, "bash", str(tmp_path / "full_disk.sh")], env=env, cwd=REPO_ROOT, timeout=1800)
    assert done.returncode == 0
    printed = (out / "stdout.txt").read_text() + (out / "stderr.txt").read_text()
    assert (out / "code").read_text().strip() == "1", printed
    assert "Traceback" not in printed and "sqlalchemy" not in printed, printed
    assert re.search(r"^Build of 2023-W15 .* FAILED in", printed, re.M), printed
    assert f"the disk holding {home} is full" in printed, printed
    assert "Nothing was published: the serving database keeps its last good version, v0001" in printed, printed
    assert json.loads((out / "after.json").read_text()) == {"current": 1, "verified": 1}  # readers unharmed
