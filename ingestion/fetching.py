"""Fetching akshare sources without hanging or hammering the upstream hosts.

``default_fetcher().fetch(source, params)`` calls the source's akshare function with ``params``
and returns its DataFrame, or raises a :class:`FetchError` whose message names the function,
its parameters, the upstream host and the cause:

* :class:`SourceUnavailable` - network errors, timeouts, the deadline passing, HTTP 403/429/5xx,
  or the host's circuit breaker being open. Transient: retried.
* :class:`SchemaDrift` - akshare failed to parse the answer (KeyError, JSONDecodeError,
  ``ValueError: Length mismatch``, AttributeError, ...) or the frame's columns differ from the
  registry. Never retried.
* :class:`EmptyResult` - an empty DataFrame (or None) where data is expected. Never retried.
* :class:`FetchError` itself - anything else (a parameter the function does not take, an
  unexpected exception). Never retried.

Every call goes through, per upstream host:

1. a circuit breaker: after ``breaker_threshold`` consecutive transient failures the host is
   "open" and calls fail fast for ``breaker_cooldown_seconds``; then one trial call is let
   through (half-open): success closes the breaker, failure opens it again;
2. throttling: at least ``min_interval_seconds`` between the end of one call to a host and the
   start of the next;
3. a hard deadline of ``deadline_seconds`` per attempt, in two layers: (a) once a Fetcher is
   used, ``requests.Session.request`` is wrapped (once, idempotently) so that a call made from a
   fetch worker without a ``timeout`` gets the attempt's remaining time as its timeout (calls made
   elsewhere in the process are passed through unchanged); (b) the akshare function runs in a
   daemon worker thread that is abandoned when the deadline passes, which also covers what (a)
   cannot see (``curl_cffi``, raw sockets, a server that trickles bytes);
4. retries of transient failures, up to ``max_attempts`` attempts, after a delay drawn uniformly
   from ``[0, min(backoff_max, backoff_base * 2 ** (attempt - 1))]`` (exponential backoff with
   full jitter).

``TQDM_DISABLE=1`` is set (unless already set) before akshare is imported, which silences its
progress bars; tqdm reads the variable when it is first imported, so it has no effect if
something imported tqdm earlier in the process.

The process-wide fetcher returned by :func:`default_fetcher` is shared by every landing asset of a
run, so throttling and breaker state span all of them. It is configured by environment variables
(read when it is first created):

==========================================  =======  ==============================================
variable                                    default  meaning
==========================================  =======  ==============================================
WAREHOUSE_FETCH_DEADLINE_SECONDS            60       hard deadline of one attempt
WAREHOUSE_FETCH_MAX_ATTEMPTS                4        attempts per call (1 = no retry)
WAREHOUSE_FETCH_BACKOFF_BASE_SECONDS        1.0      backoff before the 2nd attempt (upper bound)
WAREHOUSE_FETCH_BACKOFF_MAX_SECONDS         30       cap of the backoff delay
WAREHOUSE_FETCH_MIN_INTERVAL_SECONDS        1.5      minimum gap between two calls to one host
WAREHOUSE_FETCH_BREAKER_THRESHOLD           3        consecutive failures that open a host's breaker
WAREHOUSE_FETCH_BREAKER_COOLDOWN_SECONDS    600      how long an open breaker fails fast
==========================================  =======  ==============================================
"""

from __future__ import annotations

import functools
import http.client
import importlib
import inspect
import logging
import math
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import requests
import urllib3

from ingestion.registry import Source

log = logging.getLogger(__name__)

Resolver = Callable[[str], Callable[..., Any]]

UNAVAILABLE_STATUSES = frozenset({403, 429})
CAUSE_LIMIT = 300  # characters of an upstream exception's text kept in a message
_TIMEOUT_POSITION = 6  # index of `timeout` among the positional arguments after `url` in Session.request
_WRAPPED_MARK = "_warehouse_default_timeout"
_NOT_TRANSIENT_REQUEST_ERRORS = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidHeader,
    requests.exceptions.URLRequired,
)
_NETWORK_ERRORS = (OSError, http.client.HTTPException, urllib3.exceptions.HTTPError)  # requests' errors are OSErrors
_PARSE_ERRORS = (KeyError, IndexError, AttributeError, ValueError)  # both JSONDecodeErrors are ValueErrors
_AKSHARE_UNAVAILABLE = frozenset({"NetworkError", "RateLimitError", "APIError"})
_AKSHARE_DRIFT = frozenset({"DataParsingError"})


