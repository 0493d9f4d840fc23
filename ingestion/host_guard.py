"""Per-host throttling and circuit breakers, keyed on the host each HTTP request really goes to.

:class:`HostGuard` holds the state of every host a fetcher has talked to; it is shared by all
calls (and threads) of one fetcher. :class:`AttemptGate` is one attempt's view of it: the
:class:`~ingestion.request_gate.Gate` that the attempt's requests pass (directly, or through a
worker process's pipe), and the record of what they did (hosts asked, statuses, the request in
flight when the deadline passed, breakers the attempt opened, a refusal).

Breaker: after ``threshold`` consecutive failed requests to a host (network error, timeout,
HTTP 403/429/5xx, or abandoned at the deadline) the host is open and its requests are refused for
``cooldown`` seconds; then one call may try it (half-open): a request that gets an answer closes
the breaker, a failure opens it again. Throttle: at least the host's minimum interval between the
end of one request to it and the start of the next.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ingestion.fetch_failures import is_failure_status
from ingestion.request_gate import HostRefused

log = logging.getLogger(__name__)


@dataclass
class _HostState:
    next_start: float = -math.inf  # earliest clock value the next request may start
    failures: int = 0  # consecutive failed requests
    open_until: float | None = None  # breaker open until this clock value
    probe: object | None = None  # half-open: the call allowed to try the host
    last_failure: str = ""


class HostGuard:
    """Throttle and circuit breaker state of every host (thread-safe)."""

    def __init__(
        self,
        *,
        min_interval: float,
        intervals: Mapping[str, float] | None = None,
        threshold: int,
        cooldown: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_interval = min_interval
        self.intervals = dict(intervals or {})
        self.threshold = threshold
        self.cooldown = cooldown
        self.clock = clock
        self.sleep = sleep
        self._hosts: dict[str, _HostState] = {}
        self._lock = threading.Lock()

    def interval(self, host: str) -> float:
        """The minimum gap between two requests to ``host`` (its own policy, else the default)."""
        return self.intervals.get(host, self.min_interval)

    def _state(self, host: str) -> _HostState:
        return self._hosts.setdefault(host, _HostState())

    # ----------------------------------------------------------------------------- breaker

    def is_open(self, host: str) -> bool:
        with self._lock:
            state = self._hosts.get(host)
            return bool(state and state.open_until is not None and self.clock() < state.open_until)

    def refusal(self, host: str, holder: object) -> str | None:
        """None if ``holder`` (a call) may send a request to ``host`` now; else why not.

        After the cooldown the first call that asks becomes the host's trial call (half-open).
        """
        with self._lock:
            state = self._state(host)
            if state.open_until is None or state.probe is holder:
                return None
            now = self.clock()
            if now >= state.open_until and state.probe is None:
                state.probe = holder
                log.info("circuit breaker for %s is half-open: trying one call", host)
                return None
            remaining = max(0.0, state.open_until - now)
            failures, last_failure = state.failures, state.last_failure
        if remaining <= 0:
            return f"circuit breaker for {host} is half-open and a trial call is in flight; not calling"
        closes = (datetime.now() + timedelta(seconds=remaining)).strftime("%H:%M:%S")
        return (
            f"circuit breaker for {host} is open after {failures} consecutive failures "
            f"(last: {last_failure}); not calling. It half-opens in {remaining:.0f} s (about {closes} local time)"
        )

    def answered(self, host: str, holder: object) -> None:
        """A request to ``host`` got an answer: its failures are forgotten and its breaker closes."""
        with self._lock:
            state = self._state(host)
            self._ended(host, state)
            if state.probe is holder:
                state.probe = None
            state.failures, state.open_until = 0, None

    def failed(self, host: str, holder: object, reason: str) -> bool:
        """A request to ``host`` failed; True if that opened its breaker."""
        with self._lock:
            state = self._state(host)
            self._ended(host, state)
            was_probe = state.probe is holder
            if was_probe:
                state.probe = None
            state.failures += 1
            state.last_failure = reason
            if was_probe or state.failures >= self.threshold:
                state.open_until = self.clock() + self.cooldown
                log.warning("circuit breaker for %s opened for %g s: %s", host, self.cooldown, reason)
                return True
            return False

    def release(self, holder: object) -> None:
        """``holder`` (a call) ended: it no longer holds any host's trial."""
        with self._lock:
            for state in self._hosts.values():
                if state.probe is holder:
                    state.probe = None

    # ----------------------------------------------------------------------------- throttle

    def wait_turn(self, host: str) -> float:
        """Wait until ``host``'s minimum interval has passed since its previous request; return the wait."""
        with self._lock:
            state = self._state(host)
            now = self.clock()
            start = max(now, state.next_start)
            state.next_start = start + self.interval(host)  # reserve the slot for concurrent callers
        if start > now:
            self.sleep(start - now)
        return max(0.0, start - now)

    def _ended(self, host: str, state: _HostState) -> None:
        state.next_start = max(state.next_start, self.clock() + self.interval(host))


