"""Fetching akshare sources without hanging, hammering the upstream hosts, or leaving anything behind.

``default_fetcher().fetch(source, params)`` calls the source's akshare function with ``params``
and returns its DataFrame, or raises a :class:`FetchError` whose message names the function,
its parameters, the upstream host and the cause:

* :class:`SourceUnavailable` - network errors, timeouts, the deadline passing, HTTP 403/429/5xx,
  or a host's circuit breaker being open. Transient: retried.
* :class:`SchemaDrift` - akshare failed to parse the answer (KeyError, JSONDecodeError,
  ``ValueError: Length mismatch``, AttributeError, ...) or the frame's columns differ from the
  registry. Never retried.
* :class:`EmptyResult` - an empty DataFrame (or None) where data is expected, including known
  akshare crashes that mean "no rows" (Shenwan's zero-row reports, CPCA in early January).
  Never retried.
* :class:`AkshareCrash` - a known crash of akshare's own code on a normal answer (e.g. an empty
  cell in SZSE's summary); see :mod:`ingestion.akshare_crashes`. Never retried.
* :class:`FetchError` itself - anything else (a parameter the function does not take, an
  unexpected exception, a worker process that died). Never retried.

**Where a call runs.** Each attempt runs in a fetch worker process (:mod:`ingestion.fetch_pool`):
forked from a fork server that imported akshare once, reused call after call, and killed
(SIGKILL) the moment the attempt's deadline passes, so nothing of an abandoned call keeps running
and a retry never overlaps an earlier attempt. The worker runs the call in this process's
environment of the moment; with ``WAREHOUSE_UPSTREAM`` set it sends its requests to that simulated
upstream (tests, the demo generator, a ``--live`` build over the simulator).

**Every request attributed to its real host.** Before each HTTP request of the call (redirects
included) the worker asks this process for permission (:mod:`ingestion.request_gate`), and this
process applies the circuit breaker and the throttle of the host that request goes to
(:mod:`ingestion.host_guard`):

1. a circuit breaker per host: after ``breaker_threshold`` consecutive failed requests (network
   error, timeout, HTTP 403/429/5xx, abandoned at the deadline) the host is open and its
   requests are refused for ``breaker_cooldown_seconds``; then one call may try it (half-open):
   an answer closes the breaker, a failure opens it again. A call is not started while a host the
   registry lists for the source (``hosts``) is open;
2. throttling: at least ``min_interval_seconds`` (or the host's own interval, from the
   registry's ``hosts`` section) between the end of one request to a host and the start of the
   next;
3. a hard deadline of ``deadline_seconds`` per attempt, not counting the time requests wait for
   their host's turn: each request's timeout is capped to the time left, and when the deadline
   passes the worker is killed;
4. retries of transient failures, up to ``max_attempts`` attempts, after a delay drawn uniformly
   from ``[0, min(backoff_max, backoff_base * 2 ** (attempt - 1))]`` (exponential backoff with
   full jitter), unless a breaker opened or a request was refused.

``Fetcher(resolve=...)`` instead runs functions inline, in the calling thread, with the same
gate on their requests: that is for tests of the policy above (retries, breaker, throttle,
classification) with fake functions and a fake clock; only the worker processes enforce the
deadline on code that does not return.

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
WAREHOUSE_FETCH_MIN_INTERVAL_SECONDS        1.5      minimum gap between two requests to one host;
                                                     when set, it applies to every host (the
                                                     registry's per-host intervals are ignored)
WAREHOUSE_FETCH_BREAKER_THRESHOLD           3        consecutive failures that open a host's breaker
WAREHOUSE_FETCH_BREAKER_COOLDOWN_SECONDS    600      how long an open breaker fails fast
==========================================  =======  ==============================================

Worker processes are stopped at interpreter exit and by :func:`shutdown_workers` (the Dagster
resource that hands the fetcher to landing assets calls it when a run ends).

The :class:`Fetcher` itself (the policy above) is in :mod:`ingestion.fetcher`; this module holds the
process-wide fetcher configured from the environment and the names importers use.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from ingestion.fetch_errors import AkshareCrash, EmptyResult, FetchError, SchemaDrift, SourceUnavailable
from ingestion.fetch_failures import classify
from ingestion.fetcher import Fetcher

__all__ = [
    "AkshareCrash",
    "EmptyResult",
    "FetchError",
    "Fetcher",
    "SchemaDrift",
    "SourceUnavailable",
    "classify",
    "default_fetcher",
    "reset_default_fetcher",
    "settings_from_env",
    "shutdown_workers",
]

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
    """The process-wide Fetcher (created on first use from the WAREHOUSE_FETCH_* variables and the
    registry's per-host intervals, which WAREHOUSE_FETCH_MIN_INTERVAL_SECONDS overrides)."""
    global _default
    with _default_lock:
        if _default is None:
            settings = settings_from_env()
            if "min_interval_seconds" not in settings:
                from ingestion.registry import host_policies

                settings["host_intervals"] = {h: p.min_interval_seconds for h, p in host_policies().items()}
            _default = Fetcher(**settings)
        return _default


def reset_default_fetcher() -> None:
    """Forget the process-wide Fetcher (tests; or to re-read the environment)."""
    global _default
    with _default_lock:
        _default = None


def shutdown_workers() -> None:
    """Stop this process's fetch worker processes (the end of a run; they restart on the next fetch)."""
    from ingestion import fetch_pool

    fetch_pool.shutdown()
