"""The demo's akshare loads come through akshare: the generator's frames are served by the
simulated upstream and fetched back with the source's own akshare function.

A builder (``sources.py``) makes each load's frame in the shape the function returns. Here that
frame becomes what the upstream serves (the simulator's :class:`~simulator.Dataset`, which each
host module encodes in its wire format), and :class:`~ingestion.fetching.Fetcher` calls the
function with the load's parameters, exactly as a live build does. What lands is what akshare
returned: its columns, dtypes, row order and any value its parser changes.

Loads fetched at the same moment are served together: one upstream answer can carry several
parameter sets' tables (CPCA's chart list carries the four indicators of both car markets), so
all tables of a moment are put before any of them is fetched. Each source starts from an empty
upstream.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from ingestion.demo.common import LoadSpec
from ingestion.fetching import Fetcher
from ingestion.registry import Source
from simulator import Dataset, Simulator, routing

UPSTREAM_VARIABLE = "WAREHOUSE_UPSTREAM"


def demo_fetcher() -> Fetcher:
    """Calls without pauses or retries: the simulator answers at once, and a failure is a bug to see."""
    return Fetcher(deadline_seconds=120, max_attempts=1, min_interval_seconds=0, backoff_base=0)


class SimulatedUpstream:
    """A running simulator that every akshare call of this process (and of fetch workers) goes to."""

    def __init__(self, simulator: Simulator, fetcher: Fetcher) -> None:
        self.simulator = simulator
        self.fetcher = fetcher

    @property
    def dataset(self) -> Dataset:
        return self.simulator.dataset

    def fetch_loads(self, source: Source, specs: list[LoadSpec]) -> Iterator[tuple[LoadSpec, pd.DataFrame]]:
        """Each spec with the frame ``source``'s function returns when the upstream serves the specs' frames.

        ``specs`` must be in landing order (by moment); a FetchError propagates, naming the call.
        """
        assert source.function is not None, f"{source.name} is not an akshare source"
        self.dataset.clear()
        for _moment, group in itertools.groupby(specs, key=lambda s: s.moment):
            batch = list(group)
            for together in _servable_together(self.dataset, source.function, batch):
                for spec in together:
                    self.dataset.put(source.function, spec.frame, **spec.params)
                for spec in together:
                    yield spec, self.fetcher.fetch(source, spec.params)


def _servable_together(dataset: Dataset, function: str, batch: list[LoadSpec]) -> list[list[LoadSpec]]:
    """``batch`` cut where a spec selects a table an earlier spec of the batch already filled."""
    runs: list[list[LoadSpec]] = [[]]
    seen: set[str] = set()
    for spec in batch:
        key = json.dumps(dataset.selecting(function, spec.params), sort_keys=True, default=str, ensure_ascii=False)
        if key in seen:
            runs.append([])
            seen = set()
        seen.add(key)
        runs[-1].append(spec)
    return [run for run in runs if run]


@contextmanager
def simulated_upstream(fetcher: Fetcher | None = None) -> Iterator[SimulatedUpstream]:
    """Start a simulator and point ``WAREHOUSE_UPSTREAM`` (and this process's requests) at it.

    On exit the variable and the process's routing are restored, so nothing of the demo's upstream
    outlives the block. Requests to a host the simulator does not know get its 502, never the
    internet.
    """
    saved_variable = os.environ.get(UPSTREAM_VARIABLE)
    saved_route = routing.installed()
    with Simulator() as simulator:
        os.environ[UPSTREAM_VARIABLE] = simulator.url
        routing.install(simulator.url)
        try:
            yield SimulatedUpstream(simulator, fetcher or demo_fetcher())
        finally:
            _restore(UPSTREAM_VARIABLE, saved_variable)
            if saved_route is None:
                routing.uninstall()
            else:
                routing.install(saved_route)


def _restore(variable: str, value: Any) -> None:
    if value is None:
        os.environ.pop(variable, None)
    else:
        os.environ[variable] = value
