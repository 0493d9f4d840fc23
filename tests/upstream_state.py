"""Fill a simulator's dataset with what the upstream hosts served at a moment, from a landing zone.

The demo snapshot (or any landing zone) holds loads in the shape akshare returns. The upstream
state of a function, for the parameters that select one of its tables, is:

* for ``append`` sources, every load's rows together (the newest load wins per registry key):
  a history the upstream serves whole or filtered by a date range;
* for ``full_reload`` and ``snapshot`` sources, the newest load at or before the moment.

:func:`fill_after_demo_week` serves the state a live build of the demo week meets when it runs
after the week: the snapshot's state plus what the hosts publish about the week after the demo's
as-of moment (Friday's margin data, public the next morning), taken from the demo generator.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ingestion.landing import list_loads, read_load
from ingestion.registry import Source, registry
from simulator import Dataset

Delivery = tuple[dict[str, Any], pd.DataFrame]  # call parameters, the frame akshare returned


def akshare_sources(sources: list[str] | None = None) -> list[Source]:
    return [s for s in registry().values() if s.kind == "akshare" and (sources is None or s.name in sources)]


def serve(dataset: Dataset, source: Source, deliveries: Iterable[Delivery]) -> None:
    """Put the upstream tables that gave ``deliveries`` (oldest first) into ``dataset``."""
    assert source.function is not None
    groups: dict[str, list[pd.DataFrame]] = defaultdict(list)
    selecting: dict[str, dict] = {}
    for params, frame in deliveries:
        key_params = dataset.selecting(source.function, params)
        key = json.dumps(key_params, sort_keys=True, ensure_ascii=False, default=str)
        groups[key].append(frame)
        selecting[key] = key_params
    for key, frames in groups.items():
        if source.history == "append":
            frame = pd.concat(frames, ignore_index=True)
            if source.key:
                frame = frame.drop_duplicates(subset=list(source.key), keep="last")
            period = source.period.column
            if period is not None:
                frame = frame.sort_values(period, kind="stable").reset_index(drop=True)
        else:
            frame = frames[-1]
        dataset.put(source.function, frame, **selecting[key])


def landed_deliveries(landing: Path, source: Source, moment: datetime) -> list[Delivery]:
    loads = [ld for ld in list_loads(landing, source.name) if ld.available_at_dt <= moment]
    loads.sort(key=lambda ld: (ld.fetched_at, ld.load_id))
    return [(ld.params, read_load(ld)) for ld in loads]


def fill_from_landing(dataset: Dataset, landing: Path, moment: datetime, sources: list[str] | None = None) -> None:
    for source in akshare_sources(sources):
        serve(dataset, source, landed_deliveries(landing, source, moment))


def fill_after_demo_week(dataset: Dataset, sources: list[str] | None = None) -> None:
    """The upstream once the demo week is over: the demo snapshot, then the generator's later loads."""
    from ground.settings import DEMO_LANDING
    from ingestion.demo.common import DEMO_AS_OF
    from ingestion.demo.generate import builder_loads

    for source in akshare_sources(sources):
        later = [(spec.params, spec.frame) for spec in builder_loads(source.name)[1]]
        serve(dataset, source, landed_deliveries(DEMO_LANDING, source, DEMO_AS_OF) + later)