# ---------------------------------------------------------------------------------------- errors


class FetchError(Exception):
    """A call to an upstream source failed; the message names function, parameters, host and cause."""

    kind = "failed"

    def __init__(
        self, source: str, function: str, params: Mapping[str, Any], host: str, reason: str, attempts: int = 1
    ) -> None:
        self.source = source
        self.function = function
        self.params = dict(params)
        self.host = host
        self.reason = reason
        self.attempts = attempts
        super().__init__(source, function, self.params, host, reason, attempts)

    @property
    def call(self) -> str:
        args = ", ".join(f"{name}={value!r}" for name, value in self.params.items())
        return f"{self.function}({args})"

    def __str__(self) -> str:
        tries = f" (gave up after {self.attempts} attempts)" if self.attempts > 1 else ""
        return f"{self.call} from {self.host} [source {self.source}] {self.kind}: {self.reason}{tries}"


class SourceUnavailable(FetchError):
    """The host did not answer usefully: network error, timeout, HTTP 403/429/5xx, breaker open."""

    kind = "unavailable"


class SchemaDrift(FetchError):
    """The answer no longer has the shape akshare or the registry expects."""

    kind = "schema drift"


class EmptyResult(FetchError):
    """No rows (or None) where data is expected."""

    kind = "empty result"


# ------------------------------------------------------------------- deadline layer 1: requests


@dataclass
class _CallContext:
    """What the requests wrapper knows about the fetch running in the current worker thread."""

    deadline_at: float  # time.monotonic() value
    margin: float
    statuses: list[int] = field(default_factory=list)

    def request_timeout(self) -> float:
        """The time left to the deadline, less a margin so that requests gives up first."""
        return max(0.01, self.deadline_at - time.monotonic() - self.margin)


_local = threading.local()
_install_lock = threading.Lock()


def _current_context() -> _CallContext | None:
    return getattr(_local, "context", None)


