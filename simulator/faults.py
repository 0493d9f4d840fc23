"""HTTP-level faults the simulator can inject: what a flaky or hostile upstream does."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal

from simulator.wire import Request

FaultKind = Literal["status", "slow", "trickle", "silent", "reset", "garbage"]


@dataclass
class Fault:
    """A fault applied to matching requests.

    kind
        ``status``: answer ``status`` (e.g. 403, 429, 503) with a short HTML error page;
        ``slow``: wait ``seconds`` before answering normally;
        ``trickle``: send the normal answer ``chunk`` bytes at a time, ``seconds`` apart, so that
        no single read times out while the whole answer takes a long time;
        ``silent``: accept the connection and never answer (until the simulator stops);
        ``reset``: close the connection without an answer;
        ``garbage``: answer 200 with a body no parser accepts.
    host, path
        which requests: ``host`` must equal the original host; ``path`` is a substring of the path.
    times
        how many matching requests it applies to (None: all).
    """

    kind: FaultKind
    host: str | None = None
    path: str | None = None
    status: int = 503
    seconds: float = 0.0
    chunk: int = 16
    times: int | None = None
    hits: int = field(default=0, init=False)

    def matches(self, request: Request) -> bool:
        if self.host is not None and request.host != self.host:
            return False
        return self.path is None or self.path in request.path


class FaultPlan:
    """The faults in force; the first matching one with uses left applies."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, request: Request) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(request) and (fault.times is None or fault.hits < fault.times):
                    fault.hits += 1
                    return fault
        return None
