"""The run lease on the working database: one run writes it at a time, from its first write to its end.

Every step that writes the working database (landing and checks, the dbt build, publishing, a
load acceptance) writes inside ``WriterLease(db).writing(run_id, ...)``. That block

* waits while another run holds a live lease, then records this run as the holder in
  ``.writer.lease`` beside the database (run id, the pid and host of the process that runs the
  run, since when);
* holds an flock on ``.writer.lock`` for the block, so two steps (of one run, or a run taking
  over) never write at once; the lease file is only read and changed under that flock;
* keeps the lease after the block: the run owns it until it ends, so no other run writes
  between two of its steps (run B's landing or dbt build would otherwise change what run A's
  publish step then publishes as A's week and as-of).

Nothing releases a lease; the next run finds it free when it is empty or its own, when the
holder's run has finished (asked through ``run_is_running``, which the caller answers from its
run storage, e.g. the Dagster instance: ground knows no orchestrator), or when the holder's
process is gone from this host (a killed build: the kernel drops its flock, the lease file
stays). A run the caller does not know (``run_is_running`` returns None: a run of another
Dagster instance) counts as running while its process lives; one that ran in the very process
now asking has ended, since a process runs one run at a time. A holder on another host is
waited for until the run storage says it ended, or until the timeout, which names it.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from ground.processes import process_alive, process_started

DEFAULT_TIMEOUT_SECONDS = 1800.0
LEASE_FILE = ".writer.lease"
LOCK_FILE = ".writer.lock"

RunIsRunning = Callable[[str], bool | None]
"""Is the run with this id still running? True, False (it ended), or None (unknown run)."""


@dataclass(frozen=True)
class Holder:
    """Who holds the lease: a run, and the process that runs it."""

    run_id: str
    pid: int
    host: str
    since: str  # ISO 8601, UTC: when the run took the lease
    pid_started: int | None = None  # the process's start (processes.process_started): a reused pid is not it

    def describe(self) -> str:
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"run {self.run_id} (pid {self.pid}{where}, since {self.since})"


@dataclass(frozen=True)
class Free:
    """Why a lease is free for a run; ``left_behind``: its holder died without ending its run."""

    reason: str
    left_behind: bool = False


class WriterLeaseTimeout(TimeoutError):
    """Another run held the lease for longer than the caller would wait."""

    def __init__(self, message: str, holder: Holder | None) -> None:
        super().__init__(message)
        self.holder = holder


class WriterLease:
    """The lease of one working database (files beside it: ``.writer.lease``, ``.writer.lock``)."""

    def __init__(
        self, database: Path, *, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS, poll_seconds: float = 0.5
    ) -> None:
        self.database = Path(database)
        self.lease_path = self.database.parent / LEASE_FILE
        self.lock_path = self.database.parent / LOCK_FILE
        self.timeout_seconds = timeout_seconds
        self.poll_seconds = poll_seconds

    def holder(self) -> Holder | None:
        """The recorded holder (read without the flock: for messages and tests), or None."""
        try:
            record = json.loads(self.lease_path.read_text(encoding="utf-8"))
            return Holder(**record) if record else None
        except (OSError, ValueError, TypeError):  # no lease yet, or not one this code wrote
            return None

    def free_because(self, holder: Holder | None, run_id: str, pid: int, run_is_running: RunIsRunning) -> Free | None:
        """Why ``run_id`` (run by ``pid``) may write now; None while ``holder`` keeps it out."""
        if holder is None:
            return Free("no run holds it")
        if holder.run_id == run_id:
            return Free("this run holds it")
        running = run_is_running(holder.run_id)
        if running is False:
            return Free(f"{holder.describe()} has ended")
        if holder.host != socket.gethostname():
            return None
        if not process_alive(holder.pid, holder.pid_started):
            return Free(f"the process of {holder.describe()} is gone", left_behind=True)
        if running is None and holder.pid == pid:
            return Free(f"{holder.describe()} ran earlier in this same process")
        return None

    @contextmanager
    def writing(
        self,
        run_id: str,
        *,
        run_is_running: RunIsRunning,
        pid: int | None = None,
        notify: Callable[[str], None] = lambda message: None,
    ) -> Iterator[Holder]:
        """Write the database as ``run_id`` inside the block (see the module's docstring).

        ``pid``: the process that runs the run (default: this one); a step running in a child
        process of the run's process passes the parent's, which lives as long as the run.
        ``notify`` gets a line when the block starts waiting for a holder and one when it takes
        over the lease of a run whose process died. Raises ``WriterLeaseTimeout`` (naming the
        holder) after ``timeout_seconds``.
        """
        pid = pid or os.getpid()
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.timeout_seconds
        announced = False
        waited_for: Holder | None = None
        with open(self.lock_path, "a") as lock:
            while True:
                holder, free = self._try_take(lock, run_id, pid, run_is_running)
                if free is not None:
                    break
                if not announced or holder != waited_for:  # once per holder, not once per poll
                    announced = True
                    waited_for = holder
                    shown = holder or Holder(run_id="?", pid=0, host=socket.gethostname(), since="?")
                    notify(f"waiting for run {shown.run_id} (pid {shown.pid}) to finish writing {self.database}")
                if time.monotonic() > deadline:
                    raise WriterLeaseTimeout(
                        f"{holder.describe() if holder else 'another step'} has held the writer lease on "
                        f"{self.database} for more than {self.timeout_seconds:g} s; if that run is stuck, "
                        f"stop it (or, if it is gone, mark it failed in the Dagster UI) and run again",
                        holder,
                    )
                time.sleep(self.poll_seconds)
            try:
                if free.left_behind:
                    notify(f"took over the writer lease on {self.database}: {free.reason}")
                mine = self._record(holder, run_id, pid)
                yield mine
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _try_take(
        self, lock: IO[str], run_id: str, pid: int, run_is_running: RunIsRunning
    ) -> tuple[Holder | None, Free | None]:
        """(holder, why this run may write) with the flock held, or (holder, None) without it."""
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a step is writing right now (its lease is in the file)
            return self.holder(), None
        holder = self.holder()
        free = self.free_because(holder, run_id, pid, run_is_running)
        if free is None:
            fcntl.flock(lock, fcntl.LOCK_UN)
        return holder, free

    def _record(self, holder: Holder | None, run_id: str, pid: int) -> Holder:
        """Record this run as the holder (under the flock), unless it already is."""
        if holder is not None and holder.run_id == run_id and holder.pid == pid:
            return holder
        since = holder.since if holder is not None and holder.run_id == run_id else datetime.now(UTC).isoformat()
        mine = Holder(run_id=run_id, pid=pid, host=socket.gethostname(), since=since, pid_started=process_started(pid))
        tmp = self.lease_path.with_name(f"{LEASE_FILE}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(mine)), encoding="utf-8")
        os.replace(tmp, self.lease_path)  # whole: a reader never sees half a record
        return mine