def install_default_timeout() -> None:
    """Wrap ``requests.Session.request`` (once) so that fetch workers' calls always have a timeout."""
    with _install_lock:
        original = requests.Session.request
        if getattr(original, _WRAPPED_MARK, False):
            return

        @functools.wraps(original)
        def request(self: requests.Session, method: str, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
            context = _current_context()
            if context is None:
                return original(self, method, url, *args, **kwargs)
            if len(args) > _TIMEOUT_POSITION:
                if args[_TIMEOUT_POSITION] is None:
                    args = (*args[:_TIMEOUT_POSITION], context.request_timeout(), *args[_TIMEOUT_POSITION + 1 :])
            elif kwargs.get("timeout") is None:
                kwargs["timeout"] = context.request_timeout()
            response = original(self, method, url, *args, **kwargs)
            context.statuses.append(response.status_code)
            return response

        setattr(request, _WRAPPED_MARK, True)
        requests.Session.request = request  # type: ignore[method-assign]


def install_upstream_routing() -> None:
    """Route requests to a simulated upstream when ``WAREHOUSE_UPSTREAM`` names one (tests, the demo)."""
    upstream = os.environ.get("WAREHOUSE_UPSTREAM", "").strip()
    if upstream:
        from simulator import routing

        routing.install(upstream)


# ---------------------------------------------------------------- deadline layer 2: worker thread


@dataclass
class _Outcome:
    value: Any = None
    error: BaseException | None = None
    timed_out: bool = False
    statuses: list[int] = field(default_factory=list)


def run_with_deadline(func: Callable[..., Any], params: Mapping[str, Any], deadline: float, name: str) -> _Outcome:
    """Run ``func(**params)`` in a daemon thread; give up on it (and let it run on) after ``deadline`` s."""
    outcome = _Outcome()
    context = _CallContext(
        deadline_at=time.monotonic() + deadline, margin=min(1.0, deadline * 0.1), statuses=outcome.statuses
    )

    def work() -> None:
        _local.context = context
        try:
            outcome.value = func(**params)
        except BaseException as exc:  # handed over to the calling thread
            outcome.error = exc
        finally:
            _local.context = None

    worker = threading.Thread(target=work, name=f"fetch-{name}", daemon=True)
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        return _Outcome(timed_out=True, statuses=list(outcome.statuses))
    return outcome


# -------------------------------------------------------------------------- classifying failures


def _text(exc: BaseException) -> str:
    detail = str(exc).strip()
    if len(detail) > CAUSE_LIMIT:
        detail = detail[:CAUSE_LIMIT] + "..."
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _bad_status(statuses: list[int]) -> int | None:
    """The last HTTP status seen that means 'the host refuses or is failing' (403, 429, 5xx)."""
    bad = [s for s in statuses if s in UNAVAILABLE_STATUSES or s >= 500]
    return bad[-1] if bad else None


def _response_status(exc: BaseException) -> int | None:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return status if isinstance(status, int) else None


def classify(exc: BaseException, statuses: list[int]) -> tuple[type[FetchError], str]:
    """The error class and reason for an exception raised inside an akshare function."""
    cause = _text(exc)
    status = _response_status(exc)
    if status is not None and (status in UNAVAILABLE_STATUSES or status >= 500):
        return SourceUnavailable, f"HTTP {status}: {cause}"
    module, name = type(exc).__module__, type(exc).__name__
    if module.startswith("akshare"):
        if name in _AKSHARE_UNAVAILABLE:
            return SourceUnavailable, cause
        if name in _AKSHARE_DRIFT:
            return SchemaDrift, cause
    if status is not None and 400 <= status < 500:
        return FetchError, f"HTTP {status}: {cause}"
    if isinstance(exc, _NOT_TRANSIENT_REQUEST_ERRORS):  # also ValueErrors: test them first
        return FetchError, cause
    if isinstance(exc, _PARSE_ERRORS) or (isinstance(exc, TypeError) and "NoneType" in str(exc)):
        bad = _bad_status(statuses)
        if bad is not None:  # an error page that akshare tried to parse
            return SourceUnavailable, f"HTTP {bad}, and the answer could not be parsed ({cause})"
        return SchemaDrift, f"the answer could not be parsed ({cause})"
    if isinstance(exc, requests.exceptions.Timeout):
        return SourceUnavailable, f"timed out ({cause})"
    if isinstance(exc, _NETWORK_ERRORS) or module.startswith(("curl_cffi", "urllib3", "requests")):
        return SourceUnavailable, f"network error ({cause})"
    return FetchError, f"unexpected error ({cause})"


# ------------------------------------------------------------------------------- per-host state


@dataclass
class _HostState:
    next_start: float = -math.inf  # earliest monotonic time the next call may start
    failures: int = 0  # consecutive transient failures
    open_until: float | None = None  # breaker open until this clock value
    probing: bool = False  # half-open: one trial call is in flight
    last_failure: str = ""


@dataclass(frozen=True)
class _Call:
    source: Source
    function: str
    host: str
    params: dict[str, Any]

    def error(self, cls: type[FetchError], reason: str, attempts: int = 1) -> FetchError:
        return cls(self.source.name, self.function, self.params, self.host, reason, attempts)


def import_akshare_function(name: str) -> Callable[..., Any]:
    """The default resolver: ``akshare.<name>``, importing akshare on first use."""
    return getattr(importlib.import_module("akshare"), name)


# ---------------------------------------------------------------------------------------- fetcher


class Fetcher:
    """Calls akshare functions with throttling, a circuit breaker, a hard deadline and retries, per host."""

    def __init__(
        self,
        *,
        deadline_seconds: float = 60.0,
        max_attempts: int = 4,
        backoff_base: float = 1.0,
        backoff_max: float = 30.0,
        min_interval_seconds: float = 1.5,
        breaker_threshold: int = 3,
        breaker_cooldown_seconds: float = 600.0,
        resolve: Resolver | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if deadline_seconds <= 0:
            raise ValueError(f"deadline_seconds must be positive, not {deadline_seconds}")
        if max_attempts < 1 or breaker_threshold < 1:
            raise ValueError(f"max_attempts ({max_attempts}) and breaker_threshold ({breaker_threshold}) must be >= 1")
        if min(backoff_base, backoff_max, min_interval_seconds, breaker_cooldown_seconds) < 0:
            raise ValueError("backoff, interval and cooldown settings must not be negative")
        self.deadline_seconds = float(deadline_seconds)
        self.max_attempts = int(max_attempts)
        self.backoff_base = float(backoff_base)
        self.backoff_max = float(backoff_max)
        self.min_interval_seconds = float(min_interval_seconds)
        self.breaker_threshold = int(breaker_threshold)
        self.breaker_cooldown_seconds = float(breaker_cooldown_seconds)
        self.resolve: Resolver = resolve or import_akshare_function
        self.clock = clock
        self.sleep = sleep
        self.rng = rng or random.Random()
        self._hosts: dict[str, _HostState] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------------------ public

    def fetch(self, source: Source, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Call ``source``'s akshare function with ``params``; return its validated frame or raise FetchError."""
        if not source.function:
            raise ValueError(f"source {source.name} is {source.kind}, not an akshare source: nothing to fetch")
        call = _Call(source, source.function, source.host or "unknown host", dict(params or {}))
        install_default_timeout()
        install_upstream_routing()
        os.environ.setdefault("TQDM_DISABLE", "1")
        func = self._resolve(call)
        for attempt in range(1, self.max_attempts + 1):
            self._admit(call)
            self._throttle(call.host)
            try:
                frame = self._attempt(call, func)
            except SourceUnavailable as exc:
                opened = self._record(call.host, failure=str(exc.reason))
                if opened or attempt == self.max_attempts:
                    note = f"; the circuit breaker for {call.host} is now open" if opened else ""
                    raise call.error(SourceUnavailable, exc.reason + note, attempt) from exc.__cause__
                delay = self.backoff_delay(attempt)
                log.warning("%s; retrying in %.1f s (attempt %d of %d)", exc, delay, attempt + 1, self.max_attempts)
                self.sleep(delay)
                continue
            except FetchError:
                self._record(call.host, failure=None)  # the host answered: not its fault
                raise
            except BaseException:
                self._record(call.host, failure=None)  # e.g. SystemExit inside akshare: release a half-open probe
                raise
            self._record(call.host, failure=None)
            return frame
        raise AssertionError("unreachable: the last attempt returns or raises")

    def backoff_delay(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(backoff_max, backoff_base * 2 ** (attempt - 1))]."""
        cap = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return self.rng.uniform(0.0, cap)

    def breaker_open(self, host: str) -> bool:
        """Whether calls to ``host`` currently fail fast."""
        with self._lock:
            state = self._hosts.get(host)
            return bool(state and state.open_until is not None and self.clock() < state.open_until)

    # ------------------------------------------------------------------------------ steps

    def _resolve(self, call: _Call) -> Callable[..., Any]:
        try:
            func = self.resolve(call.function)
        except (ImportError, AttributeError) as exc:
            raise call.error(FetchError, f"cannot load the function ({_text(exc)})") from exc
        try:
            inspect.signature(func).bind(**call.params)
        except TypeError as exc:
            raise call.error(FetchError, f"the parameters do not fit the function's signature ({exc})") from exc
        except ValueError:  # no signature available (builtins): let the call itself decide
            pass
        return func

    def _attempt(self, call: _Call, func: Callable[..., Any]) -> pd.DataFrame:
        outcome = run_with_deadline(func, call.params, self.deadline_seconds, call.function)
        if outcome.timed_out:
            reason = f"no answer within the {self.deadline_seconds:g} s deadline; the call was abandoned"
            raise call.error(SourceUnavailable, reason)
        if outcome.error is not None:
            if not isinstance(outcome.error, Exception):
                raise outcome.error
            cls, reason = classify(outcome.error, outcome.statuses)
            if isinstance(outcome.error, requests.exceptions.Timeout):
                reason = f"no answer within the {self.deadline_seconds:g} s deadline ({_text(outcome.error)})"
            raise call.error(cls, reason) from outcome.error
        return self._validate(call, outcome.value, outcome.statuses)

    def _validate(self, call: _Call, value: Any, statuses: list[int]) -> pd.DataFrame:
        if value is None or (isinstance(value, pd.DataFrame) and value.empty):
            what = "None" if value is None else f"an empty DataFrame (columns {[str(c) for c in value.columns]})"
            bad = _bad_status(statuses)
            if bad is not None:
                raise call.error(SourceUnavailable, f"HTTP {bad}, and the function returned {what}")
            raise call.error(EmptyResult, f"the function returned {what} where data is expected")
        if not isinstance(value, pd.DataFrame):
            raise call.error(SchemaDrift, f"the function returned a {type(value).__name__}, not a DataFrame")
        columns = [str(c) for c in value.columns]
        problems = call.source.schema_problems(columns)
        if problems:
            reason = f"columns differ from the registry: {'; '.join(problems)} (returned columns: {columns})"
            raise call.error(SchemaDrift, reason)
        return value

    # ------------------------------------------------------------------------------ host state

    def _state(self, host: str) -> _HostState:
        return self._hosts.setdefault(host, _HostState())

    def _admit(self, call: _Call) -> None:
        """Fail fast while the host's breaker is open; after the cooldown let one trial call through."""
        with self._lock:
            state = self._state(call.host)
            if state.open_until is None:
                return
            now = self.clock()
            if now >= state.open_until and not state.probing:
                state.probing = True
                log.info("circuit breaker for %s is half-open: trying one call", call.host)
                return
            remaining = max(0.0, state.open_until - now)
            failures, last_failure = state.failures, state.last_failure
        closes = (datetime.now() + timedelta(seconds=remaining)).strftime("%H:%M:%S")
        reason = (
            f"circuit breaker for {call.host} is open after {failures} consecutive failures "
            f"(last: {last_failure}); not calling. It half-opens in {remaining:.0f} s (about {closes} local time)"
            if remaining > 0
            else f"circuit breaker for {call.host} is half-open and a trial call is in flight; not calling"
        )
        raise call.error(SourceUnavailable, reason)

    def _throttle(self, host: str) -> None:
        """Wait until ``min_interval_seconds`` have passed since the previous call to ``host`` ended."""
        with self._lock:
            state = self._state(host)
            now = self.clock()
            start = max(now, state.next_start)
            state.next_start = start + self.min_interval_seconds  # reserve the slot for concurrent callers
        if start > now:
            self.sleep(start - now)

    def _record(self, host: str, failure: str | None) -> bool:
        """Note the end of a call (``failure`` None: the host answered); return True if the breaker opened."""
        with self._lock:
            state = self._state(host)
            state.next_start = max(state.next_start, self.clock() + self.min_interval_seconds)
            was_probe, state.probing = state.probing, False
            if failure is None:
                state.failures, state.open_until = 0, None
                return False
            state.failures += 1
            state.last_failure = failure
            if was_probe or state.failures >= self.breaker_threshold:
                state.open_until = self.clock() + self.breaker_cooldown_seconds
                log.warning("circuit breaker for %s opened for %g s: %s", host, self.breaker_cooldown_seconds, failure)
                return True
            return False


# --------------------------------------------------------------------------- the shared fetcher

ENV_SETTINGS: dict[str, tuple[str, type]] = {
    "deadline_seconds": ("WAREHOUSE_FETCH_DEADLINE_SECONDS", float),
    "max_attempts": ("WAREHOUSE_FETCH_MAX_ATTEMPTS", int),
    "backoff_base": ("WAREHOUSE_FETCH_BACKOFF_BASE_SECONDS", float),
    "backoff_max": ("WAREHOUSE_FETCH_BACKOFF_MAX_SECONDS", float),
    "min_interval_seconds": ("WAREHOUSE_FETCH_MIN_INTERVAL_SECONDS", float),
    "breaker_threshold": ("WAREHOUSE_FETCH_BREAKER_THRESHOLD", int),
    "breaker_cooldown_seconds": ("WAREHOUSE_FETCH_BREAKER_COOLDOWN_SECONDS", float),
}

_default: Fetcher | None = None
_default_lock = threading.Lock()


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Fetcher keyword arguments set by WAREHOUSE_FETCH_* variables (unset ones are left out)."""
    environ = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    for argument, (variable, kind) in ENV_SETTINGS.items():
        raw = environ.get(variable, "").strip()
        if not raw:
            continue
        try:
            settings[argument] = kind(raw)
        except ValueError:
            raise ValueError(f"{variable}={raw!r} is not a valid {kind.__name__}") from None
    return settings


def default_fetcher() -> Fetcher:
    """The process-wide Fetcher (created on first use from the WAREHOUSE_FETCH_* variables)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Fetcher(**settings_from_env())
        return _default


def reset_default_fetcher() -> None:
    """Forget the process-wide Fetcher (tests; or to re-read the environment)."""
    global _default
    with _default_lock:
        _default = None
