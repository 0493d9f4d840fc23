"""data.cpcadata.com: the China Passenger Car Association's chart data (``/api/chartlist``).

``GET /api/chartlist?charttype=N`` answers a JSON list of charts, each ``{"dataList": [item, ...]}``
with one item per calendar month: ``{"month": "3月", "2023年": [v0, v1, ...], "2022年": [...]}``,
the CURRENT year's key before the previous year's, each year a list of one value per series.
A month the current year has not reached has no current-year key; the current year's values run
from January up to the latest month with data.

How ``akshare/other/other_car_cpca.py`` reads it, and so how tables are encoded:

* ``car_market_total_cpca(symbol, indicator)``: ``charttype=1``; chart 0 is 狭义乘用车, chart 1
  广义乘用车; the year lists hold [产量, 批发, 零售, 出口] (``indicator`` picks the position), so
  one answer carries the four indicator tables of a symbol.
* ``car_market_fuel_cpca(symbol)``: ``charttype=6``; charts 整体市场, 销量占比-PHEV-BEV,
  销量占比-ICE-NEV (the latter two name the month field ``月份``); akshare takes position 2 of the
  year lists, positions 0 and 1 carry filler (a 3:1 split of the value).

akshare names the frame's year columns after the keys (``temp_df.columns[1]`` current,
``[2]`` previous) and puts the previous year first, so a table ``[月份, 2022年, 2023年]`` is
served as ``{"month", "2023年", "2022年"}``. When no month of the current year has a value (early
January), the items carry only the previous year's key, and akshare's ``temp_df.columns[2]``
raises ``IndexError`` (a known crash, reproduced here on purpose).
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import NotFound, Request, Response, endpoint, query_is, serves

HOST = "data.cpcadata.com"
PATH = "/api/chartlist"
YEAR = re.compile(r"^\d{4}年$")

serves("car_market_total_cpca", key=("symbol", "indicator"), hosts=(HOST,), description="乘联会总体市场 (charttype=1)")
serves("car_market_fuel_cpca", key=("symbol",), hosts=(HOST,), description="乘联会新能源细分市场 (charttype=6)")

TOTAL_CHARTS = ("狭义乘用车", "广义乘用车")
TOTAL_SERIES = ("产量", "批发", "零售", "出口")
FUEL_CHARTS = ("整体市场", "销量占比-PHEV-BEV", "销量占比-ICE-NEV")
FUEL_POSITION = 2  # akshare reads position 2 of a fuel chart's year lists


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _years(frame: pd.DataFrame) -> tuple[str, str]:
    """(previous, current) year columns of a CPCA table."""
    years = sorted(c for c in frame.columns if YEAR.match(str(c)))
    if len(years) != 2:
        raise ValueError(f"a CPCA table has two year columns (e.g. 2022年, 2023年); got {list(frame.columns)}")
    return years[0], years[1]


def chart(series: list[pd.DataFrame | None], month_key: str = "month") -> dict[str, Any]:
    """One chart's ``dataList``: position k of each year list is table ``series[k]`` (None: no value)."""
    tables = [t for t in series if t is not None]
    if not tables:
        return {"dataList": []}
    previous, current = _years(tables[0])
    months = [str(m) for m in tables[0]["月份"]]
    columns: dict[str, list[list[float | None]]] = {previous: [], current: []}
    for year in (previous, current):
        for table in series:
            values = {} if table is None else dict(zip(table["月份"].astype(str), table[year], strict=True))
            columns[year].append([_number(values.get(m)) for m in months])
    reached = [i for i, m in enumerate(months) if any(v[i] is not None for v in columns[current])]
    last = max(reached, default=-1)
    items = []
    for i, month in enumerate(months):
        item: dict[str, Any] = {month_key: month}
        if i <= last:
            item[current] = [v[i] for v in columns[current]]
        item[previous] = [v[i] for v in columns[previous]]
        items.append(item)
    return {"dataList": items}


def _table(data: Dataset, function: str, **params: str) -> pd.DataFrame | None:
    try:
        return data.get(function, **params)
    except NotFound:
        return None


def _fuel_series(table: pd.DataFrame | None) -> list[pd.DataFrame | None]:
    """Positions 0..2 of a fuel chart: filler split 3:1 of the value, then the value itself."""
    if table is None:
        return [None, None, None]
    previous, current = _years(table)
    parts = []
    for share in (0.75, 0.25):
        part = table.copy()
        part[[previous, current]] = (table[[previous, current]] * share).round(2)
        parts.append(part)
    return [*parts, table]


@endpoint(HOST, PATH, match=query_is(charttype="1"), method="GET")
def total_market(request: Request, data: Dataset) -> Response:
    """``car_market_total_cpca``: both charts, each with the four indicator tables of its symbol."""
    charts = [
        [_table(data, "car_market_total_cpca", symbol=s, indicator=i) for i in TOTAL_SERIES] for s in TOTAL_CHARTS
    ]
    if all(t is None for c in charts for t in c):
        raise NotFound("no table for car_market_total_cpca")
    return Response.json([chart(series) for series in charts])


@endpoint(HOST, PATH, match=query_is(charttype="6"), method="GET")
def fuel_market(request: Request, data: Dataset) -> Response:
    """``car_market_fuel_cpca``: the three new-energy charts."""
    tables = [_table(data, "car_market_fuel_cpca", symbol=s) for s in FUEL_CHARTS]
    if all(t is None for t in tables):
        raise NotFound("no table for car_market_fuel_cpca")
    keys = ("month", "月份", "月份")
    return Response.json([chart(_fuel_series(t), key) for t, key in zip(tables, keys, strict=True)])
