"""datacenter-web.eastmoney.com: Eastmoney's data-centre report API (``/api/data/v1/get``).

The report format (JSON pages, ``filter``, ``sortColumns``, paging, the empty answer) is in
:mod:`simulator.hosts.eastmoney_reports`. Reports served (akshare 1.19.5 function -> reportName):

* ``macro_china_hgjck`` -> ``RPT_ECONOMY_CUSTOMS``
* ``stock_hsgt_hist_em`` -> ``RPT_MUTUAL_DEAL_HISTORY`` (one table per ``symbol``)
* ``stock_hsgt_hold_stock_em`` -> ``RPT_MUTUAL_STOCK_NORTHSTA`` (one table per ``indicator``;
  ``market`` is a MUTUAL_TYPE filter; the trading date comes from data.eastmoney.com, see
  :mod:`simulator.hosts.eastmoney_data`)
* ``stock_margin_account_info`` -> ``RPTA_WEB_MARGIN_DAILYTRADE``
* ``stock_ggcg_em`` -> ``RPT_SHARE_HOLDER_INCREASE`` (one table; ``symbol`` 股东增持/股东减持 is a
  DIRECTION filter the host applies)
* ``macro_usa_cpi_yoy`` -> ``RPT_ECONOMICVALUE_USA`` filtered by ``INDICATOR_ID="EMG00000733"``

Fields akshare drops are sent too, with plausible values, so that akshare's own selection (by
name or, for RPT_MUTUAL_STOCK_NORTHSTA and RPT_SHARE_HOLDER_INCREASE, by position) runs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from simulator.dataset import Dataset
from simulator.hosts.eastmoney_reports import (
    Fields,
    codes,
    condition,
    constant,
    day,
    exchange,
    number,
    quote,
    records,
    report,
    report_page,
    secucode,
    sort_rows,
    text,
    wire_frame,
)
from simulator.wire import NotFound, Request, Response, endpoint, query_is, serves

HOST = "datacenter-web.eastmoney.com"
PATH = "/api/data/v1/get"

__all__ = ["HOST", "PATH", "latest_hold_date", "records", "report_page"]


def report_name(name: str) -> Callable[[Request], bool]:
    return query_is(reportName=name)


def encoder(fields: Fields) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: wire_frame(frame, fields)


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


def _customs_rows(table: pd.DataFrame) -> pd.DataFrame:
    frame = table.rename(columns=_HGJCK)
    month = frame["TIME"].astype(str).str.extract(r"(\d{4})年(\d{2})月", expand=True)
    frame.insert(0, "REPORT_DATE", month[0] + "-" + month[1] + "-01 00:00:00")
    return frame[["REPORT_DATE", *_HGJCK.values()]]


@endpoint(HOST, PATH, match=report_name("RPT_ECONOMY_CUSTOMS"))
def customs(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/economic/macro_china.py::macro_china_hgjck``: one page of up to 2000 months,
    newest first (REPORT_DATE descending), renamed by field name; REPORT_DATE is dropped."""
    return report(request, data, "macro_china_hgjck", _customs_rows)


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
_HSGT_INDEX = {"北向资金": "沪深300", "沪股通": "上证指数", "深股通": "深证指数", "南向资金": "沪深300"}
_INDEX_CODES = {"沪深300": "000300", "上证指数": "000001", "深证指数": "399001", "恒生指数": "HSI"}


def hsgt_index_name(symbol: str) -> str:
    """The name akshare gives the index close column of ``symbol`` (stock_hsgt_hist_em, after its paging loop)."""
    return _HSGT_INDEX.get(symbol, "恒生指数")


