"""www.swsresearch.com: Shenwan Hongyuan Research's index analysis API and its download centre.

The index analysis API is a Django REST framework list: ``{"code": 200, "message": ...,
"data": {"count", "next", "previous", "results": [record, ...]}}``, paged by ``page`` and
``page_size`` (akshare asks for 50 a page, reads ``count`` from page 1 and loops over
``ceil(count / 50)`` pages). "No data" is ``count`` 0 and no results.

* ``/institute-sw/api/index_analysis/index_analysis_report/`` with ``type=DAY`` serves the daily
  report of every index of ``index_type`` between ``start_date`` and ``end_date``
  (``YYYY-MM-DD``); the host filters by the range (``index_analysis_daily_sw``).
* ``/institute-sw/api/index_analysis/index_analysis_reports/`` with ``type=WEEK`` serves the
  weekly report published on ``bargaindate`` (``index_analysis_weekly_sw``); a day without a
  report (no table in the dataset) is the empty list.

Both functions (``akshare/index/index_research_sw.py``) rename the record fields by name, so the
frame's columns follow the record's field order, and they convert types only (no scaling).

``/swindex/pdf/SwClass2021/StockClassifyUse_stock.xls`` is the classification history
workbook ``stock_industry_clf_hist_sw`` (``akshare/stock/stock_industry_sw.py``) reads with
``pd.read_excel``: a BIFF8 ``.xls`` whose header is 股票代码, 计入日期, 行业代码, 更新日期, the
codes text cells (akshare reads them as ``str``), the dates date cells.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import NotFound, Request, Response, endpoint, query_is, serves

HOST = "www.swsresearch.com"
API = "/institute-sw/api/index_analysis"
DAILY_PATH = f"{API}/index_analysis_report/"
REPORTS_PATH = f"{API}/index_analysis_reports/"
CLASSIFICATION_PATH = "/swindex/pdf/SwClass2021/StockClassifyUse_stock.xls"

serves("index_analysis_daily_sw", key=("symbol",), hosts=(HOST,), description="申万指数分析日报表")
serves("index_analysis_weekly_sw", key=("symbol", "date"), hosts=(HOST,), description="申万指数分析周报表")
serves("stock_industry_clf_hist_sw", hosts=(HOST,), description="申万行业分类变动历史 (xls)")

# akshare's column -> the API's field, in the API's order
FIELDS = {
    "指数代码": "swindexcode",
    "指数名称": "swindexname",
    "发布日期": "bargaindate",
    "收盘指数": "closeindex",
    "成交量": "bargainamount",
    "涨跌幅": "markup",
    "换手率": "turnoverrate",
    "市盈率": "pe",
    "市净率": "pb",
    "均价": "meanprice",
    "成交额占比": "bargainsumrate",
    "流通市值": "negotiablessharesum1",
    "平均流通市值": "negotiablessharesum2",
    "股息率": "dp",
}


def _day(value: Any) -> date:
    return pd.Timestamp(value).date()


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (date, pd.Timestamp)):
        return f"{value:%Y-%m-%d}"
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    frame = frame[list(FIELDS)].rename(columns=FIELDS)
    return [{k: _json_value(v) for k, v in row.items()} for row in frame.astype(object).to_dict("records")]


def _page_link(request: Request, page: int) -> str:
    query = {**request.query, "page": str(page)}
    return f"https://{HOST}{request.path}?{urlencode(query)}"


def _page(request: Request, records: list[dict[str, Any]]) -> Response:
    """One page of a DRF list, as ``PageNumberPagination`` answers it (404 past the last page)."""
    size = int(request.param("page_size") or 50)
    number = int(request.param("page") or 1)
    pages = max(1, math.ceil(len(records) / size))
    if number < 1 or number > pages:
        return Response.json({"detail": "Invalid page."}, status=404)
    data = {
        "count": len(records),
        "next": _page_link(request, number + 1) if number < pages else None,
        "previous": _page_link(request, number - 1) if number > 1 else None,
        "results": records[(number - 1) * size : number * size],
    }
    return Response.json({"code": 200, "message": "操作成功", "data": data})


def _date_param(request: Request, name: str) -> date | None:
    try:
        return datetime.strptime(request.param(name) or "", "%Y-%m-%d").date()
    except ValueError:
        return None


@endpoint(HOST, DAILY_PATH, match=query_is(type="DAY"), method="GET")
def daily_report(request: Request, data: Dataset) -> Response:
    """``index_analysis_daily_sw``: the daily rows of ``index_type`` in [start_date, end_date]."""
    start, end = _date_param(request, "start_date"), _date_param(request, "end_date")
    if start is None or end is None:
        return Response.json({"code": 400, "message": "日期格式错误", "data": None}, status=400)
    frame = data.get("index_analysis_daily_sw", symbol=request.param("index_type"))
    days = frame["发布日期"].map(_day)
    return _page(request, _records(frame[(days >= start) & (days <= end)]))


@endpoint(HOST, REPORTS_PATH, match=query_is(type="WEEK"), method="GET")
def weekly_report(request: Request, data: Dataset) -> Response:
    """``index_analysis_weekly_sw``: the weekly report of ``index_type`` published on ``bargaindate``."""
    day = _date_param(request, "bargaindate")
    if day is None:
        return Response.json({"code": 400, "message": "日期格式错误", "data": None}, status=400)
    try:
        frame = data.get("index_analysis_weekly_sw", symbol=request.param("index_type"), date=f"{day:%Y%m%d}")
    except NotFound:  # no report published that day: the host's empty list, not an error
        return _page(request, [])
    return _page(request, _records(frame))


# ----------------------------------------------------------------- stock_industry_clf_hist_sw
CLASSIFICATION_COLUMNS = {
    "symbol": "股票代码",
    "start_date": "计入日期",
    "industry_code": "行业代码",
    "update_time": "更新日期",
}


def classification_workbook(frame: pd.DataFrame) -> bytes:
    """The .xls bytes of a classification table (the inverse of ``stock_industry_clf_hist_sw``'s
    ``pd.read_excel`` + renames): codes as text cells, dates as date cells, blanks left empty."""
    import xlwt  # the only writer of BIFF8 .xls files; imported when a workbook is served

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    day_format = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    columns = list(CLASSIFICATION_COLUMNS)
    for j, name in enumerate(columns):
        sheet.write(0, j, CLASSIFICATION_COLUMNS[name])
    for i, row in enumerate(frame[columns].itertuples(index=False), start=1):
        for j, value in enumerate(row):
            if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
                continue
            if isinstance(value, (date, pd.Timestamp)):
                sheet.write(i, j, datetime(value.year, value.month, value.day), day_format)
            else:
                sheet.write(i, j, str(value))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@endpoint(HOST, CLASSIFICATION_PATH, method="GET")
def classification_history(request: Request, data: Dataset) -> Response:
    workbook = classification_workbook(data.get("stock_industry_clf_hist_sw"))
    return Response.binary(workbook, "application/vnd.ms-excel")
