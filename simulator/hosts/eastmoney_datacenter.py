"""datacenter-web.eastmoney.com: Eastmoney's data-centre report API (``/api/data/v1/get``).

Every report is a JSON page: ``{"result": {"pages", "data", "count"}, "success", "code"}``,
selected by ``reportName`` and paged by ``pageNumber``/``pageSize``. An empty result is
``{"result": null, "success": false, "message": "返回数据为空", "code": 9201}``.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import Request, Response, endpoint, query_is, serves

HOST = "datacenter-web.eastmoney.com"
PATH = "/api/data/v1/get"


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (NaN as null, as the API sends missing values)."""
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in frame.astype(object).to_dict("records")
    ]


def report_page(request: Request, rows: list[dict[str, Any]]) -> Response:
    """One page of a report, as the API pages it."""
    if not rows:
        return Response.json(
            {"version": None, "result": None, "success": False, "message": "返回数据为空", "code": 9201}
        )
    size = int(request.param("pageSize") or 50)
    number = int(request.param("pageNumber") or 1)
    pages = math.ceil(len(rows) / size)
    page = rows[(number - 1) * size : number * size]
    result = {"pages": pages, "data": page, "count": len(rows)}
    return Response.json({"version": "1", "result": result, "success": True, "message": "ok", "code": 0})


# ----------------------------------------------------------------- macro_china_hgjck
serves("macro_china_hgjck", hosts=(HOST,), description="海关进出口增减情况 (RPT_ECONOMY_CUSTOMS)")

_HGJCK = {
    "月份": "TIME",
    "当月出口额-金额": "EXIT_BASE",
    "当月进口额-金额": "IMPORT_BASE",
    "当月出口额-同比增长": "EXIT_BASE_SAME",
    "当月进口额-同比增长": "IMPORT_BASE_SAME",
    "当月出口额-环比增长": "EXIT_BASE_SEQUENTIAL",
    "当月进口额-环比增长": "IMPORT_BASE_SEQUENTIAL",
    "累计出口额-金额": "EXIT_ACCUMULATE",
    "累计进口额-金额": "IMPORT_ACCUMULATE",
    "累计出口额-同比增长": "EXIT_ACCUMULATE_SAME",
    "累计进口额-同比增长": "IMPORT_ACCUMULATE_SAME",
}


@endpoint(HOST, PATH, match=query_is(reportName="RPT_ECONOMY_CUSTOMS"))
def customs(request: Request, data: Dataset) -> Response:
    frame = data.get("macro_china_hgjck").rename(columns=_HGJCK)
    month = frame["TIME"].astype(str).str.extract(r"(\d{4})年(\d{2})月", expand=True)
    frame.insert(0, "REPORT_DATE", month[0] + "-" + month[1] + "-01 00:00:00")
    return report_page(request, records(frame[["REPORT_DATE", *_HGJCK.values()]]))
