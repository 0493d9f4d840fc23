"""A small, hand-made landing zone covering every registered source, for the dbt model tests.

``land_fixture(root)`` lands one or more loads per source in the source's own raw shape (Chinese
columns, akshare units) with chosen fetch/availability moments, so the tests in
``test_dbt_models.py`` can check each mart figure against a number computed by hand here. The
values are invented (they are fixtures, not data); the expected figures are in ``EXPECTED``.

A fixture module, not a test module (no ``test_`` prefix): it sits beside the tests it serves.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from ingestion.landing import land_frame
from ingestion.registry import get_source

from .conftest import trading_calendar_frame

CST = timezone(timedelta(hours=8))
AS_OF = datetime(2023, 4, 14, 20, 0, tzinfo=CST)  # report moment of 2023-W15
W15 = [date(2023, 4, d) for d in (10, 11, 12, 13, 14)]
W14 = [date(2023, 4, d) for d in (3, 4, 6, 7)]  # 2023-04-05 清明节
W13 = [date(2023, 3, d) for d in (27, 28, 29, 30, 31)]


def cst(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=CST)


def trading_days(start: date, end: date) -> list[date]:
    cal = trading_calendar_frame()["trade_date"]
    return [d for d in cal if start <= d <= end]


def _land(
    source: str, frame: pd.DataFrame, root: Path, available: datetime, params: dict[str, Any] | None = None
) -> None:
    src = get_source(source)
    full = {**src.params, **(params or {})}
    land_frame(src, frame, full, origin="test", fetched_at=available, available_at=available, root=root)


# ------------------------------------------------------------------ expected figures (hand-computed)
def index_close(code: str, day: date) -> float:
    """Closes: a straight line per index plus chosen values on the days the tests look at."""
    chosen = {
        ("000300", date(2022, 12, 30)): 3871.63,
        ("000300", date(2023, 3, 31)): 4050.93,
        ("000300", date(2023, 4, 7)): 4077.94,
        ("000300", date(2023, 4, 14)): 4046.94,
        ("000985", date(2022, 12, 30)): 5100.00,
        ("000985", date(2023, 4, 7)): 5300.00,
        ("000985", date(2023, 4, 14)): 5271.38,
    }
    base = {"000300": 4000.0, "000985": 5200.0, "399006": 2300.0}[code]
    return chosen.get((code, day), base + (day - date(2023, 1, 1)).days * 0.5)


EXPECTED = {
    "csi300_weekly_return": (4046.94 / 4077.94 - 1) * 100,
    "csi300_prev_weekly_return": (4077.94 / 4050.93 - 1) * 100,
    "csi300_ytd_return": (4046.94 / 3871.63 - 1) * 100,
    "all_a_weekly_return": (5271.38 / 5300.00 - 1) * 100,
}


# ------------------------------------------------------------------ sources
def land_calendar(root: Path) -> None:
    _land("tool_trade_date_hist_sina", trading_calendar_frame(), root, cst(2021, 1, 1))


def land_index_prices(root: Path) -> None:
    days = trading_days(date(2022, 12, 1), date(2023, 4, 14))
    for code in ("000300", "000985", "399006"):
        closes = [index_close(code, d) for d in days]
        frame = pd.DataFrame(
            {
                "日期": days,
                "开盘": closes,
                "收盘": closes,
                "最高": closes,
                "最低": closes,
                "成交量": [1e8] * len(days),
                "成交额": [2e11] * len(days),
                "振幅": [1.0] * len(days),
                "涨跌幅": [0.1] * len(days),
                "涨跌额": [1.0] * len(days),
                "换手率": [0.5] * len(days),
            }
        )
        _land(
            "index_zh_a_hist",
            frame,
            root,
            cst(2023, 4, 14, 16, 30),
            {"symbol": code, "start_date": "20221201", "end_date": "20230414"},
        )


def land_turnover(root: Path) -> None:
    """SSE 股票 成交金额 (亿元) and SZSE 股票 成交金额 (元), one load per day (per_date)."""
    sse = dict(zip(W14 + W15, [4000, 4100, 4200, 4300, 4500, 4600, 4700, 4800, 4900], strict=True))
    szse = dict(zip(W14 + W15, [6000, 6100, 6200, 6300, 6500, 6600, 6700, 6800, 6900], strict=True))
    for day in W14 + W15:
        frame = pd.DataFrame(
            {
                "单日情况": ["挂牌数", "成交金额"],
                "股票": [2200.0, float(sse[day])],
                "主板A": [1700.0, sse[day] * 0.8],
                "主板B": [40.0, 1.0],
                "科创板": [500.0, sse[day] * 0.2],
                "股票回购": [0.0, 0.0],
            }
        )
        _land("stock_sse_deal_daily", frame, root, cst(day.year, day.month, day.day, 17, 30), {"date": f"{day:%Y%m%d}"})
        if day == date(2023, 4, 14):
            continue  # SZSE has not published Friday: the day must not count
        frame = pd.DataFrame(
            {
                "证券类别": ["股票", "基金"],
                "数量": [2800, 900],
                "成交金额": [szse[day] * 1e8, 3e10],
                "总市值": [3e13, 1e12],
                "流通市值": [2.5e13, 1e12],
            }
        )
        _land("stock_szse_summary", frame, root, cst(day.year, day.month, day.day, 17, 30), {"date": f"{day:%Y%m%d}"})
    EXPECTED["turnover_w15"] = sum(sse[d] + szse[d] for d in W15[:4]) / 4
    EXPECTED["turnover_w14"] = sum(sse[d] + szse[d] for d in W14) / 4
    EXPECTED["turnover_w15_days"] = 4


def land_shenwan(root: Path) -> None:
    names = {"801010": "农林牧渔", "801050": "有色金属", "801760": "传媒"}
    for publish, moves in ((date(2023, 4, 7), [1.0, -2.0, 3.0]), (date(2023, 4, 14), [-0.5, 2.5, 1.5])):
        frame = pd.DataFrame(
            {
                "指数代码": list(names),
                "指数名称": list(names.values()),
                "发布日期": [publish] * 3,
                "收盘指数": [3000.0, 4000.0, 800.0],
                "成交量": [10.0, 20.0, 30.0],
                "涨跌幅": moves,
                "换手率": [1.0, 2.0, 3.0],
                "市盈率": [20.0, 15.0, 40.0],
                "市净率": [2.0, 1.5, 3.0],
                "均价": [10.0, 12.0, 8.0],
                "成交额占比": [1.0, 3.0, 5.0],
                "流通市值": [1e4, 2e4, 1.5e4],
                "平均流通市值": [100.0, 150.0, 80.0],
                "股息率": [1.0, 2.0, 0.5],
            }
        )
        _land(
            "index_analysis_weekly_sw",
            frame,
            root,
            cst(publish.year, publish.month, publish.day, 19),
            {"date": f"{publish:%Y%m%d}"},
        )
    # daily: PE history over 2021-2023 for the three industries (a rising line; 传媒 drops at the end)
    days = trading_days(date(2021, 1, 4), date(2023, 4, 14))
    rows = []
    for i, day in enumerate(days):
        for j, (code, name) in enumerate(names.items()):
            pe = 10.0 + j + i * 0.01
            if code == "801760" and day >= date(2023, 4, 10):
                pe = 5.0 + (day - date(2023, 4, 10)).days * 0.1
            rows.append([code, name, day, 1000.0, 1.0, 0.1, 1.0, pe, pe / 10, 10.0, 1.0, 1e4, 100.0, 1.0])
    frame = pd.DataFrame(
        rows,
        columns=[
            "指数代码",
            "指数名称",
            "发布日期",
            "收盘指数",
            "成交量",
            "涨跌幅",
            "换手率",
            "市盈率",
            "市净率",
            "均价",
            "成交额占比",
            "流通市值",
            "平均流通市值",
            "股息率",
        ],
    )
    _land(
        "index_analysis_daily_sw", frame, root, cst(2023, 4, 14, 19), {"start_date": "20210104", "end_date": "20230414"}
    )
    n_before = len([d for d in days if d < date(2023, 4, 14)])
    # 801010 rises every day: all earlier values are lower -> 100 %; 传媒 on 04-14 (5.4) is above only 04-10..04-13
    EXPECTED["sw_801010_pe_pctile_all"] = 100.0
    EXPECTED["sw_801760_pe_pctile_all"] = 4 / n_before * 100  # 5.4 >= 5.0, 5.1, 5.2, 5.3 only


def land_stock_connect(root: Path) -> None:
    days = W13 + W14 + W15
    north = dict(
        zip(days, [10.0, -5.0, 3.0, 2.0, 1.0, 20.0, -10.0, 5.0, 4.0, 12.0, 8.5, -3.2, 10.3, 20.0], strict=True)
    )
    south = dict(zip(days, [5.0] * 9 + [10.0, 11.0, 12.0, 13.0, 18.0], strict=True))
    for symbol, series in (("北向资金", north), ("南向资金", south)):
        index_col = "沪深300" if symbol == "北向资金" else "恒生指数"
        frame = pd.DataFrame(
            {
                "日期": list(series),
                "当日成交净买额": list(series.values()),
                "买入成交额": [500.0] * len(series),
                "卖出成交额": [480.0] * len(series),
                "历史累计净买额": [1.8] * len(series),
                "当日资金流入": [30.0] * len(series),
                "当日余额": [520.0] * len(series),
                "持股市值": [2.5e12] * len(series),
                "领涨股": ["某股"] * len(series),
                "领涨股-涨跌幅": [10.0] * len(series),
                index_col: [4000.0] * len(series),
                f"{index_col}-涨跌幅": [0.1] * len(series),
                "领涨股-代码": ["600000.SH"] * len(series),
            }
        )
        _land("stock_hsgt_hist_em", frame, root, cst(2023, 4, 14, 17, 30), {"symbol": symbol})
    EXPECTED["northbound_w15"] = sum(north[d] for d in W15)
    EXPECTED["northbound_w14"] = sum(north[d] for d in W14)
    EXPECTED["southbound_w15"] = sum(south[d] for d in W15)


def land_margin(root: Path) -> None:
    """Two-market balances (亿元); the load of Friday morning has Monday..Thursday of W15."""
    days = W13 + W14 + W15
    balance = {d: 15000.0 + 10 * i for i, d in enumerate(days)}
    balance[date(2023, 4, 7)] = 15100.0
    balance[date(2023, 4, 13)] = 15189.8
    balance[date(2023, 3, 31)] = 15050.0
    frame = pd.DataFrame(
        {
            "日期": days,
            "融资余额": [balance[d] for d in days],
            "融券余额": [900.0] * len(days),
            "融资买入额": [700.0] * len(days),
            "融券卖出额": [50.0] * len(days),
            "证券公司数量": [100.0] * len(days),
            "营业部数量": [10000.0] * len(days),
            "个人投资者数量": [1800.0] * len(days),
            "机构投资者数量": [40000.0] * len(days),
            "参与交易的投资者数量": [1e6] * len(days),
            "有融资融券负债的投资者数量": [5e6] * len(days),
            "担保物总价值": [45000.0] * len(days),
            "平均维持担保比例": [250.0] * len(days),
        }
    )
    # Friday 04-14's balance is in the frame, but it is only public on 04-17 09:00
    _land("stock_margin_account_info", frame, root, cst(2023, 4, 14, 9, 30))
    EXPECTED["margin_w15"] = 15189.8 - 15100.0
    EXPECTED["margin_w14"] = 15100.0 - 15050.0
    # per exchange (SSE in 元 by range, SZSE in 亿元 per date): for completeness of staging
    sse = pd.DataFrame(
        {
            "信用交易日期": [f"{d:%Y%m%d}" for d in days],
            "融资余额": [balance[d] * 0.5e8 for d in days],
            "融资买入额": [3.5e10] * len(days),
            "融券余量": [1e9] * len(days),
            "融券余量金额": [4.5e10] * len(days),
            "融券卖出量": [1e7] * len(days),
            "融资融券余额": [balance[d] * 0.53e8 for d in days],
        }
    )
    _land("stock_margin_sse", sse, root, cst(2023, 4, 14, 9, 30), {"start_date": "20230327", "end_date": "20230414"})
    for day in days:
        frame = pd.DataFrame(
            {
                "融资买入额": [350.0],
                "融资余额": [balance[day] * 0.5],
                "融券卖出量": [0.1],
                "融券余量": [5.0],
                "融券余额": [45.0],
                "融资融券余额": [balance[day] * 0.5 + 45.0],
            }
        )
        published = datetime.combine(day + timedelta(days=1), datetime.min.time(), CST).replace(hour=9, minute=30)
        _land("stock_margin_szse", frame, root, published, {"date": f"{day:%Y%m%d}"})


def land_memberships(root: Path) -> None:
    """600001 moves from 有色金属 (240000) to 传媒 (720000) on 2023-04-12."""
    frame = pd.DataFrame(
        {
            "symbol": ["600001", "600001", "000002", "300003"],
            "start_date": [date(2015, 1, 1), date(2023, 4, 12), date(2014, 2, 21), date(2014, 2, 21)],
            "industry_code": ["240101", "720201", "760101", "110102"],
            "update_time": [date(2015, 1, 1), date(2023, 4, 12), date(2014, 2, 21), date(2014, 2, 21)],
        }
    )
    _land("stock_industry_clf_hist_sw", frame, root, cst(2023, 4, 1))


def land_northbound_by_stock(root: Path) -> None:
    """今日增持估计-市值 in 万元, one snapshot per day."""
    est = {"600001": 10000.0, "000002": -5000.0, "300003": 2000.0}
    for day in W15:
        frame = pd.DataFrame(
            {
                "序号": [1, 2, 3],
                "代码": list(est),
                "名称": ["甲", "乙", "丙"],
                "今日收盘价": [10.0, 20.0, 30.0],
                "今日涨跌幅": [1.0, -1.0, 0.5],
                "今日持股-股数": [1000.0, 2000.0, 500.0],
                "今日持股-市值": [10000.0, 40000.0, 15000.0],
                "今日持股-占流通股比": [1.0, 2.0, 3.0],
                "今日持股-占总股本比": [1.0, 2.0, 3.0],
                "今日增持估计-股数": [100.0, -50.0, 10.0],
                "今日增持估计-市值": list(est.values()),
                "今日增持估计-市值增幅": [1.0, -1.0, 0.5],
                "今日增持估计-占流通股比": [0.1, -0.1, 0.1],
                "今日增持估计-占总股本比": [0.1, -0.1, 0.1],
                "所属板块": ["有色金属", "环保", "农牧饲渔"],
                "日期": [day] * 3,
            }
        )
        _land("stock_hsgt_hold_stock_em", frame, root, cst(day.year, day.month, day.day, 18, 30))
    # 600001 is 有色金属 on 04-10/11 and 传媒 from 04-12: 2 x 1 亿 to 有色, 3 x 1 亿 to 传媒
    EXPECTED["nb_industry_w15"] = {"240000": 2.0, "720000": 3.0, "760000": -2.5, "110000": 1.0}


def land_margin_detail(root: Path) -> None:
    """Per-stock financing balances (元): SSE 600001, SZSE 000002 and 300003."""
    balances = {
        "600001": {date(2023, 4, 7): 1.0e9, date(2023, 4, 13): 1.3e9},
        "000002": {date(2023, 4, 7): 5.0e8, date(2023, 4, 13): 4.0e8},
        "300003": {date(2023, 4, 7): 2.0e8, date(2023, 4, 13): 2.5e8},
    }
    for day in [date(2023, 4, 7), *W15]:
        published = datetime.combine(
            day + timedelta(days=1 if day.weekday() < 4 else 3), datetime.min.time(), CST
        ).replace(hour=9, minute=30)
        if published > AS_OF:
            continue  # not yet loaded at the report moment
        value = {code: b.get(day, (b[date(2023, 4, 7)] + b[date(2023, 4, 13)]) / 2) for code, b in balances.items()}
        sse = pd.DataFrame(
            {
                "信用交易日期": [f"{day:%Y%m%d}"],
                "标的证券代码": ["600001"],
                "标的证券简称": ["甲"],
                "融资余额": [value["600001"]],
                "融资买入额": [1e7],
                "融资偿还额": [1e7],
                "融券余量": [1000.0],
                "融券卖出量": [10.0],
                "融券偿还量": [10.0],
            }
        )
        _land("stock_margin_detail_sse", sse, root, published, {"date": f"{day:%Y%m%d}"})
        szse = pd.DataFrame(
            {
                "证券代码": ["000002", "300003"],
                "证券简称": ["乙", "丙"],
                "融资买入额": [1e7, 1e7],
                "融资余额": [value["000002"], value["300003"]],
                "融券卖出量": [0.0, 0.0],
                "融券余量": [0.0, 0.0],
                "融券余额": [0.0, 0.0],
                "融资融券余额": [value["000002"], value["300003"]],
            }
        )
        _land("stock_margin_detail_szse", szse, root, published, {"date": f"{day:%Y%m%d}"})
    # membership as of the last visible day (04-13): 600001 is 传媒
    EXPECTED["margin_industry_w15"] = {"720000": 3.0, "760000": -1.0, "110000": 0.5}


def land_new_funds(root: Path) -> None:
    frame = pd.DataFrame(
        {
            "基金代码": ["000001", "000002", "000003", "000004", "000005"],
            "基金简称": ["甲股票", "乙混合", "丙债券", "丁指数", "戊股票"],
            "发行公司": ["某基金"] * 5,
            "基金类型": ["股票型", "混合型-偏股", "债券型-长债", "指数型-股票", "股票型"],
            "集中认购期": ["2023-03-20至2023-04-07"] * 5,
            "募集份额": [5.0, 7.9, 30.0, 3.0, 4.0],
            "成立日期": [date(2023, 4, 11), date(2023, 4, 12), date(2023, 4, 12), date(2023, 4, 13), date(2023, 4, 6)],
            "成立来涨幅": [0.0] * 5,
            "基金经理": ["某人"] * 5,
            "申购状态": ["封闭期"] * 5,
            "优惠费率": [0.12] * 5,
        }
    )
    _land("fund_new_found_em", frame, root, cst(2023, 4, 14, 19))
    EXPECTED["new_funds_w15"] = 5.0 + 7.9 + 3.0
    EXPECTED["new_funds_w14"] = 4.0


def land_etfs(root: Path) -> None:
    """SSE shares per date (份), SZSE shares by range (份), closes (元)."""
    sse_shares = {
        "510300": {date(2023, 4, 7): 2.00e10, date(2023, 4, 14): 1.961e10},
        "512010": {date(2023, 4, 7): 3.00e10, date(2023, 4, 14): 3.787e10},
        "511880": {date(2023, 4, 7): 1.00e9, date(2023, 4, 14): 0.9e9},  # a money-market ETF: not in the seed
    }
    for day in (date(2023, 4, 7), date(2023, 4, 14)):
        frame = pd.DataFrame(
            {
                "序号": [1, 2, 3],
                "基金代码": list(sse_shares),
                "基金简称": ["沪深300ETF", "医药ETF", "银华日利"],
                "ETF类型": ["股票", "股票", "货币"],
                "统计日期": [day] * 3,
                "基金份额": [s[day] for s in sse_shares.values()],
            }
        )
        _land("fund_etf_scale_sse", frame, root, cst(day.year, day.month, day.day, 18, 30), {"date": f"{day:%Y%m%d}"})
    szse_days = [date(2023, 4, 7), date(2023, 4, 14)]
    frame = pd.DataFrame(
        {
            "日期": szse_days,
            "基金代码": ["159915", "159915"],
            "基金简称": ["创业板ETF", "创业板ETF"],
            "基金份额": [1.50e10, 1.365e10],
        }
    )
    _land(
        "fund_scale_daily_szse",
        frame,
        root,
        cst(2023, 4, 14, 18, 30),
        {"start_date": "20230407", "end_date": "20230414"},
    )
    closes = {"510300": 4.0, "512010": 0.5, "159915": 2.0}
    for code, close in closes.items():
        frame = pd.DataFrame(
            {
                "日期": [date(2023, 4, 14)],
                "开盘": [close],
                "收盘": [close],
                "最高": [close],
                "最低": [close],
                "成交量": [1e6],
                "成交额": [1e8],
                "振幅": [1.0],
                "涨跌幅": [0.0],
                "涨跌额": [0.0],
                "换手率": [1.0],
            }
        )
        _land(
            "fund_etf_hist_em",
            frame,
            root,
            cst(2023, 4, 14, 16, 30),
            {"symbol": code, "start_date": "20230414", "end_date": "20230414"},
        )
    EXPECTED["etf_groups_w15"] = {"csi300": -3.9, "healthcare": 78.7, "chinext": -13.5}
    EXPECTED["etf_total_w15"] = -3.9 + 78.7 - 13.5 - 1.0
    EXPECTED["etf_stock_w15"] = -3.9 + 78.7 - 13.5
    EXPECTED["etf_value_w15"] = -3.9 * 4.0 + 78.7 * 0.5 - 13.5 * 2.0


def land_shareholders(root: Path) -> None:
    """Two pulls: the record's amount uses the price of the first pull that contained it."""
    columns = [
        "代码",
        "名称",
        "最新价",
        "涨跌幅",
        "股东名称",
        "持股变动信息-增减",
        "持股变动信息-变动数量",
        "持股变动信息-占总股本比例",
        "持股变动信息-占流通股比例",
        "变动后持股情况-持股总数",
        "变动后持股情况-占总股本比例",
        "变动后持股情况-持流通股数",
        "变动后持股情况-占流通股比例",
        "变动开始日",
        "变动截止日",
        "公告日",
    ]
    first = pd.DataFrame(
        [
            [
                "600001",
                "甲",
                10.0,
                1.0,
                "股东A",
                "增持",
                1000.0,
                0.1,
                0.1,
                5000.0,
                1.0,
                5000.0,
                1.0,
                date(2023, 4, 3),
                date(2023, 4, 10),
                date(2023, 4, 11),
            ],
            [
                "000002",
                "乙",
                20.0,
                1.0,
                "股东B",
                "减持",
                500.0,
                0.1,
                0.1,
                5000.0,
                1.0,
                5000.0,
                1.0,
                date(2023, 4, 3),
                date(2023, 4, 10),
                date(2023, 4, 11),
            ],
        ],
        columns=columns,
    )
    _land("stock_ggcg_em", first, root, cst(2023, 4, 11, 21))
    second = pd.DataFrame(
        [
            [
                "600001",
                "甲",
                12.0,
                1.0,
                "股东A",
                "增持",
                1000.0,
                0.1,
                0.1,
                5000.0,
                1.0,
                5000.0,
                1.0,
                date(2023, 4, 3),
                date(2023, 4, 10),
                date(2023, 4, 11),
            ],
            [
                "000002",
                "乙",
                25.0,
                1.0,
                "股东B",
                "减持",
                500.0,
                0.1,
                0.1,
                5000.0,
                1.0,
                5000.0,
                1.0,
                date(2023, 4, 3),
                date(2023, 4, 10),
                date(2023, 4, 11),
            ],
            [
                "300003",
                "丙",
                30.0,
                1.0,
                "股东C",
                "减持",
                200.0,
                0.1,
                0.1,
                5000.0,
                1.0,
                5000.0,
                1.0,
                date(2023, 4, 3),
                date(2023, 4, 12),
                date(2023, 4, 13),
            ],
        ],
        columns=columns,
    )
    _land("stock_ggcg_em", second, root, cst(2023, 4, 14, 20))
    EXPECTED["sh_increase_w15"] = 1000 * 10.0 / 1e4
    EXPECTED["sh_decrease_w15"] = (500 * 20.0 + 200 * 30.0) / 1e4
    frame = pd.DataFrame(
        {
            "公告日期": [date(2023, 4, 12), date(2023, 4, 13), date(2023, 4, 6)],
            "股票代码": ["600001", "000002", "300003"],
            "股票简称": ["甲", "乙", "丙"],
            "股东名称": ["股东A", "股东B", "股东C"],
            "拟减持股数上限": [2000.0, 1000.0, 500.0],
            "拟减持比例上限": [1.0, 2.0, 3.0],
            "参考价格": [10.0, 18.4, 8.0],
        }
    )
    _land("planned_reductions", frame, root, cst(2023, 4, 14, 20))
    EXPECTED["planned_w15"] = (2000 * 10.0 + 1000 * 18.4) / 1e4


