"""Reading the period (day or month) of raw rows, in each of the registry's period formats.

Used for load metadata (date range), freshness checks and the curated-file parser. dbt staging
does the same parsing in SQL; ``tests/test_periods.py`` keeps the two in step.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pandas as pd

from ground.time_zone import SHANGHAI
from ingestion.registry import Source

_CN_MONTH = re.compile(r"^\s*(\d{4})年(\d{1,2})月(?:份)?\s*$")
_CPCA_YEAR = re.compile(r"^(\d{4})年$")
_CPCA_MONTH = re.compile(r"^\s*(\d{1,2})月\s*$")


def parse_period_values(values: pd.Series, fmt: str) -> pd.Series:
    """Parse raw period values into month-start or day dates (NaT where unparseable)."""
    if fmt == "date":
        return pd.to_datetime(values, errors="coerce").dt.normalize()
    if fmt == "yyyymmdd":
        return pd.to_datetime(values.astype("string").str.strip(), format="%Y%m%d", errors="coerce")
    if fmt == "yyyy_mm":
        return pd.to_datetime(values.astype("string").str.strip(), format="%Y-%m", errors="coerce")
    if fmt == "yyyy":
        return pd.to_datetime(values.astype("string").str.strip(), format="%Y", errors="coerce")
    if fmt == "cn_month":
        parts = values.astype("string").str.extract(_CN_MONTH)
        return pd.to_datetime(parts[0] + "-" + parts[1].str.zfill(2) + "-01", format="%Y-%m-%d", errors="coerce")
    raise ValueError(f"period format {fmt!r} is not a per-row format")


def cpca_latest_month(frame: pd.DataFrame) -> date | None:
    """Latest month with a value in a CPCA wide table (月份 x {year}年 columns)."""
    years = sorted((int(m.group(1)), c) for c in frame.columns if (m := _CPCA_YEAR.match(str(c))))
    for year, column in reversed(years):
        months = frame["月份"].astype("string").str.extract(_CPCA_MONTH)[0]
        filled = pd.to_numeric(frame[column], errors="coerce").notna() & months.notna()
        if filled.any():
            return date(year, int(months[filled].astype(int).max()), 1)
    return None


def fetched_day(fetched_at: datetime) -> date:
    """The Shanghai day of a fetch moment: the period of a load of a ``period: {fetched: true}`` source."""
    return fetched_at.astimezone(SHANGHAI).date()


def period_range(
    source: Source, frame: pd.DataFrame, params: dict[str, Any], fetched_at: datetime | None = None
) -> tuple[date | None, date | None]:
    """First and last period present in a raw frame (None when there is none)."""
    period = source.period
    if period.fetched:
        if fetched_at is None or frame.empty:
            return None, None
        return fetched_day(fetched_at), fetched_day(fetched_at)
    if period.param is not None:
        raw = params.get(period.param)
        if raw is None or frame.empty:
            return None, None
        parsed = parse_period_values(pd.Series([str(raw)]), period.format).iloc[0]
        return (None, None) if pd.isna(parsed) else (parsed.date(), parsed.date())
    if period.format == "cpca_wide":
        if "月份" not in frame.columns:
            return None, None
        latest = cpca_latest_month(frame)
        return (None, latest) if latest else (None, None)
    if period.column not in frame.columns or frame.empty:
        return None, None
    parsed = parse_period_values(frame[period.column], period.format).dropna()
    if parsed.empty:
        return None, None
    return parsed.min().date(), parsed.max().date()