def _hsgt_fields(symbol: str) -> Fields:
    """Inverts akshare's scaling: amounts travel in 百万 (``/ 100`` gives 亿); the cumulative net buy
    of 北向资金/南向资金 too, but akshare reports it in 万亿 (``/ 100 / 10000``)."""
    index = hsgt_index_name(symbol)
    accumulated = (100,) if symbol in ("沪股通", "深股通") else (100, 10000)

    def deal_amount(frame: pd.DataFrame) -> list[float | None]:  # dropped by akshare
        buy, sell = (pd.Series(number(name, 100)(frame), dtype=float) for name in ("买入成交额", "卖出成交额"))
        total = (buy + sell).round(4)
        return total.astype(object).where(total.notna(), None).tolist()

    return {
        "MUTUAL_TYPE": constant(HSGT_MUTUAL_TYPES[symbol]),
        "TRADE_DATE": day("日期"),
        "FUND_INFLOW": number("当日资金流入", 100),
        "NET_DEAL_AMT": number("当日成交净买额", 100),
        "QUOTA_BALANCE": number("当日余额", 100),
        "ACCUM_DEAL_AMT": number("历史累计净买额", *accumulated),
        "BUY_AMT": number("买入成交额", 100),
        "SELL_AMT": number("卖出成交额", 100),
        "LEAD_STOCKS_CODE": text("领涨股-代码"),
        "LEAD_STOCKS_NAME": text("领涨股"),
        "LS_CHANGE_RATE": number("领涨股-涨跌幅"),
        "INDEX_CLOSE_PRICE": number(index),
        "INDEX_CHANGE_RATE": number(f"{index}-涨跌幅"),
        "HOLD_MARKET_CAP": number("持股市值"),
        "DEAL_AMT": deal_amount,
        "INDEX_CODE": constant(_INDEX_CODES[index]),
    }