def land_valuation(root: Path) -> None:
    days = trading_days(date(2021, 1, 4), date(2023, 4, 14))
    pe = {d: 12.0 + (i % 50) * 0.1 for i, d in enumerate(days)}
    pe[date(2023, 4, 7)] = 14.6
    pe[date(2023, 4, 14)] = 14.7
    frame = pd.DataFrame(
        {
            "日期": days,
            "指数代码": ["000985"] * len(days),
            "指数中文全称": ["中证全指指数"] * len(days),
            "指数中文简称": ["中证全指"] * len(days),
            "指数英文全称": ["CSI All Share Index"] * len(days),
            "指数英文简称": ["CSI All Share"] * len(days),
            "开盘": [5000.0] * len(days),
            "最高": [5000.0] * len(days),
            "最低": [5000.0] * len(days),
            "收盘": [5000.0] * len(days),
            "涨跌": [0.0] * len(days),
            "涨跌幅": [0.0] * len(days),
            "成交量": [5000.0] * len(days),
            "成交金额": [9000.0] * len(days),
            "样本数量": [5000] * len(days),
            "滚动市盈率": [pe[d] for d in days],
        }
    )
    _land(
        "stock_zh_index_hist_csindex",
        frame,
        root,
        cst(2023, 4, 14, 18, 30),
        {"start_date": "20210104", "end_date": "20230414"},
    )
    earlier = [pe[d] for d in days if d < date(2023, 4, 14)]
    EXPECTED["all_a_pe"] = 14.7
    EXPECTED["all_a_pe_change"] = 14.7 - 14.6
    EXPECTED["all_a_pe_pctile_all"] = sum(v <= 14.7 for v in earlier) / len(earlier) * 100
    ttm = pd.DataFrame(
        {
            "date": days,
            "middlePETTM": [30.0 + (i % 7) for i in range(len(days))],
            "averagePETTM": [40.0] * len(days),
            "middlePELYR": [31.0] * len(days),
            "averagePELYR": [41.0] * len(days),
            "quantileInAllHistoryMiddlePeTtm": [0.5] * len(days),
            "quantileInRecent10YearsMiddlePeTtm": [0.4] * len(days),
            "quantileInAllHistoryAveragePeTtm": [0.5] * len(days),
            "quantileInRecent10YearsAveragePeTtm": [0.5] * len(days),
            "quantileInAllHistoryMiddlePeLyr": [0.5] * len(days),
            "quantileInRecent10YearsMiddlePeLyr": [0.5] * len(days),
            "quantileInAllHistoryAveragePeLyr": [0.5] * len(days),
            "quantileInRecent10YearsAveragePeLyr": [0.5] * len(days),
            "close": [4000.0] * len(days),
        }
    )
    _land("stock_a_ttm_lyr", ttm, root, cst(2023, 4, 14, 20))
    pb = pd.DataFrame(
        {
            "date": days,
            "middlePB": [2.0 + (i % 3) * 0.1 for i in range(len(days))],
            "equalWeightAveragePB": [2.5] * len(days),
            "close": [3300.0] * len(days),
            "quantileInAllHistoryMiddlePB": [0.3] * len(days),
            "quantileInRecent10YearsMiddlePB": [0.2] * len(days),
            "quantileInAllHistoryEqualWeightAveragePB": [0.3] * len(days),
            "quantileInRecent10YearsEqualWeightAveragePB": [0.3] * len(days),
        }
    )
    _land("stock_a_all_pb", pb, root, cst(2023, 4, 14, 20))


