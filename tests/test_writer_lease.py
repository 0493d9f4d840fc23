"""The run lease on the working database (``ground.writer_lease``), with real processes and files.

A holder is a separate Python process that takes the lease as run A the way a writing step does,
then stays alive between "steps" (or inside one) until told to stop; the waiting run B is this
test's process. ``run_is_running`` plays the run storage (the Dagster instance) of the caller.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import pytest

from ground.processes import process_alive, process_started
from ground.settings import Paths, paths
from ground.writer_lease import Holder, WriterLease, WriterLeaseTimeout

REPO = Path(__file__).resolve().parent.parent

HOLDER_SCRIPT = r"""
import sys, time
from pathlib import Path
from ground.writer_lease import WriterLease

database, run_id, where, ready, stop = Path(sys.argv[1]), sys.argv[2], sys.argv[3], Path(sys.argv[4]), Path(sys.argv[5])

def wait_for_stop():
    while not stop.exists():
        time.sleep(0.02)

with WriterLease(database).writing(run_id, run_is_running=lambda run: run == run_id):  # earlier runs ended
    (database.parent / "written-by-holder").write_text(run_id)
    if where == "inside":  # a step still writing
        ready.write_text("ready")
        wait_for_stop()
if where == "between":  # the run between two writing steps: the lease stays, the flock does not
    ready.write_text("ready")
    wait_for_stop()
