"""What the simulated upstream serves: one table per akshare function and selecting parameters.

Tables are held in the shape the akshare function *returns* (its column names), because that is
what the warehouse declares and what a test or the demo generator knows. Each host module
encodes them into its wire format, and akshare's own parser turns the bytes back into a frame.

``put(function, frame, **params)`` keeps only the parameters that select what the upstream serves
(the ``key`` the host module declared with :func:`simulator.wire.serves`); others, such as a
date range the server filters by, are dropped, so that a table stands for the upstream's state,
not for one call.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd

from simulator import hosts
from simulator.wire import FUNCTIONS, NotFound, Served

T = TypeVar("T")


class DatasetError(KeyError):
    """A function is not simulated, or a table is put without the parameters that select it."""

    def __str__(self) -> str:
        return str(self.args[0])


def _key(params: dict[str, Any]) -> str:
    return json.dumps({k: str(v) for k, v in params.items()}, ensure_ascii=False, sort_keys=True)


class Dataset:
    """Thread-safe tables keyed by (function, selecting parameters)."""

    def __init__(self) -> None:
        hosts.load_all()
        self._tables: dict[str, dict[str, pd.DataFrame]] = {}
        self._derived: dict[tuple[str, str, str], tuple[pd.DataFrame, Any]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def served(function: str) -> Served:
        try:
            return FUNCTIONS[function]
        except KeyError:
            known = ", ".join(sorted(FUNCTIONS))
            raise DatasetError(f"{function} is not simulated; simulated functions: {known}") from None

    def selecting(self, function: str, params: dict[str, Any]) -> dict[str, Any]:
        """The parameters of ``params`` that select ``function``'s table (all of them must be given)."""
        served = self.served(function)
        missing = [name for name in served.key if name not in params]
        if missing:
            raise DatasetError(f"{function}: a table is selected by {list(served.key)}; missing {missing}")
        return {name: params[name] for name in served.key}

    def put(self, function: str, frame: pd.DataFrame, **params: Any) -> None:
        """Serve ``frame`` for ``function`` called with ``params`` (replacing what was served before)."""
        key = _key(self.selecting(function, params))
        with self._lock:
            self._tables.setdefault(function, {})[key] = frame.copy()
            self._forget(function, key)

    def remove(self, function: str, **params: Any) -> None:
        key = _key(self.selecting(function, params))
        with self._lock:
            self._tables.get(function, {}).pop(key, None)
            self._forget(function, key)

    def clear(self, function: str | None = None) -> None:
        with self._lock:
            if function is None:
                self._tables.clear()
            else:
                self._tables.pop(function, None)
            self._forget(function)

    def _forget(self, function: str | None, key: str | None = None) -> None:
        """Drop what was derived from the tables replaced (call with the lock held)."""
        self._derived = {
            k: v for k, v in self._derived.items() if not (function in (None, k[0]) and key in (None, k[1]))
        }

    def get(self, function: str, **params: Any) -> pd.DataFrame:
        """The table served for ``function`` and ``params``; :class:`NotFound` if there is none."""
        key = _key(self.selecting(function, params))
        with self._lock:
            frame = self._tables.get(function, {}).get(key)
        if frame is None:
            raise NotFound(f"no table for {function}({key})")
        return frame.copy()

    def derived(self, function: str, purpose: str, build: Callable[[pd.DataFrame], T], **params: Any) -> T:
        """``build(table)`` for the table ``get`` would return, computed once per table put.

        Host modules keep what they derive from a table (its rows encoded for the wire, filtered
        and sorted as one kind of request asks) under a ``purpose`` of their choosing, so that
        paging through a large table encodes it once, not once per page. The value is shared by
        later calls: treat it as read-only. :class:`NotFound` if there is no table.
        """
        key = _key(self.selecting(function, params))
        with self._lock:
            frame = self._tables.get(function, {}).get(key)
            cached = self._derived.get((function, key, purpose))
        if frame is None:
            raise NotFound(f"no table for {function}({key})")
        if cached is not None and cached[0] is frame:
            return cached[1]
        value = build(frame.copy())
        with self._lock:
            if self._tables.get(function, {}).get(key) is frame:
                self._derived[(function, key, purpose)] = (frame, value)
        return value

    def tables(self, function: str) -> list[tuple[dict[str, str], pd.DataFrame]]:
        """Every table of ``function`` with its selecting parameters (as text)."""
        with self._lock:
            items = list(self._tables.get(function, {}).items())
        return [(json.loads(key), frame.copy()) for key, frame in items]
