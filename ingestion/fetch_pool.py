"""Fetch worker processes: forked from a fork server that imported akshare once, reused call after
call, killed when a call's deadline passes.

Workers are started with multiprocessing's ``forkserver`` method (``spawn`` where there is none),
never ``fork``: the parent may run threads (Dagster does). The fork server starts with the first
worker and preloads ``ingestion.fork_server_preload`` (akshare imported, the parent's main module
not re-run in workers, the heap frozen), so that only the first start pays for importing akshare
and every later one is a fork of tens of milliseconds.

A worker serves calls for one upstream (the ``WAREHOUSE_UPSTREAM`` of the calls it ran, or the
real hosts): when the upstream changes, idle workers are retired, so that nothing akshare caches
in a process (e.g. ``index_code_id_map_em``'s ``lru_cache``) carries over from one upstream to
another. Workers end with the parent: they are killed at interpreter exit (:func:`shutdown`,
registered with ``atexit``), and a worker whose parent dies exits by itself.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import os
import pickle
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from ingestion.fetch_failures import FailureReport, RemoteTraceback
from ingestion.fetch_worker import PARENT_MAIN_VARIABLE, UPSTREAM_VARIABLE, CallRequest, Outcome, serve
from ingestion.host_guard import AttemptGate
from ingestion.request_gate import HostRefused

log = logging.getLogger(__name__)

PRELOAD = ("akshare",)
START_TIMEOUT_SECONDS = 300.0  # the first start imports akshare (a few seconds; much more on a busy machine)
KEEP_IDLE = 2  # idle workers kept for reuse; more are stopped when their call ends
HISTORY = 200  # workers remembered (pid, start, end) for tests and diagnostics


class WorkerStartError(RuntimeError):
    """A fetch worker process could not be started."""


@dataclass
class WorkerRecord:
    """One worker process's life: when it started, when it was gone, and how it ended."""

    pid: int
    upstream: str
    started_at: float  # time.monotonic()
    ended_at: float | None = None  # when the process was known to be gone (reaped)
    ended: str = ""


class Worker:
    def __init__(self, process: Any, conn: Connection, lifeline: Connection, record: WorkerRecord) -> None:
        self.process = process
        self.conn = conn
        self.lifeline = lifeline
        self.record = record

    @property
    def pid(self) -> int:
        return self.record.pid

    def alive(self) -> bool:
        return self.record.ended_at is None and self.process.is_alive()

    def kill(self, why: str) -> None:
        """SIGKILL the process and wait until it is gone (reaped); ``why`` is kept in its record.

        Idle workers are killed too (a worker holds nothing worth a graceful exit), so that
        retiring one never waits."""
        if self.record.ended_at is not None:
            return
        with contextlib.suppress(OSError, ValueError):  # already gone, or already closed
            self.process.kill()
        self.process.join(10.0)
        for conn in (self.conn, self.lifeline):
            conn.close()
        self.record.ended_at = time.monotonic()
        code = self.process.exitcode
        self.record.ended = f"died (exit code {code})" if why == "died" else why


def _parent_main() -> str:
    """This process's main module, as ``ingestion.fork_server_preload`` takes it (see there)."""
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name:
        return f"name:{name}"
    path = getattr(main, "__file__", None)
    if path:
        return f"path:{os.path.normpath(os.path.join(multiprocessing.process.ORIGINAL_DIR or '', path))}"
    return ""


def _context() -> Any:
    """The forkserver context (spawn where there is none), its preload set before the server starts."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ingestion.fetch_worker", "ingestion.fork_server_preload"])
    return context


def _revive(report: FailureReport, pickled: bytes | None) -> BaseException:
    """The worker's exception, if it unpickles here without importing anything new; else its traceback."""
    remote = RemoteTraceback(report.traceback)
    if pickled is not None and report.module in sys.modules:
        try:
            exc = pickle.loads(pickled)
        except Exception:
            return remote
        if isinstance(exc, BaseException):
            exc.__cause__ = remote
            return exc
    return remote