"""


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "working" / "warehouse.duckdb"


@contextmanager
def holder_process(database: Path, run_id: str, where: str = "between") -> Iterator[subprocess.Popen]:
    """A process that took the lease as ``run_id`` and stays ``between`` steps or ``inside`` one."""
    ready, stop = database.parent / f"ready-{run_id}", database.parent / f"stop-{run_id}"
    for flag in (ready, stop):
        flag.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER_SCRIPT, str(database), run_id, where, str(ready), str(stop)], cwd=REPO
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert process.poll() is None, "the holder process died before it took the lease"
            assert time.monotonic() < deadline, "the holder process never took the lease"
            time.sleep(0.02)
        yield process
    finally:
        stop.write_text("stop")
        if process.poll() is None:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Runs:
    """The run storage as the waiting run sees it: which runs are still going."""

    def __init__(self, *running: str) -> None:
        self.running = set(running)
        self.asked: list[str] = []

    def __call__(self, run_id: str) -> bool | None:
        self.asked.append(run_id)
        return run_id in self.running

    def finish_later(self, run_id: str, seconds: float) -> threading.Timer:
        timer = threading.Timer(seconds, self.running.discard, args=(run_id,))
        timer.start()
        return timer


def enter(lease: WriterLease, run_id: str, runs: Runs, **kwargs: object) -> tuple[float, list[str], Holder]:
    """Take the lease as ``run_id``; (seconds it took, the notices, the recorded holder)."""
    notices: list[str] = []
    started = time.monotonic()
    with lease.writing(run_id, run_is_running=runs, notify=notices.append, **kwargs) as holder:
        took = time.monotonic() - started
        (lease.database.parent / "written-by-b").write_text(run_id)
    return took, notices, holder


def test_a_second_run_waits_while_the_first_holds_the_lease_between_its_steps_and_goes_on_when_it_ends(
    database: Path,
) -> None:
    lease = WriterLease(database, poll_seconds=0.05)
    with holder_process(database, "run-A") as a:
        recorded = lease.holder()
        assert recorded is not None and (recorded.run_id, recorded.pid, recorded.host) == (
            "run-A",
            a.pid,
            socket.gethostname(),
        )
        assert recorded.pid_started == process_started(a.pid)
        runs = Runs("run-A")
        runs.finish_later("run-A", 1.0)
        took, notices, mine = enter(lease, "run-B", runs)
        assert a.poll() is None  # A's process was alive the whole time: B waited for A's run to end
    assert took >= 0.9
    assert notices == [f"waiting for run run-A (pid {a.pid}) to finish writing {database}"]  # once, not per poll
    assert (mine.run_id, mine.pid) == ("run-B", os.getpid())
    assert lease.holder() == mine  # B keeps the lease after its block: it owns it until it ends
    assert json.loads(lease.lease_path.read_text())["run_id"] == "run-B"


def test_waiting_ends_with_an_error_naming_the_holder(database: Path) -> None:
    lease = WriterLease(database, timeout_seconds=0.5, poll_seconds=0.05)
    with holder_process(database, "run-A"):
        before = lease.holder()
        started = time.monotonic()
        with pytest.raises(WriterLeaseTimeout) as raised:
            enter(lease, "run-B", Runs("run-A"))
        waited = time.monotonic() - started
    assert 0.5 <= waited < 5
    assert raised.value.holder == before
    message = str(raised.value)
    assert f"run run-A (pid {before.pid}, since {before.since})" in message
    assert f"writer lease on {database} for more than 0.5 s" in message
    assert lease.holder() == before  # the waiting run changed nothing
    assert not (database.parent / "written-by-b").exists()


def test_a_lease_left_by_a_killed_process_is_taken_over_at_once(database: Path) -> None:
    lease = WriterLease(database, poll_seconds=0.05)
    with holder_process(database, "run-A") as a:
        a.send_signal(signal.SIGKILL)  # a killed `warehouse build`: its run stays STARTED in the instance
        a.wait()
        took, notices, mine = enter(lease, "run-B", Runs("run-A"))
    assert took < 0.5
    [notice] = notices
    assert notice.startswith(f"took over the writer lease on {database}: the process of run run-A (pid {a.pid}, since ")
    assert notice.endswith(") is gone") and mine.run_id == "run-B"


def test_a_lease_left_by_a_killed_process_inside_a_step_is_taken_over_at_once(database: Path) -> None:
    """Killed while writing: the kernel drops the flock; the lease file still names the dead run."""
    lease = WriterLease(database, poll_seconds=0.05)
    with holder_process(database, "run-A", where="inside") as a:
        a.kill()
        a.wait()
        took, _, mine = enter(lease, "run-B", Runs("run-A"))
    assert took < 0.5 and mine.run_id == "run-B"


def test_a_lease_of_a_finished_run_is_taken_over_at_once_even_while_its_process_lives(database: Path) -> None:
    lease = WriterLease(database, poll_seconds=0.05)
    with holder_process(database, "run-A") as a:
        runs = Runs()  # the instance says run A has ended (e.g. a run worker still shutting down)
        took, notices, mine = enter(lease, "run-B", runs)
        assert a.poll() is None
    assert took < 0.5 and notices == [] and runs.asked == ["run-A"]
    assert mine.run_id == "run-B"


def test_the_same_run_re_enters_without_waiting(database: Path) -> None:
    lease = WriterLease(database, poll_seconds=0.05)
    with holder_process(database, "run-A") as a:
        first = lease.holder()
        # a later step of run A in a step subprocess records the run's process, as the resource does
        took, notices, again = enter(lease, "run-A", Runs("run-A"), pid=a.pid)
        assert took < 0.5 and notices == []
        assert again == first  # same holder, same since: the run still owns it from its first write
    took, _, later = enter(lease, "run-C", Runs())
    took_again, notices, again = enter(lease, "run-C", Runs("run-A"))  # run C's second step, in this process
    assert took_again < 0.5 and notices == [] and again == later


def test_two_steps_of_one_run_never_write_at_once(database: Path) -> None:
    lease = WriterLease(database, poll_seconds=0.05)
    with holder_process(database, "run-A", where="inside") as a:
        stop = database.parent / "stop-run-A"
        threading.Timer(1.0, stop.write_text, args=("stop",)).start()
        took, notices, _ = enter(lease, "run-A", Runs("run-A"), pid=a.pid)  # a parallel step of run A
    assert took >= 0.9  # it waited until the other step left its block
    assert notices == [f"waiting for run run-A (pid {a.pid}) to finish writing {database}"]


def test_a_run_unknown_to_the_caller_counts_while_its_process_lives(database: Path) -> None:
    """A run of another Dagster instance: its process tells. One this very process ran has ended."""
    lease = WriterLease(database, timeout_seconds=0.3, poll_seconds=0.05)
    unknown = lambda run_id: None  # noqa: E731
    with holder_process(database, "run-A"), pytest.raises(WriterLeaseTimeout):
        lease.writing("run-B", run_is_running=unknown).__enter__()
    with lease.writing("run-C", run_is_running=unknown):
        pass
    with lease.writing("run-D", run_is_running=unknown) as holder:  # e.g. execute_in_process with a new instance
        assert holder.run_id == "run-D"


def test_a_reused_pid_does_not_keep_a_dead_run_s_lease(database: Path) -> None:
    lease = WriterLease(database, poll_seconds=0.05)
    database.parent.mkdir(parents=True)
    parent = os.getppid()  # alive, but not the process that took the lease
    started = process_started(parent)
    assert started is not None and process_alive(parent) and process_alive(parent, started)
    assert not process_alive(parent, started + 1)
    left = Holder(run_id="run-A", pid=parent, host=socket.gethostname(), since="2024-01-05T08:00:00+00:00")
    lease.lease_path.write_text(json.dumps({**asdict(left), "pid_started": started + 1}))
    took, notices, mine = enter(lease, "run-B", Runs("run-A"))
    assert took < 0.5 and "is gone" in notices[0] and mine.run_id == "run-B"


def test_a_holder_on_another_host_is_waited_for_until_its_run_ends(database: Path) -> None:
    lease = WriterLease(database, timeout_seconds=0.3, poll_seconds=0.05)
    database.parent.mkdir(parents=True)
    remote = Holder(run_id="run-A", pid=1, host="another-host", since="2024-01-05T08:00:00+00:00")
    lease.lease_path.write_text(json.dumps(asdict(remote)))
    with pytest.raises(WriterLeaseTimeout, match=r"run run-A \(pid 1 on another-host, since 2024-01-05"):
        enter(lease, "run-B", Runs("run-A"))
    _, _, mine = enter(lease, "run-B", Runs())  # its run ended (per the run storage the hosts share)
    assert mine.run_id == "run-B"


# ------------------------------------------------------------------ the Dagster resource


def _writing_asset() -> object:
    import dagster as dg

    from orchestration.resources import WriterLock

    @dg.asset
    def written(context: dg.AssetExecutionContext, writer_lock: WriterLock) -> None:
        with writer_lock.writing(context):
            (paths().working_db.parent / "written").write_text(context.run_id)

    return written


def another_run(instance: object, asset: object) -> object:
    """A run of ``asset`` the instance knows (not started: it counts as running until it is marked failed)."""
    import dagster as dg

    from orchestration.resources import WriterLock

    job = dg.Definitions(
        assets=[asset], resources={"writer_lock": WriterLock()}
    ).resolve_implicit_global_asset_job_def()
    return instance.create_run_for_job(job)


@pytest.mark.integration
def test_a_writing_step_waits_for_a_run_the_instance_says_is_running_and_goes_on_when_it_ends(
    warehouse_home: Paths,
) -> None:
    import dagster as dg

    from orchestration.resources import WriterLock

    written = _writing_asset()
    database = warehouse_home.working_db
    with dg.instance_for_test() as instance:
        run_a = another_run(instance, written)
        with holder_process(database, run_a.run_id) as a:
            threading.Timer(1.5, instance.report_run_failed, args=(run_a,)).start()
            started = time.monotonic()
            result = dg.materialize([written], instance=instance, resources={"writer_lock": WriterLock()})
            took = time.monotonic() - started
            assert a.poll() is None  # run A's process lived on: only the instance said A had ended
        assert result.success and took >= 1.4
        messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
        assert f"waiting for run {run_a.run_id} (pid {a.pid}) to finish writing {database}" in messages
        holder = WriterLease(database).holder()
        assert holder is not None and (holder.run_id, holder.pid) == (result.run_id, os.getpid())
        assert (database.parent / "written").read_text() == result.run_id
        first = result

        # run A's lease is gone with it; a run that waits too long fails naming the holder, no retry
        run_c = another_run(instance, written)
        with holder_process(database, run_c.run_id) as c:
            result = dg.materialize(
                [written],
                instance=instance,
                resources={"writer_lock": WriterLock(timeout_seconds=0.5)},
                raise_on_error=False,
            )
        assert not result.success
        [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        description = failure.step_failure_data.user_failure_data.description
        assert description.startswith(f"run {run_c.run_id} (pid {c.pid}, since ")
        assert f"has held the writer lease on {database} for more than 0.5 s" in description
        assert (database.parent / "written").read_text() == first.run_id  # the run that timed out wrote nothing
