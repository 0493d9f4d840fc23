"""query.sse.com.cn: the Shanghai Stock Exchange's query service (``queryMargin.do``, ``commonQuery.do``).

Every answer is one JSON object (JSONP when the request names a ``jsonCallBack``): the rows in
``result`` and again in ``pageHelp.data``, with ``pageHelp`` giving ``pageNo``, ``pageSize``,
``pageCount`` and ``total``. A paginated query (``isPagination=true``) answers the page
``pageHelp.pageNo`` of ``pageHelp.pageSize`` rows; "no data" is ``result: []`` with ``total: 0``,
never an HTTP error. The host refuses requests whose Referer is not on sse.com.cn (HTTP 403), as
the real one does; akshare sends ``Referer: https://www.sse.com.cn/``.

akshare reads only the first page (page size 5000 or 10000) and never pages on; a longer answer
loses its tail silently (see ``stock_margin_sse``).

Dates selecting a per-date table are akshare's ``date`` parameter (``20230414``); a date for
which the dataset holds no table is answered as the host answers a day without data (an empty
``result``), which is what akshare sees on a holiday.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from simulator.dataset import Dataset
from simulator.hosts.exchange_encoding import (
    NO_VALUE,
    compact_date,
    is_missing,
    json_number,
    number_text,
    scaled_text,
)
from simulator.wire import NotFound, Request, Response, endpoint, query_is, serves

HOST = "query.sse.com.cn"
MARGIN_PATH = "/marketdata/tradedata/queryMargin.do"
COMMON_PATH = "/commonQuery.do"


# ----------------------------------------------------------------- the host's answer


def _header(request: Request, name: str) -> str:
    return next((v for k, v in request.headers.items() if k.lower() == name.lower()), "")


def _forbidden() -> Response:
    page = "<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center></body></html>"
    return Response(403, page.encode(), {"Content-Type": "text/html"})


def answer(request: Request, rows: list[dict[str, Any]]) -> Response:
    """The host's JSON (or JSONP) envelope around ``rows``, paged when the query asks for pages."""
    if "sse.com.cn" not in _header(request, "Referer"):
        return _forbidden()
    paginate = (request.param("isPagination") or "").lower() == "true"
    if paginate:
        size = max(int(request.param("pageHelp.pageSize") or 25), 1)
        number = max(int(request.param("pageHelp.pageNo") or 1), 1)
        page = rows[(number - 1) * size : number * size]
        pages = math.ceil(len(rows) / size)
    else:
        size, number, page, pages = len(rows), 1, rows, 1 if rows else 0
    callback = request.param("jsonCallBack")
    payload = {
        "actionErrors": [],
        "actionMessages": [],
        "errorMessages": [],
        "fieldErrors": {},
        "isPagination": "true" if paginate else "false",
        "jsonCallBack": callback,
        "locale": "zh_CN",
        "pageHelp": {
            "beginPage": int(request.param("pageHelp.beginPage") or 1),
            "cacheSize": int(request.param("pageHelp.cacheSize") or 1),
            "data": page if paginate else None,
            "endDate": None,
            "endPage": None,
            "objectResult": None,
            "pageCount": pages,
            "pageNo": number,
            "pageSize": size,
            "searchDate": None,
            "sort": None,
            "startDate": None,
            "total": len(rows),
        },
        "result": page,
        "sqlId": request.param("sqlId") or "",
        "texts": None,
        "type": request.param("type") or "",
    }
    return Response.jsonp(callback, payload) if callback else Response.json(payload)


def _table(data: Dataset, function: str, **params: Any) -> pd.DataFrame | None:
    try:
        return data.get(function, **params)
    except NotFound:
        return None


def _latest_date(data: Dataset, function: str) -> str | None:
    dates = sorted(params["date"] for params, _ in data.tables(function))
    return dates[-1] if dates else None


def _json_values(frame: pd.DataFrame, column: str) -> list[Any]:
    as_float = not pd.api.types.is_integer_dtype(frame[column].dtype)
    return [json_number(v, as_float=as_float) for v in frame[column].astype(object)]


def _texts(frame: pd.DataFrame, column: str) -> list[str]:
    return ["" if is_missing(v) else str(v) for v in frame[column].astype(object)]


# ----------------------------------------------------------------- stock_margin_sse, stock_margin_detail_sse
serves("stock_margin_sse", hosts=(HOST,), description="融资融券汇总: the whole history, filtered by beginDate/endDate")
serves("stock_margin_detail_sse", key=("date",), hosts=(HOST,), description="融资融券明细 of one day (detailsDate)")

