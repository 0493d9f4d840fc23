"""Fill a simulator's dataset with what the upstream hosts served at a moment, from a landing zone.

The demo snapshot (or any landing zone) holds loads in the shape akshare returns. The upstream
state of a function, for the parameters that select one of its tables, is:

* for ``append`` sources, every load's rows together (the newest load wins per registry key):
  a history the upstream serves whole or filtered by a date range;
* for ``full_reload`` and ``snapshot`` sources, the newest load at or before the moment.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pandas as pd

from ingestion.landing import Load, list_loads, read_load
from ingestion.registry import registry
from simulator import Dataset


def fill_from_landing(dataset: Dataset, landing: Path, moment: datetime, sources: list[str] | None = None) -> None:
    for source in registry().values():
        if source.kind != "akshare" or (sources is not None and source.name not in sources):
            continue
        assert source.function is not None
        groups: dict[str, list[Load]] = defaultdict(list)
        selecting: dict[str, dict] = {}
        for load in list_loads(landing, source.name):
            if load.available_at_dt > moment:
                continue
            key_params = dataset.selecting(source.function, load.params)
            key = json.dumps(key_params, sort_keys=True, ensure_ascii=False, default=str)
            groups[key].append(load)
            selecting[key] = key_params
        for key, loads in groups.items():
            loads.sort(key=lambda ld: (ld.fetched_at, ld.load_id))
            if source.history == "append":
                frames = [read_load(ld) for ld in loads]
                frame = pd.concat(frames, ignore_index=True)
                if source.key:
                    frame = frame.drop_duplicates(subset=list(source.key), keep="last")
                period = source.period.column
                if period is not None:
                    frame = frame.sort_values(period, kind="stable").reset_index(drop=True)
            else:
                frame = read_load(loads[-1])
            dataset.put(source.function, frame, **selecting[key])