@dataclass
class AttemptGate:
    """One attempt of a call: the gate its requests pass, and what they did.

    The deadline starts when the call does (:meth:`begin`: after its worker is ready, so starting
    a worker does not count), and moves later by the time a request waits for its host's turn:
    it bounds the upstream's and akshare's time, not the fetcher's own politeness.
    """

    guard: HostGuard
    holder: object
    deadline_seconds: float
    margin: float
    deadline_at: float = math.inf  # a time.monotonic() value, once the call has begun
    requested: list[str] = field(default_factory=list)  # hosts, in order of the requests
    in_flight: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    failed_hosts: list[str] = field(default_factory=list)  # hosts of requests that failed
    opened: list[str] = field(default_factory=list)  # hosts whose breaker this attempt opened
    refused: HostRefused | None = None
    waited: float = 0.0

    def begin(self) -> None:
        """The call starts now: its deadline runs from here."""
        self.deadline_at = time.monotonic() + self.deadline_seconds

    def before(self, host: str, url: str) -> float:
        reason = self.guard.refusal(host, self.holder)
        if reason is not None:
            self.refused = HostRefused(host, reason)
            raise self.refused
        waited = self.guard.wait_turn(host)
        self.waited += waited
        self.deadline_at += waited
        self.requested.append(host)
        self.in_flight.append(host)
        return max(0.01, self.deadline_at - time.monotonic() - self.margin)

    def after(self, host: str, status: int | None, error: str | None, response: Any = None) -> None:
        if host in self.in_flight:
            del self.in_flight[len(self.in_flight) - 1 - self.in_flight[::-1].index(host)]
        if status is not None:
            self.statuses.append(status)
        if error is None and status is not None and not is_failure_status(status):
            self.guard.answered(host, self.holder)
            return
        self.failed_hosts.append(host)
        if self.guard.failed(host, self.holder, error or f"HTTP {status}"):
            self.opened.append(host)

    def fail(self, host: str, reason: str) -> None:
        """Blame ``host`` for a failure no request reported (the call as a whole failed)."""
        self.failed_hosts.append(host)
        if self.guard.failed(host, self.holder, reason):
            self.opened.append(host)

    def abandon(self, reason: str) -> None:
        """The deadline passed: every request still in flight failed."""
        for host in reversed(self.in_flight):
            self.after(host, None, reason)

    def time_left(self) -> float:
        return self.deadline_at - time.monotonic()

    @property
    def blamed(self) -> str | None:
        """The host whose failure ended the attempt, if a request failed or was refused."""
        if self.refused is not None:
            return self.refused.host
        return self.failed_hosts[-1] if self.failed_hosts else None

    @property
    def last_host(self) -> str | None:
        return self.requested[-1] if self.requested else None