# The 13 fields of a queryMargin.do row, in the order akshare's positional ``columns = [...]``
# reads them (akshare/stock_feature/stock_margin_sse.py, lines 102-116 and 169-183). The summary
# leaves the per-stock fields blank. ``marketType`` and ``rzjmre`` (net financing buys) are the
# two fields akshare drops unnamed; their real names are not published, the values are plausible.
_MARGIN_FIELDS = (
    "marketType",
    "opDate",  # 信用交易日期
    "rqchl",  # 融券偿还量 (detail)
    "rqmcl",  # 融券卖出量
    "rqyl",  # 融券余量
    "rqylje",  # 融券余量金额 (summary)
    "rzjmre",
    "rzche",  # 融资偿还额 (detail)
    "rzmre",  # 融资买入额
    "rzrqjyzl",  # 融资融券余额 (summary)
    "rzye",  # 融资余额
    "securityAbbr",  # 标的证券简称 (detail)
    "stockCode",  # 标的证券代码 (detail)
)
_MARGIN_COLUMNS = {
    "信用交易日期": "opDate",
    "融券偿还量": "rqchl",
    "融券卖出量": "rqmcl",
    "融券余量": "rqyl",
    "融券余量金额": "rqylje",
    "融资偿还额": "rzche",
    "融资买入额": "rzmre",
    "融资融券余额": "rzrqjyzl",
    "融资余额": "rzye",
    "标的证券简称": "securityAbbr",
    "标的证券代码": "stockCode",
}
_MARGIN_TEXT = {"opDate", "securityAbbr", "stockCode"}


def margin_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a margin table in queryMargin.do's field order; numbers as JSON numbers of the column's dtype."""
    columns: dict[str, list[Any]] = {}
    for column, field in _MARGIN_COLUMNS.items():
        if column in frame.columns:
            columns[field] = _texts(frame, column) if field in _MARGIN_TEXT else _json_values(frame, column)
    rows = []
    for i in range(len(frame)):
        row: dict[str, Any] = {field: (columns[field][i] if field in columns else "") for field in _MARGIN_FIELDS}
        row["marketType"] = "1"
        buys, repaid = row["rzmre"], row["rzche"]
        both = isinstance(buys, int | float) and isinstance(repaid, int | float)
        row["rzjmre"] = buys - repaid if both else ""
        rows.append(row)
    return rows


@endpoint(HOST, MARGIN_PATH, match=query_is(tabType="mxtype"))
def margin_detail(request: Request, data: Dataset) -> Response:
    day = compact_date(request.param("detailsDate") or "") or _latest_date(data, "stock_margin_detail_sse")
    frame = _table(data, "stock_margin_detail_sse", date=day) if day else None
    if frame is None:
        return answer(request, [])
    code = request.param("stockCode") or ""
    if code:
        frame = frame[frame["标的证券代码"].astype(str) == code]
    return answer(request, margin_rows(frame))


@endpoint(HOST, MARGIN_PATH, match=lambda request: request.param("tabType") != "mxtype")
def margin_summary(request: Request, data: Dataset) -> Response:
    """The summary history between beginDate and endDate (YYYYMMDD, inclusive), newest first."""
    frame = _table(data, "stock_margin_sse")
    if frame is None:
        return answer(request, [])
    day = frame["信用交易日期"].astype(str)
    begin, end = request.param("beginDate") or "", request.param("endDate") or ""
    keep = pd.Series(True, index=frame.index)
    if begin:
        keep &= day >= begin
    if end:
        keep &= day <= end
    frame = frame[keep].assign(_day=day[keep]).sort_values("_day", ascending=False, kind="stable")
    return answer(request, margin_rows(frame.drop(columns="_day")))


# ----------------------------------------------------------------- fund_etf_scale_sse
serves("fund_etf_scale_sse", key=("date",), hosts=(HOST,), description="ETF产品列表-基金规模 of one day (STAT_DATE)")

ETF_SCALE_SQL = "COMMON_SSE_ZQPZ_ETFZL_XXPL_ETFGM_SEARCH_L"
SHARES_PER_UNIT = 10000  # the host publishes 万份; akshare multiplies by 10000 (fund_etf_sse.py, line 65)


@endpoint(HOST, COMMON_PATH, match=query_is(sqlId=ETF_SCALE_SQL))
def etf_scale(request: Request, data: Dataset) -> Response:
    """ETF shares of one day; fields in the host's order (akshare renames them, fund_etf_sse.py lines 42-52)."""
    day = compact_date(request.param("STAT_DATE") or "") or _latest_date(data, "fund_etf_scale_sse")
    frame = _table(data, "fund_etf_scale_sse", date=day) if day else None
    if frame is None:
        return answer(request, [])
    rows = [
        {
            "STAT_DATE": pd.Timestamp(row["统计日期"]).strftime("%Y-%m-%d"),
            "ETF_TYPE": row["ETF类型"],
            "SEC_CODE": str(row["基金代码"]),
            "NUM": str(row["序号"]),
            "SEC_NAME": row["基金简称"],
            "TOT_VOL": scaled_text(row["基金份额"], SHARES_PER_UNIT),
        }
        for row in frame.astype(object).to_dict("records")
    ]
    return answer(request, rows)