class WorkerPool:
    """Worker processes of this process: one per call in flight, reused while their upstream stays."""

    def __init__(self, preload: tuple[str, ...] = PRELOAD, start_timeout: float = START_TIMEOUT_SECONDS) -> None:
        self.preload = preload
        self.start_timeout = start_timeout
        self.history: deque[WorkerRecord] = deque(maxlen=HISTORY)
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._lock = threading.Lock()
        self._context: Any = None

    # ------------------------------------------------------------------------------ lifecycle

    def start_worker(self, upstream: str) -> Worker:
        """A new worker process, ready (its preload imported)."""
        with self._lock:
            if self._context is None:
                self._context = _context()
                os.environ[PARENT_MAIN_VARIABLE] = _parent_main()  # for the fork server, started with the first worker
            context = self._context
        parent_end, child_end = context.Pipe()
        lifeline_in, lifeline_out = context.Pipe(duplex=False)
        process = context.Process(
            target=serve, args=(child_end, lifeline_in, self.preload), name="fetch-worker", daemon=True
        )
        started = time.monotonic()
        try:
            process.start()
            os.environ.pop(PARENT_MAIN_VARIABLE, None)
        except Exception as exc:
            for conn in (parent_end, child_end, lifeline_in, lifeline_out):
                conn.close()
            raise WorkerStartError(f"cannot start a fetch worker process ({type(exc).__name__}: {exc})") from exc
        child_end.close()
        lifeline_in.close()
        record = WorkerRecord(pid=process.pid, upstream=upstream, started_at=started)
        worker = Worker(process, parent_end, lifeline_out, record)
        self.history.append(record)
        answered = parent_end.poll(self.start_timeout)
        try:
            ready = parent_end.recv() if answered else None
        except (EOFError, OSError):
            ready = None
        if not ready or ready[0] != "ready":
            worker.kill("died" if answered else f"killed: not ready within {self.start_timeout:g} s")
            raise WorkerStartError(f"the fetch worker process (pid {record.pid}) did not start: {record.ended}")
        log.debug("fetch worker %d ready in %.3f s", record.pid, time.monotonic() - started)
        return worker

    def checkout(self, upstream: str) -> Worker:
        """An idle worker for ``upstream`` (idle workers of another upstream are retired), or a new one."""
        stale: list[Worker] = []
        chosen: Worker | None = None
        with self._lock:
            keep: list[Worker] = []
            for worker in self._idle:
                if worker.record.upstream != upstream or not worker.alive():
                    stale.append(worker)
                else:
                    keep.append(worker)
            if keep:
                chosen = keep.pop()
            self._idle = keep
        for worker in stale:
            worker.kill("retired (another upstream)")  # idle: nothing of a call to lose, and no waiting
        if chosen is None:
            chosen = self.start_worker(upstream)
        with self._lock:
            self._busy.add(chosen)
        return chosen

    def checkin(self, worker: Worker, reusable: bool) -> None:
        with self._lock:
            self._busy.discard(worker)
            if reusable and worker.alive() and len(self._idle) < KEEP_IDLE:
                self._idle.append(worker)
                return
        worker.kill("retired (enough idle workers)" if reusable else "killed")

    def shutdown(self) -> None:
        """End every worker, idle or busy (interpreter exit, end of a run)."""
        with self._lock:
            workers = [*self._idle, *self._busy]
            self._idle, self._busy = [], set()
        for worker in workers:
            worker.kill("shut down")

    def idle_pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._idle]

    def busy_pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._busy]

    # ------------------------------------------------------------------------------ one call

    def run(self, request: CallRequest, gate: AttemptGate) -> Outcome:
        """Run ``request`` in a worker; kill the worker when ``gate``'s deadline passes."""
        worker = self.checkout(request.env.get(UPSTREAM_VARIABLE, "").strip())
        reusable = False
        try:
            gate.begin()
            worker.conn.send(("call", request))
            outcome, reusable = self._converse(worker, gate)
            return outcome
        except OSError:  # the worker went away while we wrote to it
            worker.kill("died")
            gate.abandon(f"the worker process {worker.record.ended}")
            return Outcome(lost=worker.record.ended)
        finally:
            self.checkin(worker, reusable)

    def _converse(self, worker: Worker, gate: AttemptGate) -> tuple[Outcome, bool]:
        """The call's outcome, and whether the worker may serve another (nothing of this call runs on)."""
        conn = worker.conn
        while True:
            left = gate.time_left()
            if left <= 0 or not conn.poll(left):
                if gate.time_left() > 0:
                    continue
                worker.kill("killed at the deadline")
                gate.abandon("no answer within the deadline")
                return Outcome(timed_out=True), False
            try:
                message = conn.recv()
            except (EOFError, OSError):
                worker.kill("died")
                gate.abandon(f"the worker process {worker.record.ended}")
                return Outcome(lost=worker.record.ended), False
            kind = message[0]
            if kind == "ask":
                try:
                    reply: tuple[str, Any] = ("go", gate.before(message[1], message[2]))
                except HostRefused as refused:
                    reply = ("refuse", refused.reason)
                conn.send(reply)
            elif kind == "answer":
                gate.after(message[1], message[2], message[3])
            elif kind in ("done", "raised", "rejected"):
                *result, clean = message[1:]
                if not clean:
                    worker.kill("killed: a thread of its call was still running")
                return self._outcome(kind, result), clean
            else:
                worker.kill("killed")
                return Outcome(lost=f"sent an unknown message {kind!r}"), False

    @staticmethod
    def _outcome(kind: str, result: list[Any]) -> Outcome:
        if kind == "done":
            return Outcome(value=result[0])
        if kind == "raised":
            report, pickled = result
            return Outcome(failure=report, error=_revive(report, pickled))
        return Outcome(rejected=result[0])


_pool: WorkerPool | None = None
_pool_lock = threading.Lock()


def worker_pool() -> WorkerPool:
    """The process-wide pool (created on first use; its workers are stopped at interpreter exit)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = WorkerPool()
            atexit.register(shutdown)
        return _pool


def shutdown() -> None:
    """Stop every fetch worker of this process (they start again on the next fetch)."""
    with _pool_lock:
        pool = _pool
    if pool is not None:
        pool.shutdown()
