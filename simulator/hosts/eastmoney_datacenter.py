"""datacenter-web.eastmoney.com: Eastmoney's data-centre report API (``/api/data/v1/get``).

Every report is a JSON page: ``{"result": {"pages", "data", "count"}, "success", "code"}``,
selected by ``reportName``, narrowed by ``filter`` (conditions such as
``(TRADE_DATE='2023-04-14')(INTERVAL_TYPE="1")``: dates single-quoted, text double-quoted),
ordered by ``sortColumns``/``sortTypes`` and paged by ``pageNumber``/``pageSize``. An empty
result is ``{"result": null, "success": false, "message": "返回数据为空", "code": 9201}``.
Dates travel as ``"2023-04-14 00:00:00"``; missing numbers as ``null``.

Reports served (akshare 1.19.5 function -> reportName):

* ``macro_china_hgjck`` -> ``RPT_ECONOMY_CUSTOMS``
* ``stock_hsgt_hist_em`` -> ``RPT_MUTUAL_DEAL_HISTORY`` (one table per ``symbol``)
* ``stock_hsgt_hold_stock_em`` -> ``RPT_MUTUAL_STOCK_NORTHSTA`` (one table per ``indicator``;
  the trading date comes from data.eastmoney.com, see :mod:`simulator.hosts.eastmoney_data`)
* ``stock_margin_account_info`` -> ``RPTA_WEB_MARGIN_DAILYTRADE``
* ``stock_ggcg_em`` -> ``RPT_SHARE_HOLDER_INCREASE`` (one table; ``symbol`` is a ``DIRECTION``
  filter the host applies)
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import NotFound, Request, Response, endpoint, query_is, serves

HOST = "datacenter-web.eastmoney.com"
PATH = "/api/data/v1/get"

Row = dict[str, Any]


# ------------------------------------------------------------------ the report API's conventions


def missing(value: Any) -> bool:
    """True for None, NaN and NaT (what the API sends as ``null``)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def records(frame: pd.DataFrame) -> list[Row]:
    """Rows as JSON-ready dicts (NaN as null, as the API sends missing values)."""
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in frame.astype(object).to_dict("records")
    ]


def wire_datetime(value: Any) -> str | None:
    """A date as the API sends it: ``2023-04-14 00:00:00`` (what ``pd.to_datetime(...).dt.date`` reads back)."""
    if missing(value):
        return None
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")


def wire_number(value: Any) -> float | int | None:
    if missing(value):
        return None
    return value if isinstance(value, int) else float(value)


def undivided(value: Any, *divisors: float) -> float | None:
    """The wire number that akshare's divisions by ``divisors`` (in that order) turn back into ``value``.

    akshare scales some fields (e.g. ``/ 100`` from 百万元 to 亿元); the host sends the unscaled
    number, rounded as it rounds (the fewest decimals that still give ``value`` back exactly).
    """
    if missing(value):
        return None
    target = float(value)

    def scaled(wire: float) -> float:
        for divisor in divisors:
            wire = wire / divisor
        return wire

    wire = target * math.prod(divisors)
    for digits in range(16):
        candidate = round(wire, digits)
        if scaled(candidate) == target:
            return candidate
    below = above = wire  # no short decimal does: the nearest float that does
    for _ in range(64):
        below, above = math.nextafter(below, -math.inf), math.nextafter(above, math.inf)
        for candidate in (below, above):
            if scaled(candidate) == target:
                return candidate
    return wire


@dataclass(frozen=True)
class Condition:
    field: str
    op: str  # =, >=, <=, >, <, !=
    value: str

    def holds(self, row: Row) -> bool:
        value = row.get(self.field)
        if value is None:
            return False
        text = str(value)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.value):
            text = text[:10]  # a date condition compares the day of a "YYYY-MM-DD hh:mm:ss" field
        left: Any = text
        right: Any = self.value
        with contextlib.suppress(ValueError):
            left, right = float(text), float(self.value)
        return {
            "=": left == right,
            "!=": left != right,
            ">=": left >= right,
            "<=": left <= right,
            ">": left > right,
            "<": left < right,
        }[self.op]


_CONDITION = re.compile(r"\((\w+)\s*(>=|<=|!=|=|>|<)\s*(?:'([^']*)'|\"([^\"]*)\"|([^)]*))\)")


def conditions(request: Request) -> list[Condition]:
    """The ``filter`` parameter as conditions (``(FIELD="x")(DATE>='2023-01-01')`` ...)."""
    text = request.param("filter") or ""
    return [
        Condition(m.group(1), m.group(2), next(v for v in m.group(3, 4, 5) if v is not None))
        for m in _CONDITION.finditer(text)
    ]


