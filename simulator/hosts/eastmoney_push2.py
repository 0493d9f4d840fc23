"""80.push2.eastmoney.com: Eastmoney's quote lists (``/api/qt/clist/get``).

``index_zh_a_hist`` first builds a code -> market map of indices (``index_code_id_map_em``,
cached per process with ``lru_cache``) from the list ``fs=b:MK0010,m:1+t:1,...`` with fields
``f3`` (change %), ``f12`` (code) and ``f13`` (market: 1 Shanghai, 0 Shenzhen, 2 CSI), paged
by ``pn``/``pz`` through ``akshare.utils.func.fetch_paginated_data``: the answer is
``{"rc": 0, "data": {"total": N, "diff": [{"f3":..,"f12":..,"f13":..}, ...]}}``, sorted by
``fid`` (``po=1``: descending). No data is ``{"rc": 0, "data": null}``.

The indices listed are the well-known ones below plus every index the dataset serves bars
for; :func:`index_market` is also what push2his.eastmoney.com answers a ``secid`` by.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import Request, Response, endpoint

HOST = "80.push2.eastmoney.com"

# Eastmoney's market of the indices the warehouse and akshare's docs use (secid "<market>.<code>")
KNOWN_INDEX_MARKETS = {
    "000001": 1,  # 上证指数
    "000016": 1,  # 上证50
    "000300": 1,  # 沪深300
    "000688": 1,  # 科创50
    "000852": 1,  # 中证1000
    "000905": 1,  # 中证500
    "000985": 1,  # 中证全指
    "399001": 0,  # 深证成指
    "399005": 0,  # 中小100
    "399006": 0,  # 创业板指
    "399106": 0,  # 深证综指
    "399373": 0,  # 国证大盘价值
    "399377": 0,  # 国证小盘价值
    "000859": 2,  # 国企一带一路 (CSI, not disseminated by SSE)
    "000861": 2,  # 中证央企创新
}


def index_market(code: str) -> int:
    """Eastmoney's market id of an index code: known ones as listed, else 0 for Shenzhen's 399xxx, 1 otherwise."""
    if code in KNOWN_INDEX_MARKETS:
        return KNOWN_INDEX_MARKETS[code]
    return 0 if code.startswith("399") else 1


def _latest_change(frame: pd.DataFrame) -> float | str:
    if frame.empty or "涨跌幅" not in frame.columns or "日期" not in frame.columns:
        return "-"
    latest = frame.sort_values("日期", key=lambda s: s.astype(str)).iloc[-1]["涨跌幅"]
    return "-" if pd.isna(latest) else float(latest)


def index_list(data: Dataset) -> list[dict[str, Any]]:
    """Every listed index as ``{"f3", "f12", "f13"}`` (change of its newest daily bar, code, market)."""
    changes: dict[str, float | str] = dict.fromkeys(KNOWN_INDEX_MARKETS, "-")
    for params, frame in data.tables("index_zh_a_hist"):
        if params.get("period", "daily") == "daily":
            changes[params["symbol"]] = _latest_change(frame)
        else:
            changes.setdefault(params["symbol"], "-")
    return [{"f3": change, "f12": code, "f13": index_market(code)} for code, change in changes.items()]


def _sorted(request: Request, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    field = request.param("fid") or "f3"
    descending = (request.param("po") or "1") == "1"
    present = [r for r in rows if isinstance(r.get(field), int | float)]
    absent = [r for r in rows if not isinstance(r.get(field), int | float)]  # "-" sorts last
    present.sort(key=lambda r: r[field], reverse=descending)
    return present + absent


@endpoint(HOST, "/api/qt/clist/get")
def quote_list(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/index/index_zh_em.py::index_code_id_map_em`` (via ``fetch_paginated_data``:
    ``total_page = ceil(total / len(first page))``, then ``pn`` = 2..total_page)."""
    rows = _sorted(request, index_list(data))
    size = max(1, int(request.param("pz") or 20))
    number = max(1, int(request.param("pn") or 1))
    page = rows[(number - 1) * size : number * size]
    if not page:
        return Response.json({"rc": 0, "rt": 6, "svr": 181735000, "lt": 1, "full": 1, "dlmkts": "", "data": None})
    payload = {"total": len(rows), "diff": page}
    return Response.json({"rc": 0, "rt": 6, "svr": 181735000, "lt": 1, "full": 1, "dlmkts": "", "data": payload})
