"""The hook every HTTP request of a fetch passes through: permission before it, its outcome after.

While a fetch runs, :func:`gated` makes its :class:`Gate` the gate of the calling thread (inline
calls) or of the whole process (a fetch worker runs one call at a time, so a request from any of
its threads belongs to that call), and ``requests.Session.send`` (wrapped once, idempotently, by
:func:`install`) does for every such request, redirects included:

1. ``host = request_host(url)``: the host this request really goes to (not a declared one);
2. ``gate.before(host, url)``: the fetcher applies that host's circuit breaker and throttle and
   answers with the time left to the call's deadline (or raises :class:`HostRefused`);
3. the request, with its timeout capped to that time (a request without a timeout gets it);
4. ``gate.after(host, status, error, response)``: the answer's status, or the network error.

Requests made outside a gated call pass through unchanged. Only ``requests`` is seen: a call
that opens sockets another way is still bounded by the worker's deadline, but not throttled.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests

from ingestion.fetch_failures import exception_text

_WRAPPED_MARK = "_warehouse_request_gate"
_DEFAULT_PORTS = {"http": 80, "https": 443}


class HostRefused(BaseException):
    """The fetcher refused a request (the host's circuit breaker is open).

    A BaseException, so that akshare's ``except Exception`` and retry loops do not swallow it and
    ask again; it ends the call, and the fetcher reports the refusal.
    """

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(host, reason)
        self.host = host
        self.reason = reason


class Gate(Protocol):
    def before(self, host: str, url: str) -> float:
        """Wait for the host's turn; return the seconds left to the deadline, or raise HostRefused."""
        ...

    def after(self, host: str, status: int | None, error: str | None, response: Any = None) -> None:
        """Note how the request ended: its HTTP status, or the error that ended it."""
        ...


_local = threading.local()
_process_gate: Gate | None = None
_install_lock = threading.Lock()


def request_host(url: str | None) -> str:
    """The host a request goes to, lower case, with its port when it is not the scheme's default."""
    split = urlsplit(url or "")
    host = (split.hostname or "").lower()
    try:
        port = split.port
    except ValueError:
        port = None
    if port is not None and port != _DEFAULT_PORTS.get(split.scheme):
        return f"{host}:{port}"
    return host or "unknown host"


def capped_timeout(timeout: Any, left: float) -> Any:
    """``timeout`` (None, seconds, or a (connect, read) pair) lowered to ``left`` seconds where longer."""
    if timeout is None:
        return left
    if isinstance(timeout, int | float):
        return min(float(timeout), left)
    if isinstance(timeout, tuple) and len(timeout) == 2:
        return tuple(left if part is None else min(float(part), left) for part in timeout)
    return timeout  # a urllib3 Timeout object: left as the caller chose; the deadline still holds


def current_gate() -> Gate | None:
    return getattr(_local, "gate", None) or _process_gate


@contextmanager
def gated(gate: Gate, *, process_wide: bool = False) -> Iterator[None]:
    """Make ``gate`` the gate of this thread's requests (or of every thread's) inside the block."""
    global _process_gate
    install()
    if process_wide:
        previous, _process_gate = _process_gate, gate
    else:
        previous, _local.gate = getattr(_local, "gate", None), gate
    try:
        yield
    finally:
        if process_wide:
            _process_gate = previous
        else:
            _local.gate = previous


def install() -> None:
    """Wrap ``requests.Session.send`` (once) so that gated threads' requests pass their gate."""
    with _install_lock:
        original = requests.Session.send
        if getattr(original, _WRAPPED_MARK, False):
            return

        @functools.wraps(original)
        def send(self: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
            gate = current_gate()
            if gate is None:
                return original(self, request, **kwargs)
            host = request_host(request.url)
            left = gate.before(host, request.url or "")
            kwargs["timeout"] = capped_timeout(kwargs.get("timeout"), left)
            try:
                response = original(self, request, **kwargs)
            except Exception as exc:
                gate.after(host, None, exception_text(exc))
                raise
            own = response.history[0] if response.history else response  # redirects were gated on their own
            gate.after(host, own.status_code, None, response)
            return response

        setattr(send, _WRAPPED_MARK, True)
        requests.Session.send = send  # type: ignore[method-assign]
