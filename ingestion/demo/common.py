"""Shared helpers of the demo generator: moments, seeded random numbers, load specs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd

from ground.time_zone import SHANGHAI
from ingestion.registry import get_source

# The demo build: week 2023-W15 as of its report moment
DEMO_WEEK = "2023-W15"
DEMO_AS_OF = datetime(2023, 4, 14, 20, 0, tzinfo=SHANGHAI)
DATA_START = date(2021, 1, 4)  # first trading day of the period every source covers
DATA_END = date(2023, 4, 14)  # the demo week's last trading day
# per-date sources: every trading day from here on (earlier history is sampled, see MANIFEST.md)
DAILY_FROM = date(2023, 3, 27)
SEED = 20230414


def rng(*names: object) -> np.random.Generator:
    """A generator seeded by the names (stable across runs and across subsets of sources)."""
    digest = hashlib.sha256(("|".join(str(n) for n in (SEED, *names))).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def at(day: date, hhmm: str) -> datetime:
    """``day`` at local time ``hhmm`` (Asia/Shanghai)."""
    return datetime.combine(day, time.fromisoformat(hhmm), SHANGHAI)


def published_at(source_name: str, period_last_day: date) -> datetime:
    """When the registry says data for a period ending on ``period_last_day`` becomes public."""
    publication = get_source(source_name).publication
    if publication is None:
        raise ValueError(f"{source_name} has no publication rule")
    return publication.published_at(period_last_day)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(first: date) -> date:
    nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def add_months(first: date, n: int) -> date:
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months(start: date, end: date) -> list[date]:
    """First days of every month from ``start``'s month to ``end``'s month."""
    out, cur = [], month_start(start)
    while cur <= end:
        out.append(cur)
        cur = add_months(cur, 1)
    return out


def ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


@dataclass
class LoadSpec:
    """One load to land: the frame, its call parameters and when it was fetched."""

    params: dict[str, Any]
    frame: pd.DataFrame
    fetched_at: datetime
    available_at: datetime | None = None
    file_name: str | None = None

    @property
    def moment(self) -> datetime:
        return self.available_at or self.fetched_at
