"""The :class:`Fetcher`: one akshare call with per-host throttling and circuit breakers, a hard
deadline per attempt (in a fetch worker process) and retries of transient failures.

The policy is described in :mod:`ingestion.fetching` (the entry point importers use); this module
is its implementation.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ingestion.fetch_errors import EmptyResult, FetchError, SchemaDrift, SourceUnavailable
from ingestion.fetch_failures import bad_status, classify
from ingestion.fetch_worker import CallRequest, Outcome, check_signature, execute
from ingestion.host_guard import AttemptGate, HostGuard
from ingestion.registry import Source

log = logging.getLogger(__name__)

Resolver = Callable[[str], Callable[..., Any]]


@dataclass(frozen=True)
class _Call:
    source: Source
    function: str
    params: dict[str, Any]

    @property
    def declared_host(self) -> str:
        return self.source.host or "unknown host"

    def error(self, cls: type[FetchError], reason: str, host: str, attempts: int = 1) -> FetchError:
        return cls(self.source.name, self.function, self.params, host, reason, attempts)


class Fetcher:
    """Calls akshare functions with per-host throttling and breakers, a hard deadline and retries."""

    def __init__(
        self,
        *,
        deadline_seconds: float = 60.0,
        max_attempts: int = 4,
        backoff_base: float = 1.0,
        backoff_max: float = 30.0,
        min_interval_seconds: float = 1.5,
        host_intervals: Mapping[str, float] | None = None,
        breaker_threshold: int = 3,
        breaker_cooldown_seconds: float = 600.0,
        module: str = "akshare",
        resolve: Resolver | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if deadline_seconds <= 0:
            raise ValueError(f"deadline_seconds must be positive, not {deadline_seconds}")
        if max_attempts < 1 or breaker_threshold < 1:
            raise ValueError(f"max_attempts ({max_attempts}) and breaker_threshold ({breaker_threshold}) must be >= 1")
        intervals = dict(host_intervals or {})
        if min(backoff_base, backoff_max, min_interval_seconds, breaker_cooldown_seconds, *intervals.values()) < 0:
            raise ValueError("backoff, interval and cooldown settings must not be negative")
        self.deadline_seconds = float(deadline_seconds)
        self.max_attempts = int(max_attempts)
        self.backoff_base = float(backoff_base)
        self.backoff_max = float(backoff_max)
        self.min_interval_seconds = float(min_interval_seconds)
        self.breaker_threshold = int(breaker_threshold)
        self.breaker_cooldown_seconds = float(breaker_cooldown_seconds)
        self.module = module
        self.resolve = resolve
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.guard = HostGuard(
            min_interval=self.min_interval_seconds,
            intervals=intervals,
            threshold=self.breaker_threshold,
            cooldown=self.breaker_cooldown_seconds,
            clock=clock,
            sleep=sleep,
        )
        self._warned: set[tuple[str, str]] = set()

    @property
    def runs_in_workers(self) -> bool:
        """Whether calls run in worker processes (the default) rather than inline."""
        return self.resolve is None

    # ------------------------------------------------------------------------------ public

    def fetch(self, source: Source, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Call ``source``'s akshare function with ``params``; return its validated frame or raise FetchError."""
        if not source.function:
            raise ValueError(f"source {source.name} is {source.kind}, not an akshare source: nothing to fetch")
        call = _Call(source, source.function, dict(params or {}))
        holder = object()  # this call, as the holder of a half-open breaker's trial
        try:
            for attempt in range(1, self.max_attempts + 1):
                self._admit(call, holder)
                gate = AttemptGate(
                    self.guard, holder, self.deadline_seconds, margin=min(1.0, self.deadline_seconds * 0.1)
                )
                outcome = self._run(call, gate)
                self._warn_undeclared(call, gate)
                try:
                    return self._conclude(call, gate, outcome)
                except SourceUnavailable as exc:
                    if gate.refused is not None:
                        raise
                    if gate.opened or attempt == self.max_attempts:
                        note = "".join(f"; the circuit breaker for {host} is now open" for host in gate.opened)
                        raise call.error(SourceUnavailable, exc.reason + note, exc.host, attempt) from exc.__cause__
                    delay = self.backoff_delay(attempt)
                    log.warning("%s; retrying in %.1f s (attempt %d of %d)", exc, delay, attempt + 1, self.max_attempts)
                    self.sleep(delay)
            raise AssertionError("unreachable: the last attempt returns or raises")
        finally:
            self.guard.release(holder)

    def backoff_delay(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(backoff_max, backoff_base * 2 ** (attempt - 1))]."""
        cap = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return self.rng.uniform(0.0, cap)

    def breaker_open(self, host: str) -> bool:
        """Whether requests to ``host`` currently fail fast."""
        return self.guard.is_open(host)

    # ------------------------------------------------------------------------------ steps

    def _admit(self, call: _Call, holder: object) -> None:
        """Fail fast, before starting a call, while a host the registry lists for it is open."""
        for host in call.source.hosts or (call.declared_host,):
            reason = self.guard.refusal(host, holder)
            if reason is not None:
                raise call.error(SourceUnavailable, reason, host)

    def _run(self, call: _Call, gate: AttemptGate) -> Outcome:
        if self.resolve is None:
            from ingestion.fetch_pool import WorkerStartError, worker_pool

            request = CallRequest(self.module, call.function, call.params, dict(os.environ))
            try:
                return worker_pool().run(request, gate)
            except WorkerStartError as exc:
                raise call.error(FetchError, str(exc), call.declared_host) from exc
        try:
            func = self.resolve(call.function)
        except (ImportError, AttributeError) as exc:
            return Outcome(rejected=f"cannot load the function ({type(exc).__name__}: {exc})")
        rejected = check_signature(func, call.params)
        if rejected is not None:
            return Outcome(rejected=rejected)
        gate.begin()
        return execute(func, call.params, gate, call.function)

    def _conclude(self, call: _Call, gate: AttemptGate, outcome: Outcome) -> pd.DataFrame:
        """The attempt's frame, or the FetchError it ended in (blaming the host that failed)."""
        host = gate.blamed or gate.last_host or call.declared_host
        if outcome.rejected is not None:
            raise call.error(FetchError, outcome.rejected, host)
        if gate.refused is not None:
            raise call.error(SourceUnavailable, gate.refused.reason, gate.refused.host)
        if outcome.timed_out:
            waiting = f" (a request to {gate.blamed} was in flight)" if gate.blamed else ""
            reason = (
                f"no answer within the {self.deadline_seconds:g} s deadline{waiting}; "
                "the call was abandoned and its worker process killed"
            )
            if not gate.failed_hosts:
                gate.fail(host, reason)
            raise call.error(SourceUnavailable, reason, host)
        if outcome.lost is not None:
            raise call.error(FetchError, f"the fetch worker process {outcome.lost}; the call was abandoned", host)
        if outcome.failure is not None:
            cls, reason = classify(outcome.failure, gate.statuses)
            if outcome.failure.is_a("requests.exceptions.Timeout") and gate.time_left() <= gate.margin + 0.5:
                reason = f"no answer within the {self.deadline_seconds:g} s deadline ({outcome.failure.text})"
            if cls is SourceUnavailable:
                if not gate.failed_hosts:
                    gate.fail(host, reason)
            elif not gate.requested:
                self.guard.answered(host, gate.holder)  # no request seen: the call's end speaks for the host
            raise call.error(cls, reason, host) from outcome.error
        if not gate.requested:
            self.guard.answered(host, gate.holder)
        return self._validate(call, outcome.value, gate.statuses, host)

    def _validate(self, call: _Call, value: Any, statuses: list[int], host: str) -> pd.DataFrame:
        if value is None or (isinstance(value, pd.DataFrame) and value.empty):
            what = "None" if value is None else f"an empty DataFrame (columns {[str(c) for c in value.columns]})"
            bad = bad_status(statuses)
            if bad is not None:
                raise call.error(SourceUnavailable, f"HTTP {bad}, and the function returned {what}", host)
            raise call.error(EmptyResult, f"the function returned {what} where data is expected", host)
        if not isinstance(value, pd.DataFrame):
            raise call.error(SchemaDrift, f"the function returned a {type(value).__name__}, not a DataFrame", host)
        columns = [str(c) for c in value.columns]
        problems = call.source.schema_problems(columns)
        if problems:
            reason = f"columns differ from the registry: {'; '.join(problems)} (returned columns: {columns})"
            raise call.error(SchemaDrift, reason, host)
        return value

    def _warn_undeclared(self, call: _Call, gate: AttemptGate) -> None:
        for host in dict.fromkeys(gate.requested):
            if host not in call.source.hosts and (call.source.name, host) not in self._warned:
                self._warned.add((call.source.name, host))
                log.warning(
                    "%s sent a request to %s, which the registry does not list in hosts of source %s (%s); "
                    "it is throttled and guarded all the same: add it to the registry",
                    call.function,
                    host,
                    call.source.name,
                    ", ".join(call.source.hosts) or "none",
                )
