"""www.szse.cn: the Shenzhen Stock Exchange's report service (``/api/report/ShowReport``).

A report is selected by ``CATALOGID`` (and ``TABKEY`` for one of its tabs) and comes in two
shapes:

* ``/api/report/ShowReport?SHOWTYPE=xlsx``: a workbook download, one sheet, the column titles in
  the first row (with their units, e.g. ``融资余额(元)``), figures as text with thousands
  separators (``1,234,567.00``), codes as text. A day without data is the header row alone.
* ``/api/report/ShowReport/data?SHOWTYPE=JSON``: a JSON list with one ``{"metadata", "data",
  "error"}`` object per tab of the report, ``data`` holding the first page of rows with the
  report's field codes; a day without data has ``data: []``.

Per-date tables are selected by akshare's ``date`` parameter (``20230414``, the host's
``txtDate``/``txtQueryDate`` without dashes); a date without a table is answered as a day
without data.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

import pandas as pd

from simulator.dataset import Dataset
from simulator.hosts.exchange_encoding import column_texts, compact_date, is_missing
from simulator.wire import NotFound, Request, Response, endpoint, query_is, serves

HOST = "www.szse.cn"
REPORT_PATH = "/api/report/ShowReport"
DATA_PATH = "/api/report/ShowReport/data"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ----------------------------------------------------------------- the host's answers


def workbook(sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> Response:
    """An xlsx download: text cells for ``str`` values (``""`` leaves the cell empty), numbers as numbers."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    page = book.create_sheet(sheet)
    page.append(list(header))
    for row in rows:
        page.append([None if (v == "" or is_missing(v)) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = Response.binary(buffer.getvalue(), XLSX)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.xlsx"
    return response


def report_tab(
    catalog: str, tab: str, name: str, day: str, cols: dict[str, str], rows: list[dict[str, Any]], page_size: int = 20
) -> dict[str, Any]:
    """One tab of a JSON report: its metadata and the first page of its rows."""
    return {
        "metadata": {
            "catalogid": catalog,
            "tabkey": tab,
            "name": name,
            "subname": day,
            "excel": "xlsx",
            "pagetype": "page",
            "pageno": 1,
            "pagesize": page_size,
            "pagecount": math.ceil(len(rows) / page_size),
            "recordcount": len(rows),
            "conditions": [{"name": "txtDate", "label": "日期", "type": "date", "defaultValue": day}],
            "cols": cols,
            "header": "",
            "footer": "",
        },
        "data": rows[:page_size],
        "error": None,
    }


def _day(request: Request, name: str) -> str:
    return compact_date(request.param(name) or "")


def _table(data: Dataset, function: str, **params: Any) -> pd.DataFrame | None:
    try:
        return data.get(function, **params)
    except NotFound:
        return None


def _figures(frame: pd.DataFrame, columns: Sequence[str]) -> list[list[str]]:
    """The columns' figures as the host's text, row by row (see ``exchange_encoding.column_texts``)."""
    texts = [column_texts(frame[c], thousands=True) for c in columns]
    return [list(row) for row in zip(*texts, strict=True)] if texts else [[] for _ in range(len(frame))]


def _text(value: Any) -> str:
    return "" if is_missing(value) else str(value)


# ----------------------------------------------------------------- stock_margin_szse, stock_margin_detail_szse
serves(
    "stock_margin_szse", key=("date",), hosts=(HOST,), description="融资融券交易总量 of one day (1837_xxpl tab1, JSON)"
)
serves(
    "stock_margin_detail_szse",
    key=("date",),
    hosts=(HOST,),
    description="融资融券交易明细 of one day (1837_xxpl tab2, xlsx)",
)

MARGIN_CATALOG = "1837_xxpl"
# tab1's fields in the order akshare names them by position (stock_margin_szse.py, lines 72-79);
# amounts in 亿元, volumes in 亿股.
_MARGIN_TOTAL = {
    "jrrzmr": ("融资买入额", "融资买入额(亿元)"),
    "jrrzye": ("融资余额", "融资余额(亿元)"),
    "jrrjmc": ("融券卖出量", "融券卖出量(亿股/亿份)"),
    "jrrjyl": ("融券余量", "融券余量(亿股/亿份)"),
    "jrrjye": ("融券余额", "融券余额(亿元)"),
    "jrrzrjye": ("融资融券余额", "融资融券余额(亿元)"),
}
# tab2 (the detail) as the xlsx titles its columns, in the order akshare names them by position
# (stock_margin_szse.py, lines 124-133), with the JSON field codes of the same tab.
_MARGIN_DETAIL = {
    "证券代码": ("zqdm", "证券代码"),
    "证券简称": ("zqjc", "证券简称"),
    "融资买入额": ("jrrzmr", "融资买入额(元)"),
    "融资余额": ("jrrzye", "融资余额(元)"),
    "融券卖出量": ("jrrjmc", "融券卖出量(股/份)"),
    "融券余量": ("jrrjyl", "融券余量(股/份)"),
    "融券余额": ("jrrjye", "融券余额(元)"),
    "融资融券余额": ("jrrzrjye", "融资融券余额(元)"),
}
_DETAIL_FIGURES = list(_MARGIN_DETAIL)[2:]


def margin_detail_rows(frame: pd.DataFrame) -> list[list[str]]:
    figures = _figures(frame, _DETAIL_FIGURES)
    codes, names = frame["证券代码"].map(_text), frame["证券简称"].map(_text)
    return [[code, name, *values] for code, name, values in zip(codes, names, figures, strict=True)]


@endpoint(HOST, DATA_PATH, match=query_is(CATALOGID=MARGIN_CATALOG))
def margin_report(request: Request, data: Dataset) -> Response:
    """Both tabs of 1837_xxpl as JSON: the day's totals and the first page of the detail."""
    day = _day(request, "txtDate")
    shown = f"{day[:4]}-{day[4:6]}-{day[6:]}"
    total = _table(data, "stock_margin_szse", date=day)
    total_rows = []
    if total is not None and not total.empty:
        figures = _figures(total, [column for column, _ in _MARGIN_TOTAL.values()])
        total_rows = [dict(zip(_MARGIN_TOTAL, values, strict=True)) for values in figures]
    detail = _table(data, "stock_margin_detail_szse", date=day)
    detail_rows = [] if detail is None else margin_detail_rows(detail)
    tabs = [
        report_tab(
            MARGIN_CATALOG,
            "tab1",
            "融资融券交易总量",
            shown,
            {code: title for code, (_, title) in _MARGIN_TOTAL.items()},
            total_rows,
        ),
        report_tab(
            MARGIN_CATALOG,
            "tab2",
            "融资融券交易明细",
            shown,
            dict(_MARGIN_DETAIL.values()),
            [dict(zip((code for code, _ in _MARGIN_DETAIL.values()), row, strict=True)) for row in detail_rows],
        ),
    ]
    wanted = request.param("TABKEY")
    return Response.json([t for t in tabs if not wanted or t["metadata"]["tabkey"] == wanted])


@endpoint(HOST, REPORT_PATH, match=query_is(CATALOGID=MARGIN_CATALOG, TABKEY="tab2"))
def margin_detail_xlsx(request: Request, data: Dataset) -> Response:
    day = _day(request, "txtDate")
    frame = _table(data, "stock_margin_detail_szse", date=day)
    rows = [] if frame is None else margin_detail_rows(frame)
    header = [title for _, title in _MARGIN_DETAIL.values()]
    return workbook("融资融券交易明细", header, rows, f"融资融券交易明细_{day}")


# ----------------------------------------------------------------- stock_szse_summary
serves(
    "stock_szse_summary", key=("date",), hosts=(HOST,), description="市场总貌-证券类别统计 of one day (1803_sczm tab1)"
)

SUMMARY_CATALOG = "1803_sczm"
_SUMMARY_HEADER = ["证券类别", "数量(只)", "成交金额(元)", "总市值(元)", "流通市值(元)"]
_SUMMARY_FIGURES = ["成交金额", "总市值", "流通市值"]
# Classes the host lists at the top level; the others are indented under them (akshare strips
# the indentation, stock_summary.py line 43).
_TOP_CLASSES = {"股票", "基金", "债券", "期权"}


def summary_rows(frame: pd.DataFrame) -> list[list[Any]]:
    """The class table as the workbook's rows: 数量 as a number cell, the figures as text.

    akshare strips every figure's separators with ``x.replace(",", "")`` (stock_summary.py,
    line 44), so an empty figure cell (a table value ``""``) raises AttributeError there; a
    missing figure (NaN) is written as the host's "-" and comes back as NaN.
    """
    classes = [c if c in _TOP_CLASSES else f"\u3000\u3000{c}" for c in frame["证券类别"].map(_text)]
    counts = frame["数量"].astype(object).map(lambda v: None if is_missing(v) else v)
    figures = _figures(frame, _SUMMARY_FIGURES)
    return [[name, count, *values] for name, count, values in zip(classes, counts, figures, strict=True)]


@endpoint(HOST, REPORT_PATH, match=query_is(CATALOGID=SUMMARY_CATALOG, TABKEY="tab1"))
def summary_xlsx(request: Request, data: Dataset) -> Response:
    day = _day(request, "txtQueryDate")
    frame = _table(data, "stock_szse_summary", date=day)
    rows = [] if frame is None else summary_rows(frame)
    return workbook("证券类别统计", _SUMMARY_HEADER, rows, f"证券类别统计_{day}")


# ----------------------------------------------------------------- fund_scale_daily_szse
serves(
    "fund_scale_daily_szse",
    key=("symbol",),
    hosts=(HOST,),
    description="基金规模-日频数据 by fund class, the whole history filtered by txtStart/txtEnd",
)

FUND_SCALE_CATALOG = "scsj_fund_jjgm"
_FUND_CLASSES = {"ETF": "ETF", "LOF": "LOF", "不动产基金": "REITS"}  # jjlb -> akshare's symbol
_FUND_HEADER = ["日期", "基金代码", "基金简称", "基金规模(份)"]
MAX_RANGE = pd.DateOffset(months=6)  # a longer range is answered with the header alone


def fund_scale_rows(frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> list[list[Any]]:
    days = pd.to_datetime(frame["日期"])
    frame = frame[(days >= start) & (days <= end)]
    shares = column_texts(frame["基金份额"], thousands=True)
    dates = pd.to_datetime(frame["日期"]).dt.strftime("%Y-%m-%d")
    return [
        [day, _text(code), _text(name), share]
        for day, code, name, share in zip(dates, frame["基金代码"], frame["基金简称"], shares, strict=True)
    ]


@endpoint(HOST, REPORT_PATH, match=query_is(CATALOGID=FUND_SCALE_CATALOG, TABKEY="tab1"))
def fund_scale_xlsx(request: Request, data: Dataset) -> Response:
    """Daily fund shares of one class between txtStart and txtEnd (at most six months)."""
    symbol = _FUND_CLASSES.get(request.param("jjlb") or "", "")
    start = pd.Timestamp(request.param("txtStart") or "1990-01-01")
    end = pd.Timestamp(request.param("txtEnd") or "2100-01-01")
    frame = _table(data, "fund_scale_daily_szse", symbol=symbol) if symbol else None
    rows = [] if frame is None or end > start + MAX_RANGE else fund_scale_rows(frame, start, end)
    return workbook("基金规模", _FUND_HEADER, rows, f"基金规模_{symbol}")