# ----------------------------------------------------------------- stock_sse_deal_daily
serves("stock_sse_deal_daily", key=("date",), hosts=(HOST,), description="每日股票情况 of one day (SEARCH_DATE)")

DEAL_DAILY_SQL = "COMMON_SSE_SJ_GPSJ_CJGK_MRGK_C"
# One record per product code, in the order akshare names the transposed columns
# (stock_summary.py, lines 277-305: 主板A, 主板B, 科创板, 股票回购, 股票).
_BOARDS = {"01": "主板A", "02": "主板B", "03": "科创板", "11": "股票回购", "17": "股票"}
# A record's fields in the host's order, which akshare labels by position (stock_summary.py,
# lines 316-328); TRADE_NUM and PRODUCT_CODE are the two it drops as "-", TRADE_DATE is 报告日期.
_DEAL_FIELDS = {
    "TOTAL_VALUE": "市价总值",
    "TRADE_VOL": "成交量",
    "AVG_PE_RATE": "平均市盈率",
    "TOTAL_TO_RATE": "换手率",
    "TRADE_AMT": "成交金额",
    "TRADE_NUM": None,
    "NEGO_VALUE": "流通市值",
    "NEGO_TO_RATE": "流通换手率",
    "TRADE_DATE": None,
    "LIST_NUM": "挂牌数",
    "PRODUCT_CODE": None,
}


def _present(frame: pd.DataFrame, column: str) -> bool:
    return column in frame.columns and not frame[column].map(is_missing).all()


def deal_daily_rows(frame: pd.DataFrame, day: str, codes: list[str]) -> list[dict[str, str]]:
    """The long table (one row per measure) as the host's wide records, one per board.

    股票回购 (11) is only answered on days the table has figures for it, 股票 (17) when it or 股票回购
    has figures: that is what gives akshare its 6-, 5- or 4-column layout.
    """
    measures = {str(m): row for m, row in zip(frame["单日情况"].astype(str), frame.to_dict("records"), strict=True)}
    answered = ["01", "02", "03"]
    if _present(frame, "股票回购"):
        answered += ["11", "17"]
    elif _present(frame, "股票"):
        answered += ["17"]
    rows = []
    for code in (c for c in answered if c in codes):
        board = _BOARDS[code]
        values = {m: measures.get(m, {}).get(board) for m in _DEAL_FIELDS.values() if m}
        listed = values["挂牌数"]
        record = {}
        for field, measure in _DEAL_FIELDS.items():
            if field == "TRADE_NUM":
                record[field] = NO_VALUE if is_missing(listed) else format(float(listed) / 10000, ".4f")
            elif field == "TRADE_DATE":
                record[field] = day
            elif field == "PRODUCT_CODE":
                record[field] = code
            elif field == "LIST_NUM" and not is_missing(listed) and float(listed).is_integer():
                record[field] = str(int(listed))
            else:
                record[field] = number_text(values[measure], as_float=True)
        rows.append(record)
    return rows


@endpoint(HOST, COMMON_PATH, match=query_is(sqlId=DEAL_DAILY_SQL))
def deal_daily(request: Request, data: Dataset) -> Response:
    day = compact_date(request.param("SEARCH_DATE") or "") or _latest_date(data, "stock_sse_deal_daily")
    frame = _table(data, "stock_sse_deal_daily", date=day) if day else None
    if frame is None or frame.empty:
        return answer(request, [])
    codes = [c.strip() for c in (request.param("PRODUCT_CODE") or ",".join(_BOARDS)).split(",")]
    return answer(request, deal_daily_rows(frame, day or "", codes))
