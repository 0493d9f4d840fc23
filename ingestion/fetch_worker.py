"""Running one akshare call: in a fetch worker process (:func:`serve`), or inline (:func:`execute`).

A fetch worker is a process started from a fork server that has imported akshare once (see
:mod:`ingestion.fetch_pool`). It runs one call at a time, sent by its parent as a
:class:`CallRequest`, in the parent's environment of the moment (so ``WAREHOUSE_UPSTREAM`` routes
its requests to a simulated upstream, and proxy settings apply as in the parent). Every HTTP
request of the call asks the parent first (``("ask", host, url)`` -> ``("go", seconds_left)`` or
``("refuse", reason)``) and reports how it ended (``("answer", host, status, error)``); the call
ends with ``("done", frame, clean)``, ``("raised", FailureReport, pickled exception or None,
clean)`` or ``("rejected", reason, True)`` when the function cannot be called at all; ``clean`` is
False when a thread the call started is still running, and the parent then kills the worker
rather than reuse it.

The parent kills the worker (SIGKILL) when a call's deadline passes; a worker also exits as soon
as its parent is gone (a thread watches a pipe only the parent holds open).
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import pickle
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Any

from ingestion.akshare_crashes import identify
from ingestion.fetch_failures import FailureReport, describe
from ingestion.request_gate import Gate, HostRefused, gated

UPSTREAM_VARIABLE = "WAREHOUSE_UPSTREAM"
PARENT_MAIN_VARIABLE = "WAREHOUSE_FETCH_PARENT_MAIN"  # read by ingestion.fork_server_preload


@dataclass(frozen=True)
class CallRequest:
    """One call for a worker: ``module.function(**params)`` in environment ``env``."""

    module: str
    function: str
    params: dict[str, Any]
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    """How one attempt of a call ended."""

    value: Any = None
    failure: FailureReport | None = None  # the function raised
    error: BaseException | None = None  # that exception, where it can be had (the cause to chain)
    rejected: str | None = None  # the function was not called: why
    timed_out: bool = False  # the deadline passed; the worker was killed
    lost: str | None = None  # the worker process died by itself: how


# ----------------------------------------------------------------------------------- the call


def resolve(module: str, function: str, params: Mapping[str, Any]) -> Callable[..., Any] | str:
    """``module.function`` if it takes ``params``; else the reason it cannot be called."""
    try:
        func = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError) as exc:
        return f"cannot load the function ({type(exc).__name__}: {exc})"
    return check_signature(func, params) or func


def check_signature(func: Callable[..., Any], params: Mapping[str, Any]) -> str | None:
    try:
        inspect.signature(func).bind(**params)
    except TypeError as exc:
        return f"the parameters do not fit the function's signature ({exc})"
    except ValueError:  # no signature available (builtins): let the call itself decide
        pass
    return None


class _Recording:
    """A gate that keeps the last response (a known crash is confirmed on the answer akshare read)."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.last_response: Any = None

    def before(self, host: str, url: str) -> float:
        return self.gate.before(host, url)

    def after(self, host: str, status: int | None, error: str | None, response: Any = None) -> None:
        if response is not None:
            self.last_response = response
        self.gate.after(host, status, error)


def execute(
    func: Callable[..., Any], params: Mapping[str, Any], gate: Gate, function: str, *, process_wide: bool = False
) -> Outcome:
    """Call ``func(**params)`` in this thread, its requests (this thread's, or all) passing ``gate``."""
    recording = _Recording(gate)
    try:
        with gated(recording, process_wide=process_wide):
            return Outcome(value=func(**params))
    except (Exception, HostRefused) as exc:
        report = describe(exc)
        known = identify(function, report, recording.last_response)
        if known is not None:
            report = replace(report, crash=known[0], crash_detail=known[1])
        return Outcome(failure=report, error=exc)


# ------------------------------------------------------------------------------- worker process


class _PipeGate:
    """The worker's gate: asks the parent over the pipe before each request, reports after (one
    exchange at a time, whichever thread of the call makes the request)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.lock = threading.Lock()

    def before(self, host: str, url: str) -> float:
        with self.lock:
            self.conn.send(("ask", host, url))
            verdict, detail = self.conn.recv()
        if verdict == "refuse":
            raise HostRefused(host, detail)
        return float(detail)

    def after(self, host: str, status: int | None, error: str | None, response: Any = None) -> None:
        with self.lock:
            self.conn.send(("answer", host, status, error))


def _watch_parent(lifeline: Connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv()  # the parent never writes: this returns (EOFError) when its end closes
    os._exit(0)


def apply_environment(env: Mapping[str, str]) -> None:
    """Make this process's environment ``env`` and its requests' routing follow ``WAREHOUSE_UPSTREAM``."""
    if env:
        os.environ.clear()
        os.environ.update(env)
    os.environ.setdefault("TQDM_DISABLE", "1")
    upstream = os.environ.get(UPSTREAM_VARIABLE, "").strip()
    if upstream or "simulator.routing" in sys.modules:
        from simulator import routing  # only with a simulated upstream (tests, the demo generator)

        if not upstream:
            routing.uninstall()
        elif routing.installed() != upstream.rstrip("/"):
            routing.install(upstream)


def _pickled(exc: BaseException) -> bytes | None:
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)  # some exceptions pickle but do not unpickle (extra __init__ arguments)
    except Exception:
        return None
    return data


def _answer(conn: Connection, request: CallRequest, threads: int) -> None:
    apply_environment(request.env)
    func = resolve(request.module, request.function, request.params)
    if isinstance(func, str):
        conn.send(("rejected", func, True))
        return
    outcome = execute(func, request.params, _PipeGate(conn), request.function, process_wide=True)
    clean = threading.active_count() <= threads  # no thread of the call left behind
    if outcome.failure is not None:
        assert outcome.error is not None
        conn.send(("raised", outcome.failure, _pickled(outcome.error), clean))
        return
    try:
        conn.send(("done", outcome.value, clean))
    except Exception as exc:  # the value does not pickle: nothing was written
        conn.send(("raised", describe(exc), None, clean))


def serve(conn: Connection, lifeline: Connection, preload: tuple[str, ...]) -> None:
    """The worker process: import ``preload``, say it is ready, then answer calls until its parent
    closes the pipe (or kills it)."""
    threading.Thread(target=_watch_parent, args=(lifeline,), name="fetch-worker-lifeline", daemon=True).start()
    os.environ.setdefault("TQDM_DISABLE", "1")
    for module in preload:
        with contextlib.suppress(ImportError):  # a call of that module reports it
            importlib.import_module(module)
    conn.send(("ready", os.getpid()))
    threads = threading.active_count()  # this one and the lifeline's
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        _answer(conn, message[1], threads)