@endpoint(HOST, PATH, match=report_name("RPT_MUTUAL_DEAL_HISTORY"))
def mutual_deal_history(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/stock_feature/stock_hsgt_em.py::stock_hsgt_hist_em``: 1000 days a page,
    newest first, renamed by field name (akshare sorts oldest first itself)."""
    mutual_type = condition(request, "MUTUAL_TYPE")
    symbol = next((s for s, t in HSGT_MUTUAL_TYPES.items() if t == mutual_type), None)
    if symbol is None:
        return report_page(request, [])
    return report(request, data, "stock_hsgt_hist_em", encoder(_hsgt_fields(symbol)), symbol=symbol)


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


def _hold_fields(indicator: str) -> Fields:
    """The 43 fields of a RPT_MUTUAL_STOCK_NORTHSTA row in the order akshare names them by position
    (``big_df.columns = ["序号", "_", "_", "日期", ...]`` after ``reset_index``); holdings in 万股
    and 万元 as akshare passes them on. MUTUAL_TYPE is 001 for Shanghai stocks, 003 for Shenzhen."""
    added = indicator.split("排")[0]  # akshare's column prefix: 今日, 5日, 月 ...

    def by_exchange(shanghai: str, shenzhen: str) -> Callable[[pd.DataFrame], list[str]]:
        return lambda frame: np.where(exchange(codes(frame)) == "SH", shanghai, shenzhen).tolist()

    return {
        "SECUCODE": secucode,
        "SECURITY_INNER_CODE": lambda frame: ("100" + codes(frame)).tolist(),
        "TRADE_DATE": day("日期"),
        "ORG_CODE": lambda frame: ("10" + codes(frame)).tolist(),
        "SECURITY_NAME": text("名称"),
        "INTERVAL_TYPE": constant(HOLD_INTERVALS[indicator]),
        "MUTUAL_TYPE": by_exchange("001", "003"),
        "SECURITY_CODE": text("代码"),
        "BOARD_CODE": constant(None),
        "PARTICIPANT_NUM": constant(None),
        "A_SHARES_RATIO": number("今日持股-占总股本比"),
        "HOLD_SHARES_RATIO": number("今日持股-占总股本比"),
        "HOLD_SHARES": number("今日持股-股数"),
        "HOLD_MARKET_CAP": number("今日持股-市值"),
        "FREE_SHARES_RATIO": number("今日持股-占流通股比"),
        "TOTAL_SHARES_RATIO": number("今日持股-占总股本比"),
        "CLOSE_PRICE": number("今日收盘价"),
        "CHANGE_RATE": number("今日涨跌幅"),
        "BOARD_TYPE": constant("5"),
        "INDUSTRY_NAME": text("所属板块"),
        "FREECAP": constant(None),
        "TOTAL_MARKET_CAP": constant(None),
        "FREE_SHARES": constant(None),
        "TOTAL_SHARES": constant(None),
        "HOLD_SHARES_LAST": constant(None),
        "HOLD_MARKET_CAP_LAST": constant(None),
        "ORG_QUANTITY": constant(None),
        "ORG_QUANTITY_LAST": constant(None),
        "IS_NEW": constant("0"),
        "EFFECTIVE_DATE": day("日期"),
        "ADD_MARKET_CAP": number(f"{added}增持估计-市值"),
        "ADD_SHARES_REPAIR": number(f"{added}增持估计-股数"),
        "ADD_SHARES_AMP": number(f"{added}增持估计-市值增幅"),
        "FREECAP_RATIO_CHG": number(f"{added}增持估计-占流通股比"),
        "TOTAL_RATIO_CHG": number(f"{added}增持估计-占总股本比"),
        "HOLD_MARKETCAP_CHG1": constant(None),
        "HOLD_MARKETCAP_CHG5": constant(None),
        "HOLD_MARKETCAP_CHG10": constant(None),
        "ADD_SHARES_RATIO": constant(None),
        "INDUSTRY_CODE": constant(None),
        "MARKET_CODE": by_exchange("1", "0"),
        "SECURITY_TYPE_CODE": constant("058001001"),
        "UPDATE_DATE": day("日期"),
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
    return report(request, data, "stock_hsgt_hold_stock_em", encoder(_hold_fields(indicator)), indicator=indicator)


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


def _margin_fields() -> Fields:
    """No scaling: akshare renames by field name and converts with ``pd.to_numeric``."""

    def total_balance(frame: pd.DataFrame) -> list[float | None]:  # dropped by akshare
        total = (
            pd.Series(number("融资余额")(frame), dtype=float) + pd.Series(number("融券余额")(frame), dtype=float)
        ).round(2)
        return total.astype(object).where(total.notna(), None).tolist()

    return {
        "STATISTICS_DATE": day("日期"),
        **{wire: number(name) for wire, name in _MARGIN.items()},
        "TOTAL_BALANCE": total_balance,
        "STATISTICS_TYPE": constant("1"),
    }


@endpoint(HOST, PATH, match=report_name("RPTA_WEB_MARGIN_DAILYTRADE"))
def margin_daily_trade(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/stock_feature/stock_margin_em.py::stock_margin_account_info``: 500 days a
    page, newest first (akshare sorts oldest first itself)."""
    return report(request, data, "stock_margin_account_info", encoder(_margin_fields()))


# ----------------------------------------------------------------- stock_ggcg_em
serves(
    "stock_ggcg_em",
    hosts=(HOST,),
    description="股东增减持 (RPT_SHARE_HOLDER_INCREASE); symbol 股东增持/股东减持 is a DIRECTION filter",
)


def _entry_times(frame: pd.DataFrame) -> list[str | None]:
    """EITIME, the time a change was entered: the announcement evening, later rows of the table a
    second earlier each, so that the host's descending sort on (END_DATE, SECURITY_CODE, EITIME)
    keeps the table's order among equal keys."""
    notices = pd.to_datetime(frame["公告日"].astype(object), errors="coerce") if "公告日" in frame else None
    if notices is None:
        return [None] * len(frame)
    entered = notices + pd.Timedelta(hours=20) - pd.to_timedelta(np.arange(len(frame)), unit="s")
    return entered.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object).where(entered.notna(), None).tolist()


