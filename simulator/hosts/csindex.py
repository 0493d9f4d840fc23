"""www.csindex.com.cn: China Securities Index's index performance API (``/csindex-home/perf/index-perf``).

``GET ?indexCode=000985&startDate=YYYYMMDD&endDate=YYYYMMDD`` answers every trading day of the
range in one JSON document, ``{"code": "200", "msg": "Success", "data": [record, ...],
"success": true}``; the host filters by the range itself, there is no paging. A range with no
trading day is ``"data": []``.

``stock_zh_index_hist_csindex`` (``akshare/index/index_stock_zh_csindex.py``) builds the frame
from the records and renames the fields BY POSITION, so the record's field order is the wire
format: ``tradeDate`` (``YYYYMMDD``), ``indexCode``, the four names, ``open``, ``high``,
``low``, ``close``, ``change``, ``changePct``, ``tradingVol`` (万手), ``tradingValue`` (亿元),
``consNumber`` and ``peg`` (the rolling PE, despite its name). It converts nothing but types.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import Request, Response, endpoint, serves

HOST = "www.csindex.com.cn"

serves(
    "stock_zh_index_hist_csindex",
    key=("symbol",),
    hosts=(HOST,),
    description="中证指数历史行情 (/csindex-home/perf/index-perf)",
)

# akshare's column (by position) -> the API's field
FIELDS = {
    "日期": "tradeDate",
    "指数代码": "indexCode",
    "指数中文全称": "indexNameCnAll",
    "指数中文简称": "indexNameCn",
    "指数英文全称": "indexNameEnAll",
    "指数英文简称": "indexNameEn",
    "开盘": "open",
    "最高": "high",
    "最低": "low",
    "收盘": "close",
    "涨跌": "change",
    "涨跌幅": "changePct",
    "成交量": "tradingVol",
    "成交金额": "tradingValue",
    "样本数量": "consNumber",
    "滚动市盈率": "peg",
}


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (date, pd.Timestamp)):
        return f"{value:%Y%m%d}"
    return value


def _answer(records: list[dict[str, Any]]) -> Response:
    return Response.json({"code": "200", "msg": "Success", "data": records, "success": True})


@endpoint(HOST, "/csindex-home/perf/index-perf", method="GET")
def index_perf(request: Request, data: Dataset) -> Response:
    symbol = request.param("indexCode") or ""
    try:
        start = datetime.strptime(request.param("startDate") or "", "%Y%m%d").date()
        end = datetime.strptime(request.param("endDate") or "", "%Y%m%d").date()
    except ValueError:
        return Response.json({"code": "400", "msg": "日期格式错误", "data": None, "success": False})
    frame = data.get("stock_zh_index_hist_csindex", symbol=symbol)
    days = frame["日期"].map(_day)
    frame = frame[(days >= start) & (days <= end)]
    frame = frame[list(FIELDS)].rename(columns=FIELDS)
    records = [{k: _json_value(v) for k, v in row.items()} for row in frame.astype(object).to_dict("records")]
    return _answer(records)
