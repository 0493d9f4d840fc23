"""datacenter-api.jin10.com: jin10's economic-calendar data centre (``/reports/list_v2``).

A report is selected by ``category`` and ``attr_id`` and read backwards in pages:
``max_date=`` (empty) gives the newest releases, ``max_date=YYYY-MM-DD`` those released on or
before that day; each page holds up to :data:`PAGE_ROWS` releases, newest first, as
``{"status": 200, "message": "", "data": {"keys": [...], "values": [[date, 今值, 预测值, 前值], ...]}}``.
A page past the oldest release has ``"values": []``. akshare (``__macro_china_base_func`` in
``akshare/economic/macro_china.py``) keeps asking with ``max_date`` = the last date of the page
minus one day until it gets an empty page.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import Request, Response, endpoint, serves

HOST = "datacenter-api.jin10.com"

# akshare gives the size of no page; jin10's web page loads a few years at a time
PAGE_ROWS = 20

# attr_id (category "ec") -> the akshare function whose table it serves
REPORTS = {"66": "macro_china_exports_yoy", "77": "macro_china_imports_yoy", "61": "macro_china_trade_balance"}
_UNITS = {"macro_china_trade_balance": "亿美元"}

for _attr, _function in REPORTS.items():
    serves(_function, hosts=(HOST,), description=f"jin10 list_v2 category=ec attr_id={_attr}")


def _value(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def releases(frame: pd.DataFrame) -> list[list[Any]]:
    """Each release as ``[date, 今值, 预测值, 前值]``, newest first (akshare adds 商品 itself)."""
    ordered = frame.assign(_day=frame["日期"].map(lambda v: pd.Timestamp(v).strftime("%Y-%m-%d")))
    ordered = ordered.sort_values("_day", ascending=False, kind="stable")
    return [
        [day, _value(now), _value(forecast), _value(previous)]
        for day, now, forecast, previous in zip(
            ordered["_day"], ordered["今值"], ordered["预测值"], ordered["前值"], strict=True
        )
    ]


@endpoint(HOST, "/reports/list_v2")
def report_list(request: Request, data: Dataset) -> Response:
    function = REPORTS.get(request.param("attr_id") or "") if request.param("category") == "ec" else None
    if function is None:
        return Response.json({"status": 200, "message": "", "data": {"keys": [], "values": []}})
    rows = releases(data.get(function))
    max_date = request.param("max_date") or ""
    if max_date:
        rows = [row for row in rows if row[0] <= max_date]
    unit = _UNITS.get(function, "%")
    keys = [
        {"name": "今值", "unit": unit, "type": "double"},
        {"name": "预测值", "unit": unit, "type": "double"},
        {"name": "前值", "unit": unit, "type": "double"},
    ]
    payload = {"keys": keys, "values": rows[:PAGE_ROWS]}
    return Response.json({"status": 200, "message": "", "data": payload})