def condition(request: Request, field: str) -> str | None:
    """The value an ``=`` condition of the filter requires for ``field`` (None if unconstrained)."""
    return next((c.value for c in conditions(request) if c.field == field and c.op == "="), None)


def sort_rows(request: Request, rows: list[Row]) -> list[Row]:
    """Rows in the order ``sortColumns``/``sortTypes`` ask for (``-1`` descending); nulls last."""
    columns = [c for c in (request.param("sortColumns") or "").split(",") if c]
    types = [t for t in (request.param("sortTypes") or "").split(",") if t]
    ordered = list(rows)
    for position in reversed(range(len(columns))):
        column = columns[position]
        descending = (types[position] if position < len(types) else "1").strip() == "-1"
        present = [r for r in ordered if r.get(column) is not None]
        absent = [r for r in ordered if r.get(column) is None]
        present.sort(key=lambda r: r[column], reverse=descending)
        ordered = present + absent
    return ordered


def report_page(request: Request, rows: list[Row]) -> Response:
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


def report(request: Request, rows: list[Row]) -> Response:
    """The rows that satisfy the request's filter, in its order, one page of them."""
    wanted = conditions(request)
    kept = [row for row in rows if all(c.holds(row) for c in wanted)]
    return report_page(request, sort_rows(request, kept))


def report_name(name: str) -> Callable[[Request], bool]:
    return query_is(reportName=name)


def encode(frame: pd.DataFrame, fields: dict[str, Callable[[Row, int], Any]]) -> list[Row]:
    """Each table row as a wire row: ``fields`` maps a wire field to a function of (table row, position)."""
    return [{field: make(row, i) for field, make in fields.items()} for i, row in enumerate(records(frame))]


def column(name: str, convert: Callable[[Any], Any] = wire_number) -> Callable[[Row, int], Any]:
    """A wire field holding table column ``name`` (converted for the wire)."""
    return lambda row, _i: convert(row.get(name))


def text(value: Any) -> str | None:
    return None if missing(value) else str(value)


def exchange_suffix(code: str) -> str:
    """``.SH``/``.SZ``/``.BJ`` of an A-share code, as SECUCODE fields carry it."""
    if code.startswith(("6", "9", "5")):
        return "SH"
    if code.startswith(("4", "8")):
        return "BJ"
    return "SZ"


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