def months(start: str, end: str) -> list[str]:
    return [f"{p.year}-{p.month:02d}" for p in pd.period_range(start, end, freq="M")]


def land_monthly(root: Path) -> None:
    ms = months("2022-01", "2023-03")
    # customs totals (千美元): the hgjck frame of the conftest, newest first
    from .conftest import hgjck_frame

    exports = [2.6e8 + 1e6 * i for i in range(len(ms))]
    imports = [2.1e8 + 1e6 * i for i in range(len(ms))]
    exports[ms.index("2023-03")], imports[ms.index("2023-03")] = 3.1559e8, 2.2740e8
    yoy = [5.0] * len(ms)
    yoy[ms.index("2023-03")] = 14.8
    _land("macro_china_hgjck", hgjck_frame(ms, exports, imports, yoy), root, cst(2023, 4, 13, 11))
    EXPECTED["exports_2023_03"] = 3155.9
    # partners: 万美元, published yoy
    partners = {"俄罗斯": (96.0, 136.43, 32.73), "美国": (420.0, -7.7, -21.8)}
    rows = []
    for name, (value, yoy_mar, yoy_feb) in partners.items():
        rows.append(["2023-02", name, value * 1e4 * 0.9, yoy_feb, 100.0, 1.0])
        rows.append(["2023-03", name, value * 1e4, yoy_mar, 100.0, 1.0])
    frame = pd.DataFrame(rows, columns=["月份", "国家或地区", "出口金额", "出口同比", "进口金额", "进口同比"])
    _land("customs_exports_by_partner", frame, root, cst(2023, 4, 13, 11))
    EXPECTED["partner_us_change_pp"] = -7.7 - (-21.8)
    products = pd.DataFrame(
        {
            "月份": ["2023-03", "2023-03", "2023-02"],
            "商品名称": ["机电产品", "汽车", "机电产品"],
            "出口金额": [18190400.0, None, 15000000.0],
            "出口同比": [12.3, 123.8, -3.2],
        }
    )
    _land("customs_exports_by_product", products, root, cst(2023, 4, 13, 11))
    EXPECTED["me_share"] = 1819.04 / 3155.9 * 100
    # IC trade (万美元)
    ic_rows = []
    ic_exports = {m: 1.2e6 + 1e4 * i for i, m in enumerate(ms)}
    for m in ms:
        ic_rows.append([m, "出口", ic_exports[m], -3.0 if m == "2023-03" else -10.0])
    _land(
        "customs_ic_trade",
        pd.DataFrame(ic_rows, columns=["月份", "贸易方向", "金额", "同比"]),
        root,
        cst(2023, 4, 13, 11),
    )
    s3 = sum(ic_exports[m] for m in ("2023-01", "2023-02", "2023-03"))
    s3_prev = sum(ic_exports[m] for m in ("2022-01", "2022-02", "2022-03"))
    EXPECTED["ic_exports_yoy_3m"] = (s3 / s3_prev - 1) * 100
    # CAAM (万辆): total and NEV sales and production; January 2023 published as Jan alone
    caam_rows = []
    for i, m in enumerate(ms):
        total = 200.0 + i
        nev = 40.0 + i
        if m == "2023-03":
            total, nev = 245.1, 65.3
        for name, value in (
            ("汽车", total),
            ("新能源汽车", nev),
            ("乘用车", total * 0.8),
            ("中国品牌乘用车", total * 0.4),
        ):
            caam_rows.append([m, name, value + 10, value, 15.0, 9.7 if name == "汽车" else 30.0, None, None, 5.0, 6.0])
    caam = pd.DataFrame(
        caam_rows,
        columns=[
            "月份",
            "类别",
            "产量",
            "销量",
            "产量同比",
            "销量同比",
            "累计产量",
            "累计销量",
            "累计产量同比",
            "累计销量同比",
        ],
    )
    _land("caam_autos", caam, root, cst(2023, 4, 11, 16))
    EXPECTED["nev_penetration"] = 65.3 / 245.1 * 100
    total_feb = 200.0 + ms.index("2023-02")
    EXPECTED["caam_total_sales_mom"] = (245.1 / total_feb - 1) * 100
    EXPECTED["caam_total_sales_ytd"] = sum(200.0 + ms.index(m) for m in ("2023-01", "2023-02")) + 245.1
    # CCMA (台)
    ccma_rows = [[m, "挖掘机", 20000 + 100 * i, -30.0, None, -25.53] for i, m in enumerate(ms)]
    _land(
        "ccma_machinery",
        pd.DataFrame(ccma_rows, columns=["月份", "机型", "销量", "销量同比", "累计销量", "累计销量同比"]),
        root,
        cst(2023, 4, 10, 16),
    )
    # SIA (十亿美元) to 2023-02
    sia_rows = []
    for m in months("2022-01", "2023-02"):
        for region, value, yoy_ in (
            ("全球", 39.68 if m == "2023-02" else 50.0, -20.7 if m == "2023-02" else -18.5),
            ("中国", 10.97, -34.2),
        ):
            sia_rows.append([m, region, value, yoy_])
    _land(
        "sia_semiconductors",
        pd.DataFrame(sia_rows, columns=["月份", "地区", "销售额", "同比"]),
        root,
        cst(2023, 4, 7, 9),
    )
    EXPECTED["sia_world_change_pp"] = -20.7 - (-18.5)
    # Taiwan
    tw = pd.DataFrame(
        {
            "月份": ["2023-02", "2023-03"],
            "公司代码": ["2330", "2330"],
            "公司名称": ["台积电", "台积电"],
            "板块": ["晶圆代工", "晶圆代工"],
            "营业收入": [163174097.0, 145408332.0],
            "营收同比": [11.06, -15.44],
        }
    )
    _land("taiwan_monthly_revenue", tw, root, cst(2023, 4, 11, 18))
    # paper prices: Fridays; 04-14's price is public only on 04-17
    paper_days = [date(2023, 3, 31), date(2023, 4, 7), date(2023, 4, 14)]
    paper = pd.DataFrame(
        {
            "日期": paper_days * 2,
            "品种": ["白卡纸价格指数"] * 3 + ["文化纸价格"] * 3,
            "价格": [93.83, 97.17, 99.0, 5210.0, 5043.33, 5000.0],
        }
    )
    _land("paper_prices", paper, root, cst(2023, 4, 10, 10))
    EXPECTED["white_cardboard_wow"] = (97.17 / 93.83 - 1) * 100
    # CPCA: a snapshot taken in December 2022 (2021年, 2022年) and one in April 2023 (2022年, 2023年)
    labels = [f"{m}月" for m in range(1, 13)]
    for symbol, indicator in (("狭义乘用车", "批发"),):
        old = pd.DataFrame({"月份": labels, "2021年": [150.0] * 12, "2022年": [160.0] * 11 + [None]})
        _land("car_market_total_cpca", old, root, cst(2022, 12, 15), {"symbol": symbol, "indicator": indicator})
        new = pd.DataFrame({"月份": labels, "2022年": [161.0] * 12, "2023年": [170.0, 171.0, 172.0] + [None] * 9})
        _land("car_market_total_cpca", new, root, cst(2023, 4, 12, 12), {"symbol": symbol, "indicator": indicator})
    fuel = pd.DataFrame({"月份": labels, "2022年": [40.0] * 12, "2023年": [50.0, 51.0, 52.0] + [None] * 9})
    _land("car_market_fuel_cpca", fuel, root, cst(2023, 4, 12, 12))
    EXPECTED["cpca_narrow_wholesale_yoy_2023_03"] = (172.0 / 161.0 - 1) * 100
    # jin10 release series
    for source, values in (
        ("macro_china_exports_yoy", (14.8, -7.0, -6.8)),
        ("macro_china_imports_yoy", (-1.4, -5.0, -10.2)),
    ):
        frame = pd.DataFrame(
            {
                "商品": ["中国以美元计算出口年率"] * 2,
                "日期": [date(2023, 3, 7), date(2023, 4, 13)],
                "今值": [values[2], values[0]],
                "预测值": [values[1], values[1]],
                "前值": [-9.9, values[2]],
            }
        )
        _land(source, frame, root, cst(2023, 4, 13, 12))
    frame = pd.DataFrame(
        {
            "商品": ["中国以美元计算贸易帐"],
            "日期": [date(2023, 4, 13)],
            "今值": [881.9],
            "预测值": [400.0],
            "前值": [1168.3],
        }
    )
    _land("macro_china_trade_balance", frame, root, cst(2023, 4, 13, 12))


def land_fixture(root: Path) -> dict[str, Any]:
    """Land every source into ``root``; return the hand-computed expectations."""
    land_calendar(root)
    land_index_prices(root)
    land_turnover(root)
    land_shenwan(root)
    land_stock_connect(root)
    land_margin(root)
    land_memberships(root)
    land_northbound_by_stock(root)
    land_margin_detail(root)
    land_new_funds(root)
    land_etfs(root)
    land_shareholders(root)
    land_valuation(root)
    land_monthly(root)
    return EXPECTED


if __name__ == "__main__":  # pragma: no cover - a developer's helper
    import sys

    print(land_fixture(Path(sys.argv[1])))