def _ggcg_fields() -> Fields:
    """The 24 fields of a RPT_SHARE_HOLDER_INCREASE row in the order akshare names them by position
    (``big_df.columns = ["持股变动信息-变动数量", "公告日", "代码", ...]``). NEWEST_PRICE and
    CHANGE_RATE_QUOTES come from ``quoteColumns`` and are ``"-"`` without a quote."""
    return {
        "CHANGE_NUM": number("持股变动信息-变动数量"),
        "NOTICE_DATE": day("公告日"),
        "SECURITY_CODE": text("代码"),
        "HOLDER_NAME": text("股东名称"),
        "CHANGE_RATE": number("持股变动信息-占总股本比例"),
        "TRADE_AVERAGE_PRICE": constant(None),
        "SECUCODE": secucode,
        "END_DATE": day("变动截止日"),
        "CHANGE_REASON": constant("竞价交易"),
        "AFTER_HOLDER_NUM": number("变动后持股情况-持股总数"),
        "HOLD_RATIO": number("变动后持股情况-占总股本比例"),
        "HOLDER_TYPE": constant(None),
        "FREE_SHARES_RATIO": number("变动后持股情况-占流通股比例"),
        "FREE_SHARES": number("变动后持股情况-持流通股数"),
        "ORG_CODE": lambda frame: ("10" + codes(frame)).tolist(),
        "SECURITY_NAME_ABBR": text("名称"),
        "DIRECTION": text("持股变动信息-增减"),
        "MARKET": lambda frame: exchange(codes(frame)).tolist(),
        "CHANGE_FREE_RATIO": number("持股变动信息-占流通股比例"),
        "START_DATE": day("变动开始日"),
        "EITIME": _entry_times,
        "NEWEST_PRICE": quote("最新价"),
        "CHANGE_RATE_QUOTES": quote("涨跌幅"),
        "SECURITY_TYPE_CODE": constant("058001001"),
    }


@endpoint(HOST, PATH, match=report_name("RPT_SHARE_HOLDER_INCREASE"))
def share_holder_increase(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/stock_feature/stock_gdzjc_em.py::stock_ggcg_em``: 500 rows a page, ordered by
    END_DATE, SECURITY_CODE, EITIME descending, filtered by DIRECTION for 股东增持/股东减持."""
    return report(request, data, "stock_ggcg_em", encoder(_ggcg_fields()))


# ----------------------------------------------------------------- macro_usa_cpi_yoy
serves("macro_usa_cpi_yoy", hosts=(HOST,), description="美国CPI年率 (RPT_ECONOMICVALUE_USA, EMG00000733)")

US_CPI_YOY = "EMG00000733"


def _usa_cpi_fields() -> Fields:
    """akshare keeps REPORT_DATE, PUBLISH_DATE, VALUE and PRE_VALUE by name (``pd.DataFrame(data_list,
    columns=[...])``); the indicator fields around them are the host's."""
    return {
        "REPORT_DATE": day("时间"),
        "INDICATOR_ID": constant(US_CPI_YOY),
        "INDICATOR_NAME": constant("CPI年率"),
        "PUBLISH_DATE": day("发布日期"),
        "VALUE": number("现值"),
        "PRE_VALUE": number("前值"),
        "COUNTRY": constant("美国"),
    }


@endpoint(HOST, PATH, match=report_name("RPT_ECONOMICVALUE_USA"))
def usa_economic_value(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/economic/macro_usa.py::macro_usa_cpi_yoy``: one request filtered by
    INDICATOR_ID, REPORT_DATE descending, without ``pageSize``; akshare neither pages nor sends a
    size and documents the whole series since 2008, so a request without ``pageSize`` is answered
    with every row in one page. Indicators other than the CPI yoy are not simulated (empty answer)."""
    if condition(request, "INDICATOR_ID") != US_CPI_YOY:
        return report_page(request, [])
    if request.param("pageSize"):
        return report(request, data, "macro_usa_cpi_yoy", encoder(_usa_cpi_fields()))
    rows = data.derived(
        "macro_usa_cpi_yoy",
        "usa_cpi_yoy|" + (request.param("sortColumns") or "") + (request.param("sortTypes") or ""),
        lambda frame: records(sort_rows(request, wire_frame(frame, _usa_cpi_fields()))),
    )
    if not rows:
        return report_page(request, [])
    result = {"pages": 1, "data": rows, "count": len(rows)}
    return Response.json({"version": "1", "result": result, "success": True, "message": "ok", "code": 0})
