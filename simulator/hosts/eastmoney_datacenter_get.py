"""datacenter.eastmoney.com: Eastmoney's older data-centre API (``/api/data/get``).

A request names a report by ``type``, sorts by ``st`` (``sr=-1``: descending) and pages by ``p``
(page number) and ``ps`` (page size); the answer is ``{"version", "result": {"pages", "data",
"count"}, "success", "message", "code"}`` with rows as JSON objects keyed by field names, dates as
``"2023-04-14 00:00:00"`` and missing values as ``null``; an empty result is ``{"result": null,
"success": false, "message": "返回数据为空", "code": 9201}``.

Served: ``bond_zh_us_rate`` -> ``RPTA_WEB_TREASURYYIELD`` (one table). akshare asks for page 1 to
learn ``pages``, then pages 1.. in turn (500 rows each, newest first) until a page reaches back to
its ``start_date``; it renames the fields by name and filters and sorts the rows itself.
"""

from __future__ import annotations

import math

import pandas as pd

from simulator.dataset import Dataset
from simulator.hosts.eastmoney_reports import Fields, day, number, records, wire_frame
from simulator.wire import Request, Response, endpoint, query_is, serves

HOST = "datacenter.eastmoney.com"
PATH = "/api/data/get"

serves("bond_zh_us_rate", hosts=(HOST,), description="中美国债收益率 (RPTA_WEB_TREASURYYIELD)")

# wire field -> the column akshare renames it to
TREASURY_YIELDS = {
    "EMM00588704": "中国国债收益率2年",
    "EMM00166462": "中国国债收益率5年",
    "EMM00166466": "中国国债收益率10年",
    "EMM00166469": "中国国债收益率30年",
    "EMM01276014": "中国国债收益率10年-2年",
    "EMM00000024": "中国GDP年增率",
    "EMG00001306": "美国国债收益率2年",
    "EMG00001308": "美国国债收益率5年",
    "EMG00001310": "美国国债收益率10年",
    "EMG00001312": "美国国债收益率30年",
    "EMG01339436": "美国国债收益率10年-2年",
    "EMG00159635": "美国GDP年增率",
}


def _treasury_fields() -> Fields:
    return {"SOLAR_DATE": day("日期"), **{wire: number(name) for wire, name in TREASURY_YIELDS.items()}}


def _empty() -> Response:
    return Response.json({"version": None, "result": None, "success": False, "message": "返回数据为空", "code": 9201})


def _sorted(request: Request, rows: pd.DataFrame) -> pd.DataFrame:
    column = request.param("st")
    if not column or column not in rows.columns:
        return rows
    return rows.sort_values(column, ascending=request.param("sr") != "-1", kind="stable", na_position="last")


@endpoint(HOST, PATH, match=query_is(type="RPTA_WEB_TREASURYYIELD"))
def treasury_yields(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/bond/bond_em.py::bond_zh_us_rate``."""
    purpose = f"treasury|{request.param('st')}|{request.param('sr')}"
    rows = data.derived(
        "bond_zh_us_rate", purpose, lambda frame: _sorted(request, wire_frame(frame, _treasury_fields()))
    )
    size = max(1, int(request.param("ps") or 50))
    number_ = max(1, int(request.param("p") or 1))
    page = rows.iloc[(number_ - 1) * size : number_ * size]
    if rows.empty or page.empty:
        return _empty()
    result = {"pages": math.ceil(len(rows) / size), "data": records(page.reset_index(drop=True)), "count": len(rows)}
    return Response.json({"version": "1", "result": result, "success": True, "message": "ok", "code": 0})
