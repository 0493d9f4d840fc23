"""The typed errors of a fetch: each names the source, the akshare function, its parameters and the host.

Which one a failure is decides what happens next: :class:`SourceUnavailable` is retried (the host
may recover); the others are not (the same answer fails the same way again).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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


class AkshareCrash(FetchError):
    """akshare's own code crashed on an answer the host sent normally: a known defect of the pinned
    akshare, named in the message (see :mod:`ingestion.akshare_crashes`). Not retried: the same
    answer crashes it again; the registry is not at fault either."""

    kind = "akshare crash"
