"""Market-wide synthetic series: indices, turnover, Stock Connect, margin totals, Shenwan
industries, the CSI All Share PE and legulegu's median valuations.

Every series is a deterministic function of its own seed, so any subset of sources can be
regenerated alone. Values around the demo week are pinned to the published figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import pandas as pd

from ingestion.demo import figures as F
from ingestion.demo.calendar import trading_days, week_days
from ingestion.demo.common import DATA_END, DATA_START, rng
from ingestion.demo.series import ar1, bridge

D = date
W14 = week_days("2023-W14")  # Apr 3, 4, 6, 7
W15 = week_days("2023-W15")  # Apr 10 .. 14
HISTORY_START = date(2013, 1, 4)


@cache
def days() -> tuple[date, ...]:
    """Trading days the demo covers (2021-01-04 .. 2023-04-14)."""
    return tuple(trading_days(DATA_START, DATA_END))


@cache
def long_days() -> tuple[date, ...]:
    """Trading days since 2013 (000985 PE history and legulegu's percentiles)."""
    return tuple(trading_days(HISTORY_START, DATA_END))


# ------------------------------------------------------------------ indices
@dataclass(frozen=True)
class IndexSpec:
    code: str
    name: str
    anchors: dict[date, float]
    vol: float
    turnover_share: float  # of the A-share turnover
    turnover_rate: float  # % per day


INDICES: dict[str, IndexSpec] = {
    s.code: s
    for s in [
        IndexSpec(
            "000001",
            "上证指数",
            {
                D(2021, 1, 4): 3502.96,
                D(2021, 2, 18): 3696.17,
                D(2022, 4, 26): 2886.43,
                D(2022, 10, 31): 2893.48,
                D(2022, 12, 30): 3089.26,
                D(2023, 3, 31): 3272.86,
                D(2023, 4, 7): 3327.65,
                D(2023, 4, 14): 3338.15,
            },
            0.009,
            0.0,
            0.9,
        ),
        IndexSpec(
            "399001",
            "深证成指",
            {
                D(2021, 1, 4): 14827.47,
                D(2021, 2, 18): 16120.30,
                D(2022, 4, 26): 10154.38,
                D(2022, 10, 31): 10401.03,
                D(2022, 12, 30): 11015.99,
                D(2023, 3, 31): 11726.41,
                D(2023, 4, 7): 11967.72,
                D(2023, 4, 14): 11833.31,
            },
            0.012,
            0.45,
            1.6,
        ),
        IndexSpec(
            "000300",
            "沪深300",
            {
                D(2021, 1, 4): 5267.72,
                D(2021, 2, 18): 5807.72,
                D(2022, 4, 26): 3784.12,
                D(2022, 10, 31): 3508.70,
                D(2022, 12, 30): 3871.63,
                D(2023, 3, 31): 4050.93,
                D(2023, 4, 7): 4123.28,
                D(2023, 4, 14): 4092.00,
            },
            0.011,
            0.30,
            0.6,
        ),
        IndexSpec(
            "399006",
            "创业板指",
            {
                D(2021, 1, 4): 2885.13,
                D(2021, 7, 22): 3576.00,
                D(2022, 4, 26): 2166.45,
                D(2022, 10, 31): 2272.29,
                D(2022, 12, 30): 2346.77,
                D(2023, 3, 31): 2399.50,
                D(2023, 4, 7): 2446.95,
                D(2023, 4, 14): 2428.09,
            },
            0.015,
            0.26,
            2.4,
        ),
        IndexSpec(
            "000688",
            "科创50",
            {
                D(2021, 1, 4): 1405.56,
                D(2021, 7, 5): 1530.62,
                D(2022, 4, 26): 1013.97,
                D(2022, 10, 31): 918.46,
                D(2022, 12, 30): 955.01,
                D(2023, 3, 31): 1080.34,
                D(2023, 4, 7): 1095.76,
                D(2023, 4, 14): 1068.02,
            },
            0.015,
            0.07,
            2.1,
        ),
        IndexSpec(
            "000905",
            "中证500",
            {
                D(2021, 1, 4): 6454.03,
                D(2021, 9, 13): 7653.55,
                D(2022, 4, 26): 5400.52,
                D(2022, 10, 31): 5703.86,
                D(2022, 12, 30): 5857.37,
                D(2023, 3, 31): 6225.11,
                D(2023, 4, 7): 6327.86,
                D(2023, 4, 14): 6289.53,
            },
            0.011,
            0.17,
            1.4,
        ),
        IndexSpec(
            "000985",
            "中证全指",
            {
                HISTORY_START: 3350.00,
                D(2013, 6, 25): 2905.00,
                D(2014, 3, 12): 3010.00,
                D(2014, 12, 31): 4420.00,
                D(2015, 6, 12): 8150.00,
                D(2015, 8, 26): 5100.00,
                D(2015, 12, 22): 6620.00,
                D(2016, 1, 28): 4700.00,
                D(2017, 11, 13): 5600.00,
                D(2018, 1, 24): 5750.00,
                D(2019, 1, 3): 3900.00,
                D(2019, 4, 8): 5150.00,
                D(2020, 3, 23): 4620.00,
                D(2020, 12, 31): 5650.00,
                D(2021, 1, 4): 5630.00,
                D(2021, 2, 18): 6050.00,
                D(2021, 9, 13): 6120.00,
                D(2022, 4, 26): 4450.00,
                D(2022, 10, 31): 4530.00,
                D(2022, 12, 30): 4868.40,
                D(2023, 3, 31): 5070.00,
                D(2023, 4, 7): 5140.00,
                D(2023, 4, 14): 5112.24,
            },
            0.011,
            0.99,
            1.3,
        ),
        IndexSpec(
            "399373",
            "大盘价值",
            {
                D(2021, 1, 4): 6105.20,
                D(2021, 2, 18): 6812.44,
                D(2022, 10, 31): 5402.16,
                D(2022, 12, 30): 5806.90,
                D(2023, 3, 31): 6020.33,
                D(2023, 4, 7): 6125.40,
                D(2023, 4, 14): 6163.72,
            },
            0.010,
            0.06,
            0.5,
        ),
        IndexSpec(
            "399377",
            "小盘价值",
            {
                D(2021, 1, 4): 5210.80,
                D(2021, 9, 13): 6903.15,
                D(2022, 4, 26): 5302.47,
                D(2022, 12, 30): 6050.12,
                D(2023, 3, 31): 6470.58,
                D(2023, 4, 7): 6552.10,
                D(2023, 4, 14): 6581.90,
            },
            0.010,
            0.04,
            1.8,
        ),
        IndexSpec(
            "399106",
            "深证综指",
            {
                D(2021, 1, 4): 2352.41,
                D(2021, 2, 18): 2501.66,
                D(2022, 4, 26): 1852.09,
                D(2022, 10, 31): 1903.55,
                D(2022, 12, 30): 1975.86,
                D(2023, 3, 31): 2091.02,
                D(2023, 4, 7): 2125.53,
                D(2023, 4, 14): 2110.40,
            },
            0.012,
            0.0,
            1.9,
        ),
    ]
}


@cache
def index_bars(code: str) -> pd.DataFrame:
    """Daily bars of an index (index = trading day): close, open, high, low, volume (手), amount (元), turnover %."""
    spec = INDICES[code]
    span = long_days() if code == "000985" else days()
    g = rng("index", code)
    close = np.round(bridge(span, spec.anchors, spec.vol, g), 2)
    prev = np.concatenate([[close[0] / (1 + g.normal(0, spec.vol))], close[:-1]])
    open_ = np.round(prev * (1 + g.normal(0, spec.vol / 3, len(span))), 2)
    high = np.round(np.maximum(open_, close) * (1 + np.abs(g.normal(0, spec.vol / 2, len(span)))), 2)
    low = np.round(np.minimum(open_, close) * (1 - np.abs(g.normal(0, spec.vol / 2, len(span)))), 2)
    market = turnover_total_long()
    base = market.reindex(list(span)).to_numpy()
    if code == "000001":
        amount = sse_turnover().reindex(list(span)).to_numpy() * 1e8 * 0.997
    elif code == "399106":
        amount = szse_turnover().reindex(list(span)).to_numpy() * 0.997
    else:
        amount = base * 1e8 * spec.turnover_share * np.exp(g.normal(0, 0.06, len(span)))
    amount = np.round(amount, -4)
    volume = np.round(amount / (100 * 14.0 * np.exp(g.normal(0, 0.05, len(span)))), 0)
    rate = np.round(np.clip(spec.turnover_rate * np.exp(g.normal(0, 0.15, len(span))), 0.05, None), 2)
    return pd.DataFrame(
        {
            "close": close,
            "prev": np.round(prev, 2),
            "open": open_,
            "high": high,
            "low": low,
            "volume": volume,
            "amount": amount,
            "turnover": rate,
        },
        index=pd.Index(span, name="day"),
    )


# ------------------------------------------------------------------ turnover (亿元)
W14_TURNOVER = [12752.60, 12690.15, 11905.40, 11085.73]
W15_TURNOVER = [11857.31, 11026.54, 11582.09, 11226.48, 11252.58]  # mean 11389.00


@cache
def turnover_total_long() -> pd.Series:
    """A-share turnover per trading day since 2013, 亿元 (SSE + SZSE stocks)."""
    span = long_days()
    anchors = {
        HISTORY_START: 1650.0,
        D(2014, 6, 30): 1900.0,
        D(2015, 6, 8): 19500.0,
        D(2016, 1, 28): 4600.0,
        D(2017, 6, 30): 4200.0,
        D(2018, 10, 18): 2900.0,
        D(2019, 3, 7): 11000.0,
        D(2019, 12, 31): 5200.0,
        D(2020, 7, 7): 15100.0,
        D(2020, 12, 31): 8600.0,
        D(2021, 1, 4): 10400.0,
        D(2021, 9, 8): 14800.0,
        D(2021, 12, 31): 9600.0,
        D(2022, 4, 26): 8700.0,
        D(2022, 10, 31): 8300.0,
        D(2022, 12, 30): 7000.0,
        D(2023, 2, 15): 8900.0,
        D(2023, 3, 31): 9650.0,
    }
    for day, value in zip(W14 + W15, W14_TURNOVER + W15_TURNOVER, strict=True):
        anchors[day] = value
    values = bridge(span, anchors, 0.07, rng("turnover"))
    return pd.Series(np.round(values, 2), index=pd.Index(span, name="day"))


@cache
def sse_share() -> pd.Series:
    span = long_days()
    share = 0.42 + ar1(len(span), rng("turnover", "sse_share"), 0.01, 0.95)
    return pd.Series(np.clip(share, 0.33, 0.5), index=pd.Index(span, name="day"))


@cache
def sse_turnover() -> pd.Series:
    """SSE stock turnover per day, 亿元 (stock_sse_deal_daily 成交金额 / 股票)."""
    total = turnover_total_long()
    return np.round(total * sse_share(), 2)


@cache
def szse_turnover() -> pd.Series:
    """SZSE stock turnover per day, 元 (stock_szse_summary 股票 / 成交金额); SSE + SZSE / 1e8 = the total."""
    total = turnover_total_long()
    return np.round((total - sse_turnover()) * 1e8, 0)


# ------------------------------------------------------------------ Stock Connect (亿元 / 亿港元)
NORTH_W14 = [-12.40, 8.15, -20.31, -9.06]
NORTH_W15 = [18.62, -6.15, 22.48, -3.97, 16.62]  # 47.60
SOUTH_W15 = [9.81, 21.34, 7.42, 15.87, 9.56]  # 64.00


@cache
def stock_connect() -> pd.DataFrame:
    """Net buys per day: north (沪股通 + 深股通) and south, with buy turnover."""
    span = days()
    g = rng("hsgt")
    n = len(span)
    north = np.round(g.normal(2.0, 38.0, n), 2)
    south = np.round(g.normal(18.0, 28.0, n), 2)
    index = {d: i for i, d in enumerate(span)}
    for day, value in zip(W14 + W15, NORTH_W14 + NORTH_W15, strict=True):
        north[index[day]] = value
    for day, value in zip(W15, SOUTH_W15, strict=True):
        south[index[day]] = value
    sh_part = np.round(north * np.clip(g.normal(0.5, 0.25, n), -0.3, 1.3), 2)
    frame = pd.DataFrame(
        {
            "north": north,
            "sh": sh_part,
            "sz": np.round(north - sh_part, 2),
            "south": south,
            "sh_buy": np.round(g.normal(520, 90, n).clip(250), 2),
            "sz_buy": np.round(g.normal(580, 100, n).clip(250), 2),
            "south_buy": np.round(g.normal(300, 60, n).clip(120), 2),
        },
        index=pd.Index(span, name="day"),
    )
    return frame


# ------------------------------------------------------------------ margin totals (亿元)
MARGIN_PINNED = {
    D(2023, 3, 31): 15183.15,
    D(2023, 4, 3): 15231.60,
    D(2023, 4, 4): 15248.92,
    D(2023, 4, 6): 15317.05,
    D(2023, 4, 7): 15304.20,
    D(2023, 4, 10): 15318.37,
    D(2023, 4, 11): 15336.41,
    D(2023, 4, 12): 15390.26,
    D(2023, 4, 13): 15394.04,
    D(2023, 4, 14): 15380.77,
}


@cache
def margin_totals() -> pd.DataFrame:
    """Two-market margin statistics per day: financing balance (融资余额) and the rest."""
    span = days()
    g = rng("margin")
    anchors = {
        D(2021, 1, 4): 14889.36,
        D(2021, 6, 30): 16356.18,
        D(2021, 12, 31): 17120.44,
        D(2022, 4, 27): 15082.71,
        D(2022, 8, 18): 15624.90,
        D(2022, 12, 30): 14398.52,
        **MARGIN_PINNED,
    }
    balance = np.round(bridge(span, anchors, 0.0025, g), 2)
    n = len(span)
    turnover = turnover_total_long().reindex(list(span)).to_numpy()
    buys = np.round(turnover * np.clip(g.normal(0.085, 0.006, n), 0.06, 0.11), 2)
    short_bal = np.round(np.linspace(1420, 930, n) * np.exp(ar1(n, g, 0.01)), 2)
    short_sell = np.round(short_bal * np.clip(g.normal(0.075, 0.01, n), 0.03, 0.12), 2)
    sse_frac = np.clip(0.525 + ar1(n, g, 0.0015, 0.98), 0.5, 0.56)
    sse_fin = np.round(balance * sse_frac * 1e8, 0)  # 元
    return pd.DataFrame(
        {
            "fin_balance": balance,
            "short_balance": short_bal,
            "fin_buy": buys,
            "short_sell": short_sell,
            "sse_fin_balance": sse_fin,  # 元
            "szse_fin_balance": np.round(balance - sse_fin / 1e8, 2),  # 亿元
            "sse_fin_buy": np.round(buys * sse_frac * 1e8, 0),
            "szse_fin_buy": np.round(buys * (1 - sse_frac), 2),
            "sse_short_value": np.round(short_bal * 0.62 * 1e8, 0),
            "szse_short_balance": np.round(short_bal * 0.38, 2),
            "collateral": np.round(balance * np.clip(g.normal(3.15, 0.05, n), 3.0, 3.3), 2),
            "maintenance": np.round(np.clip(g.normal(255, 6, n), 235, 280), 2),
        },
        index=pd.Index(span, name="day"),
    )


# ------------------------------------------------------------------ Shenwan level-1 industries
# name -> (close on 2023-04-07, PE, PB, dividend yield %, float market value 亿元, constituents)
SW_BASE: dict[str, tuple[float, float, float, float, float, int]] = {
    "农林牧渔": (2953.4, 28.5, 2.8, 1.1, 16800, 108),
    "基础化工": (4012.7, 17.2, 2.2, 1.6, 41500, 396),
    "钢铁": (2405.8, 14.1, 1.0, 3.5, 11200, 47),
    "有色金属": (4718.3, 16.3, 2.3, 1.4, 33600, 131),
    "电子": (3902.6, 45.6, 3.2, 0.8, 62100, 463),
    "汽车": (5907.1, 28.1, 2.0, 1.5, 37800, 259),
    "家用电器": (7215.9, 15.2, 2.4, 2.6, 20900, 91),
    "食品饮料": (21530.4, 35.2, 5.5, 1.9, 55200, 124),
    "纺织服饰": (1702.3, 24.3, 1.8, 2.7, 6100, 106),
    "轻工制造": (2301.5, 28.6, 2.1, 1.8, 9500, 159),
    "医药生物": (9107.2, 28.4, 3.0, 1.0, 58700, 475),
    "公用事业": (2306.8, 23.1, 1.6, 2.3, 28300, 124),
    "交通运输": (2410.5, 18.3, 1.3, 2.4, 30200, 121),
    "房地产": (2804.1, 16.2, 0.8, 3.0, 14200, 114),
    "商贸零售": (2503.9, 40.2, 1.6, 1.5, 9800, 100),
    "社会服务": (10806.3, 60.4, 3.3, 0.6, 5400, 76),
    "银行": (3007.2, 4.9, 0.55, 5.6, 58100, 42),
    "非银金融": (1553.8, 18.2, 1.3, 2.5, 46100, 87),
    "综合": (2702.5, 35.3, 1.8, 1.0, 1700, 22),
    "建筑材料": (6508.1, 19.4, 1.6, 3.1, 8900, 73),
    "建筑装饰": (2251.6, 11.2, 0.95, 2.2, 19300, 160),
    "电力设备": (8611.7, 24.1, 3.0, 0.9, 52400, 312),
    "机械设备": (1552.4, 30.2, 2.4, 1.2, 37200, 500),
    "国防军工": (1651.2, 55.3, 3.0, 0.5, 17800, 111),
    "计算机": (5306.9, 65.4, 3.6, 0.5, 37800, 326),
    "传媒": (802.6, 45.1, 3.2, 0.9, 15600, 138),
    "通信": (2705.3, 28.2, 2.2, 2.1, 22800, 117),
    "煤炭": (2608.4, 6.5, 1.4, 7.8, 14800, 38),
    "石油石化": (2401.7, 11.3, 1.2, 4.6, 23900, 47),
    "环保": (1905.2, 25.3, 1.6, 1.3, 5300, 126),
    "美容护理": (6108.9, 50.2, 4.0, 0.8, 2900, 30),
}
# weekly change, %: 医药生物 leads, 计算机 and 食品饮料 lag (the note's 复盘)
SW_W15 = {
    "医药生物": 3.21,
    "有色金属": 2.93,
    "建筑装饰": 2.42,
    "传媒": 2.12,
    "石油石化": 1.63,
    "煤炭": 1.22,
    "交通运输": 0.97,
    "钢铁": 0.81,
    "建筑材料": 0.52,
    "公用事业": 0.41,
    "银行": 0.34,
    "综合": 0.23,
    "环保": -0.12,
    "房地产": -0.21,
    "商贸零售": -0.33,
    "基础化工": -0.48,
    "农林牧渔": -0.62,
    "纺织服饰": -0.71,
    "轻工制造": -0.83,
    "机械设备": -0.92,
    "非银金融": -1.03,
    "国防军工": -1.14,
    "社会服务": -1.31,
    "家用电器": -1.52,
    "汽车": -1.71,
    "美容护理": -1.93,
    "通信": -2.24,
    "电力设备": -2.51,
    "电子": -2.82,
    "食品饮料": -3.61,
    "计算机": -4.52,
}


@cache
def sw_daily() -> pd.DataFrame:
    """Daily rows of the 31 Shenwan level-1 industries (the columns of index_analysis_daily_sw, by role)."""
    span = list(days())
    n = len(span)
    frames = []
    market_share = {name: base[4] for name, base in SW_BASE.items()}
    total_share = sum(market_share.values())
    apr7, apr14 = D(2023, 4, 7), D(2023, 4, 14)
    for code, (index_code, name) in F.SW_L1.items():
        close7, pe7, pb7, dy, fmv7, count = SW_BASE[name]
        g = rng("sw", code)
        w14 = g.normal(0.4, 1.6)
        anchors = {
            span[0]: close7 * float(np.exp(g.normal(0.05, 0.2))),
            D(2022, 12, 30): close7 / (1 + g.normal(0.05, 0.07)),
            D(2023, 3, 31): close7 / (1 + w14 / 100),
            apr7: close7,
            apr14: round(close7 * (1 + SW_W15[name] / 100), 2),
        }
        close = np.round(bridge(span, anchors, 0.014, g), 2)
        # earnings and book move monthly; April 2023 = 1, so PE and PB move with prices inside a month
        month_keys = [d.year * 12 + d.month for d in span]
        uniq = sorted(set(month_keys))
        steps = np.exp(np.cumsum(g.normal(0.003, 0.025, len(uniq))))
        steps = steps / steps[-1]
        earnings = np.array([steps[uniq.index(k)] for k in month_keys])
        book_steps = np.exp(np.cumsum(g.normal(0.004, 0.008, len(uniq))))
        book_steps = book_steps / book_steps[-1]
        book = np.array([book_steps[uniq.index(k)] for k in month_keys])
        rel = close / close7
        pe = np.round(pe7 * rel / earnings, 2)
        pb = np.round(pb7 * rel / book, 2)
        change = np.round(np.concatenate([[0.0], (close[1:] / close[:-1] - 1) * 100]), 2)
        share = market_share[name] / total_share * 100
        frames.append(
            pd.DataFrame(
                {
                    "day": span,
                    "指数代码": index_code,
                    "指数名称": name,
                    "收盘指数": close,
                    "成交量": np.round(fmv7 / 14.0 / 100 * np.exp(g.normal(0, 0.25, n)) * 1.0, 2),
                    "涨跌幅": change,
                    "换手率": np.round(np.clip(1.2 * np.exp(g.normal(0, 0.3, n)), 0.1, None), 2),
                    "市盈率": pe,
                    "市净率": pb,
                    "均价": np.round(fmv7 / count / 2.0 * rel * np.exp(g.normal(0, 0.01, n)), 2),
                    "成交额占比": np.round(share * np.exp(g.normal(0, 0.2, n)), 2),
                    "流通市值": np.round(fmv7 * rel, 2),
                    "平均流通市值": np.round(fmv7 * rel / count, 2),
                    "股息率": np.round(dy / rel, 2),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out


@cache
def sw_w15_pe_counts() -> tuple[int, int]:
    """(industries whose PE fell, rose) between 2023-04-07 and 2023-04-14."""
    frame = sw_daily()
    pe7 = frame[frame["day"] == D(2023, 4, 7)].set_index("指数代码")["市盈率"]
    pe14 = frame[frame["day"] == D(2023, 4, 14)].set_index("指数代码")["市盈率"]
    diff = pe14 - pe7
    return int((diff < 0).sum()), int((diff > 0).sum())


# ------------------------------------------------------------------ CSI All Share PE (TTM), since 2013
PE_ANCHORS = {
    HISTORY_START: 13.2,
    D(2013, 6, 25): 11.5,
    D(2013, 9, 30): 12.9,
    D(2013, 12, 31): 12.6,
    D(2014, 3, 20): 12.3,
    D(2014, 5, 20): 12.1,
    D(2014, 9, 1): 13.6,
    D(2014, 12, 31): 15.2,
    D(2015, 6, 12): 31.5,
    D(2015, 8, 26): 19.5,
    D(2015, 12, 22): 24.0,
    D(2016, 1, 28): 16.9,
    D(2016, 12, 30): 17.6,
    D(2017, 5, 10): 16.4,
    D(2017, 11, 13): 19.8,
    D(2018, 1, 24): 19.5,
    D(2018, 6, 29): 14.2,
    D(2018, 10, 18): 12.6,
    D(2019, 1, 3): 12.4,
    D(2019, 4, 8): 17.2,
    D(2019, 6, 6): 14.4,
    D(2019, 8, 6): 13.8,
    D(2019, 10, 31): 14.3,
    D(2019, 12, 31): 15.4,
    D(2020, 3, 23): 13.9,
    D(2020, 5, 25): 14.6,
    D(2020, 7, 13): 20.5,
    D(2020, 12, 31): 21.5,
    D(2021, 2, 18): 22.8,
    D(2021, 9, 13): 19.5,
    D(2021, 12, 31): 18.2,
    D(2022, 4, 26): 14.3,
    D(2022, 6, 30): 15.3,
    D(2022, 9, 1): 14.8,
    D(2022, 10, 31): 13.5,
    D(2022, 12, 30): 14.0,
    D(2023, 3, 31): 14.45,
    D(2023, 4, 7): 14.60,
    D(2023, 4, 14): 14.70,
}


def percentile_of_earlier(values: np.ndarray, i: int, start: int = 0) -> float:
    """Share of observations start..i-1 that are <= values[i], in %."""
    earlier = values[start:i]
    return float((earlier <= values[i]).sum()) / len(earlier) * 100


@cache
def all_a_pe() -> pd.Series:
    """000985 滚动市盈率 per trading day since 2013; 14.60 on 2023-04-07, 14.70 on 2023-04-14 at the 39.9th pctile."""
    span = long_days()
    g = rng("pe_000985")
    pe = np.round(bridge(span, PE_ANCHORS, 0.007, g), 2)
    last = len(span) - 1
    target = F.PE_ALL_A_PCTILE
    threshold = pe[last]
    # nudge the observations nearest the threshold across it until the percentile prints as published
    for _ in range(400):
        share = percentile_of_earlier(pe, last)
        if abs(share - target) < 0.02:
            break
        earlier = pe[:last]
        if share < target:  # move the smallest values above the threshold just below it
            candidates = np.where(earlier > threshold)[0]
            j = candidates[np.argmin(earlier[candidates])]
            pe[j] = round(threshold - 0.01 * (1 + j % 5), 2)
        else:
            candidates = np.where(earlier <= threshold)[0]
            j = candidates[np.argmax(earlier[candidates])]
            pe[j] = round(threshold + 0.01 * (1 + j % 5), 2)
    for day, value in PE_ANCHORS.items():
        if day >= D(2023, 4, 7):
            pe[span.index(day)] = value
    assert round(percentile_of_earlier(pe, last), 1) == target, percentile_of_earlier(pe, last)
    return pd.Series(pe, index=pd.Index(span, name="day"))


# ------------------------------------------------------------------ legulegu all-A median valuations
@cache
def legulegu() -> pd.DataFrame:
    """Median and mean PE (TTM/LYR) and PB per day since 2013, with their own quantiles (fractions)."""
    span = long_days()
    g = rng("legulegu")

    def series(anchors: dict[date, float], vol: float) -> np.ndarray:
        return np.round(bridge(span, anchors, vol, g), 2)

    mid_ttm = series(
        {
            HISTORY_START: 30.5,
            D(2015, 6, 12): 82.0,
            D(2016, 1, 28): 48.0,
            D(2018, 10, 18): 19.8,
            D(2019, 4, 8): 30.1,
            D(2020, 12, 31): 33.5,
            D(2021, 12, 31): 34.2,
            D(2022, 10, 31): 26.9,
            D(2023, 4, 14): 31.4,
        },
        0.008,
    )
    avg_ttm = np.round(mid_ttm * np.exp(0.45 + ar1(len(span), g, 0.01, 0.97)), 2)
    mid_lyr = np.round(mid_ttm * np.exp(0.04 + ar1(len(span), g, 0.008, 0.97)), 2)
    avg_lyr = np.round(avg_ttm * np.exp(0.05 + ar1(len(span), g, 0.008, 0.97)), 2)
    mid_pb = series(
        {
            HISTORY_START: 2.6,
            D(2015, 6, 12): 7.6,
            D(2016, 1, 28): 4.3,
            D(2018, 10, 18): 1.78,
            D(2019, 4, 8): 2.55,
            D(2020, 12, 31): 2.75,
            D(2021, 12, 31): 2.86,
            D(2022, 10, 31): 2.34,
            D(2023, 4, 14): 2.62,
        },
        0.007,
    )
    avg_pb = np.round(mid_pb * np.exp(0.28 + ar1(len(span), g, 0.008, 0.97)), 2)
    out = pd.DataFrame(
        {
            "middlePETTM": mid_ttm,
            "averagePETTM": avg_ttm,
            "middlePELYR": mid_lyr,
            "averagePELYR": avg_lyr,
            "middlePB": mid_pb,
            "equalWeightAveragePB": avg_pb,
        },
        index=pd.Index(span, name="day"),
    )
    years10 = 244 * 10
    for column in list(out.columns):
        values = out[column].to_numpy()
        all_q = np.empty(len(values))
        ten_q = np.empty(len(values))
        for i in range(len(values)):
            window = values[: i + 1]
            all_q[i] = (window <= values[i]).mean()
            ten_q[i] = (values[max(0, i + 1 - years10) : i + 1] <= values[i]).mean()
        out["q_all_" + column] = np.round(all_q, 4)
        out["q_10y_" + column] = np.round(ten_q, 4)
    return out