@endpoint(HOST, PATH, match=report_name("RPT_ECONOMY_CUSTOMS"))
def customs(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/economic/macro_china.py::macro_china_hgjck``: one page of up to 2000 months,
    newest first (REPORT_DATE descending), renamed by field name; REPORT_DATE is dropped."""
    frame = data.get("macro_china_hgjck").rename(columns=_HGJCK)
    month = frame["TIME"].astype(str).str.extract(r"(\d{4})年(\d{2})月", expand=True)
    frame.insert(0, "REPORT_DATE", month[0] + "-" + month[1] + "-01 00:00:00")
    return report(request, records(frame[["REPORT_DATE", *_HGJCK.values()]]))


# ----------------------------------------------------------------- stock_hsgt_hist_em
serves(
    "stock_hsgt_hist_em",
    key=("symbol",),
    hosts=(HOST,),
    description="沪深港通历史数据 (RPT_MUTUAL_DEAL_HISTORY), one table per symbol",
)

# akshare's symbol_map: filter (MUTUAL_TYPE="00x")
HSGT_MUTUAL_TYPES = {
    "沪股通": "001",
    "港股通沪": "002",
    "深股通": "003",
    "港股通深": "004",
    "北向资金": "005",
    "南向资金": "006",
}


def hsgt_index_name(symbol: str) -> str:
    """The name akshare gives the index close column of ``symbol`` (stock_hsgt_em.py, after the paging loop)."""
    return {"北向资金": "沪深300", "沪股通": "上证指数", "深股通": "深证指数", "南向资金": "沪深300"}.get(
        symbol, "恒生指数"
    )


def _hsgt_fields(symbol: str, mutual_type: str) -> dict[str, Callable[[Row, int], Any]]:
    """Inverts akshare's scaling: amounts travel in 百万 (``/ 100`` to 亿); the cumulative net buy of
    北向/南向 in 百万 too, but akshare reports it in 万亿 (``/ 100 / 10000``)."""
    index = hsgt_index_name(symbol)
    accumulated = (100,) if symbol in ("沪股通", "深股通") else (100, 10000)

    def hundreds(name: str, *divisors: float) -> Callable[[Row, int], Any]:
        return lambda row, _i: undivided(row.get(name), *divisors)

    return {
        "MUTUAL_TYPE": lambda _row, _i: mutual_type,
        "TRADE_DATE": column("日期", wire_datetime),
        "FUND_INFLOW": hundreds("当日资金流入", 100),
        "NET_DEAL_AMT": hundreds("当日成交净买额", 100),
        "QUOTA_BALANCE": hundreds("当日余额", 100),
        "ACCUM_DEAL_AMT": hundreds("历史累计净买额", *accumulated),
        "BUY_AMT": hundreds("买入成交额", 100),
        "SELL_AMT": hundreds("卖出成交额", 100),
        "LEAD_STOCKS_CODE": column("领涨股-代码", text),
        "LEAD_STOCKS_NAME": column("领涨股", text),
        "LS_CHANGE_RATE": column("领涨股-涨跌幅"),
        "INDEX_CLOSE_PRICE": column(index),
        "INDEX_CHANGE_RATE": column(f"{index}-涨跌幅"),
        "HOLD_MARKET_CAP": column("持股市值"),
        # fields akshare drops
        "DEAL_AMT": lambda row, _i: _sum_or_none(
            undivided(row.get("买入成交额"), 100), undivided(row.get("卖出成交额"), 100)
        ),
        "INDEX_CODE": lambda _row, _i: {"沪深300": "000300", "上证指数": "000001", "深证指数": "399001"}.get(
            index, "HSI"
        ),
    }


def _sum_or_none(*values: float | None) -> float | None:
    return None if any(v is None for v in values) else round(sum(v for v in values if v is not None), 4)


@endpoint(HOST, PATH, match=report_name("RPT_MUTUAL_DEAL_HISTORY"))
def mutual_deal_history(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/stock_feature/stock_hsgt_em.py::stock_hsgt_hist_em`` (renames by field name)."""
    mutual_type = condition(request, "MUTUAL_TYPE")
    symbol = next((s for s, t in HSGT_MUTUAL_TYPES.items() if t == mutual_type), None)
    if symbol is None:
        return report_page(request, [])
    rows = encode(data.get("stock_hsgt_hist_em", symbol=symbol), _hsgt_fields(symbol, mutual_type or ""))
    return report(request, rows)


# ----------------------------------------------------------------- stock_hsgt_hold_stock_em
serves(
    "stock_hsgt_hold_stock_em",
    key=("indicator",),
    hosts=(HOST, "data.eastmoney.com"),
    description="沪深港通持股-个股排行 (RPT_MUTUAL_STOCK_NORTHSTA), one table per indicator; market filters it",
)

HOLD_INTERVALS = {
    "今日排行": "1",
    "3日排行": "3",
    "5日排行": "5",
    "10日排行": "10",
    "月排行": "M",
    "季排行": "Q",
    "年排行": "Y",
}


def _hold_fields(indicator: str) -> dict[str, Callable[[Row, int], Any]]:
    """The 43 fields of a RPT_MUTUAL_STOCK_NORTHSTA row in the order akshare assigns its column names
    by position (``big_df.columns = ["序号", "_", "_", "日期", ...]`` after ``reset_index``)."""
    added = indicator.split("排")[0]  # akshare's column prefix: 今日, 5日, 月 ...

    def code(row: Row) -> str:
        return str(row.get("代码") or "")

    def derived(make: Callable[[Row], Any]) -> Callable[[Row, int], Any]:
        return lambda row, _i: make(row)

    return {
        "SECUCODE": derived(lambda r: f"{code(r)}.{exchange_suffix(code(r))}"),
        "SECURITY_INNER_CODE": derived(lambda r: f"100{code(r)}"),
        "TRADE_DATE": column("日期", wire_datetime),
        "ORG_CODE": derived(lambda r: f"10{code(r)}"),
        "SECURITY_NAME": column("名称", text),
        "INTERVAL_TYPE": derived(lambda _r: HOLD_INTERVALS[indicator]),
        "MUTUAL_TYPE": derived(lambda r: "001" if exchange_suffix(code(r)) == "SH" else "003"),
        "SECURITY_CODE": derived(code),
        "BOARD_CODE": derived(lambda _r: None),
        "PARTICIPANT_NUM": derived(lambda _r: None),
        "A_SHARES_RATIO": column("今日持股-占总股本比"),
        "HOLD_SHARES_RATIO": column("今日持股-占总股本比"),
        "HOLD_SHARES": column("今日持股-股数"),
        "HOLD_MARKET_CAP": column("今日持股-市值"),
        "FREE_SHARES_RATIO": column("今日持股-占流通股比"),
        "TOTAL_SHARES_RATIO": column("今日持股-占总股本比"),
        "CLOSE_PRICE": column("今日收盘价"),
        "CHANGE_RATE": column("今日涨跌幅"),
        "BOARD_TYPE": derived(lambda _r: "5"),
        "INDUSTRY_NAME": column("所属板块", text),
        "FREECAP": derived(lambda _r: None),
        "TOTAL_MARKET_CAP": derived(lambda _r: None),
        "FREE_SHARES": derived(lambda _r: None),
        "TOTAL_SHARES": derived(lambda _r: None),
        "HOLD_SHARES_LAST": derived(lambda _r: None),
        "HOLD_MARKET_CAP_LAST": derived(lambda _r: None),
        "ORG_QUANTITY": derived(lambda _r: None),
        "ORG_QUANTITY_LAST": derived(lambda _r: None),
        "IS_NEW": derived(lambda _r: "0"),
        "EFFECTIVE_DATE": column("日期", wire_datetime),
        "ADD_MARKET_CAP": column(f"{added}增持估计-市值"),
        "ADD_SHARES_REPAIR": column(f"{added}增持估计-股数"),
        "ADD_SHARES_AMP": column(f"{added}增持估计-市值增幅"),
        "FREECAP_RATIO_CHG": column(f"{added}增持估计-占流通股比"),
        "TOTAL_RATIO_CHG": column(f"{added}增持估计-占总股本比"),
        "HOLD_MARKETCAP_CHG1": derived(lambda _r: None),
        "HOLD_MARKETCAP_CHG5": derived(lambda _r: None),
        "HOLD_MARKETCAP_CHG10": derived(lambda _r: None),
        "ADD_SHARES_RATIO": derived(lambda _r: None),
        "INDUSTRY_CODE": derived(lambda _r: None),
        "MARKET_CODE": derived(lambda r: "1" if exchange_suffix(code(r)) == "SH" else "0"),
        "SECURITY_TYPE_CODE": derived(lambda _r: "058001001"),
        "UPDATE_DATE": column("日期", wire_datetime),
    }


@endpoint(HOST, PATH, match=report_name("RPT_MUTUAL_STOCK_NORTHSTA"))
def mutual_stock_northsta(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/stock_feature/stock_hsgt_em.py::stock_hsgt_hold_stock_em``: rows for the
    requested TRADE_DATE and INTERVAL_TYPE (and MUTUAL_TYPE 001/003 for 沪股通/深股通), by
    ADD_MARKET_CAP descending; akshare numbers them 1..n as 序号."""
    interval = condition(request, "INTERVAL_TYPE")
    indicator = next((name for name, code in HOLD_INTERVALS.items() if code == interval), None)
    if indicator is None:
        return report_page(request, [])
    rows = encode(data.get("stock_hsgt_hold_stock_em", indicator=indicator), _hold_fields(indicator))
    return report(request, rows)


def latest_hold_date(data: Dataset) -> str:
    """The holding date data.eastmoney.com shows: the newest date of any indicator's table, or
    today (Shanghai) when the tables hold no rows (the host then has nothing for that date)."""
    tables = data.tables("stock_hsgt_hold_stock_em")
    if not tables:
        raise NotFound("no table for stock_hsgt_hold_stock_em")
    dates = [pd.Timestamp(value) for _params, frame in tables for value in frame.get("日期", pd.Series()).dropna()]
    if not dates:
        return pd.Timestamp.now(tz="Asia/Shanghai").strftime("%Y-%m-%d")
    return max(dates).strftime("%Y-%m-%d")


# ----------------------------------------------------------------- stock_margin_account_info
serves("stock_margin_account_info", hosts=(HOST,), description="两融账户信息 (RPTA_WEB_MARGIN_DAILYTRADE)")

_MARGIN = {
    "STATISTICS_DATE": "日期",
    "FIN_BALANCE": "融资余额",
    "LOAN_BALANCE": "融券余额",
    "FIN_BUY_AMT": "融资买入额",
    "LOAN_SELL_AMT": "融券卖出额",
    "SECURITY_ORG_NUM": "证券公司数量",
    "OPERATEDEPT_NUM": "营业部数量",
    "PERSONAL_INVESTOR_NUM": "个人投资者数量",
    "ORG_INVESTOR_NUM": "机构投资者数量",
    "INVESTOR_NUM": "参与交易的投资者数量",
    "MARGINLIAB_INVESTOR_NUM": "有融资融券负债的投资者数量",
    "TOTAL_GUARANTEE": "担保物总价值",
    "AVG_GUARANTEE_RATIO": "平均维持担保比例",
}


def _margin_fields() -> dict[str, Callable[[Row, int], Any]]:
    fields: dict[str, Callable[[Row, int], Any]] = {
        wire: column(name, wire_datetime if wire == "STATISTICS_DATE" else wire_number)
        for wire, name in _MARGIN.items()
    }
    # fields akshare drops
    fields["TOTAL_BALANCE"] = lambda row, _i: _sum_or_none(
        wire_number(row.get("融资余额")), wire_number(row.get("融券余额"))
    )
    fields["STATISTICS_TYPE"] = lambda _row, _i: "1"
    return fields


@endpoint(HOST, PATH, match=report_name("RPTA_WEB_MARGIN_DAILYTRADE"))
def margin_daily_trade(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/stock_feature/stock_margin_em.py::stock_margin_account_info`` (no scaling;
    renamed by field name, sorted by akshare itself)."""
    return report(request, encode(data.get("stock_margin_account_info"), _margin_fields()))


# ----------------------------------------------------------------- stock_ggcg_em
serves(
    "stock_ggcg_em",
    hosts=(HOST,),
    description="股东增减持 (RPT_SHARE_HOLDER_INCREASE); symbol 股东增持/股东减持 is a DIRECTION filter",
)


def _ggcg_fields() -> dict[str, Callable[[Row, int], Any]]:
    """The 24 fields of a RPT_SHARE_HOLDER_INCREASE row in the order akshare names them by position
    (``big_df.columns = ["持股变动信息-变动数量", "公告日", "代码", ...]``). The quote fields
    NEWEST_PRICE and CHANGE_RATE_QUOTES come from ``quoteColumns`` and are ``"-"`` without a quote."""

    def quote(name: str) -> Callable[[Row, int], Any]:
        return lambda row, _i: "-" if missing(row.get(name)) else wire_number(row.get(name))

    def eitime(row: Row, position: int) -> str | None:
        # entry time: later rows of the table were entered earlier, so the host's descending sort
        # on (END_DATE, SECURITY_CODE, EITIME) keeps the table's order among equal keys
        notice = row.get("公告日")
        if missing(notice):
            return None
        return (pd.Timestamp(notice) + timedelta(hours=20) - timedelta(seconds=position)).strftime("%Y-%m-%d %H:%M:%S")

    def code(row: Row) -> str:
        return str(row.get("代码") or "")

    return {
        "CHANGE_NUM": column("持股变动信息-变动数量"),
        "NOTICE_DATE": column("公告日", wire_datetime),
        "SECURITY_CODE": column("代码", text),
        "HOLDER_NAME": column("股东名称", text),
        "CHANGE_RATE": column("持股变动信息-占总股本比例"),
        "TRADE_AVERAGE_PRICE": lambda _row, _i: None,
        "SECUCODE": lambda row, _i: f"{code(row)}.{exchange_suffix(code(row))}",
        "END_DATE": column("变动截止日", wire_datetime),
        "CHANGE_REASON": lambda _row, _i: "竞价交易",
        "AFTER_HOLDER_NUM": column("变动后持股情况-持股总数"),
        "HOLD_RATIO": column("变动后持股情况-占总股本比例"),
        "HOLDER_TYPE": lambda _row, _i: None,
        "FREE_SHARES_RATIO": column("变动后持股情况-占流通股比例"),
        "FREE_SHARES": column("变动后持股情况-持流通股数"),
        "ORG_CODE": lambda row, _i: f"10{code(row)}",
        "SECURITY_NAME_ABBR": column("名称", text),
        "DIRECTION": column("持股变动信息-增减", text),
        "MARKET": lambda row, _i: exchange_suffix(code(row)),
        "CHANGE_FREE_RATIO": column("持股变动信息-占流通股比例"),
        "START_DATE": column("变动开始日", wire_datetime),
        "EITIME": eitime,
        "NEWEST_PRICE": quote("最新价"),
        "CHANGE_RATE_QUOTES": quote("涨跌幅"),
        "SECURITY_TYPE_CODE": lambda _row, _i: "058001001",
    }


@endpoint(HOST, PATH, match=report_name("RPT_SHARE_HOLDER_INCREASE"))
def share_holder_increase(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/stock_feature/stock_gdzjc_em.py::stock_ggcg_em``: 500 rows a page, ordered by
    END_DATE, SECURITY_CODE, EITIME descending, filtered by DIRECTION for 股东增持/股东减持."""
    return report(request, encode(data.get("stock_ggcg_em"), _ggcg_fields()))
