"""ETFs (shares outstanding and daily bars) and newly established funds of the demo."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np
import pandas as pd

from ground.settings import DBT_PROJECT_DIR
from ingestion.demo import figures as F
from ingestion.demo.calendar import week_days
from ingestion.demo.common import rng
from ingestion.demo.market import days
from ingestion.demo.series import bridge

D = date
W14 = week_days("2023-W14")
W15 = week_days("2023-W15")
APR14 = D(2023, 4, 14)


@dataclass(frozen=True)
class Etf:
    code: str
    name: str
    exchange: str
    etf_type: str
    group: str | None  # seed group (None: not in the seed)
    shares: float  # 份 at the start of 2021
    price: float  # close on 2023-04-14 (元)


# 2023-W15 change of shares by ETF, 亿份 (group totals are the published figures; 588000 makes 86.7)
W15_SHARES = {
    "510300": -3.9,
    "159915": -13.5,
    "510500": -5.9,
    "510050": -1.1,
    "159781": -6.5,
    "588000": 1.7,
    "159939": -13.1,
    "159928": 11.8,
    "512010": 78.7,
    "512000": 9.0,
    "512070": 10.4,
    "512660": 1.3,
    "512400": 0.4,
    "515030": 25.0,
    "515700": -7.6,
}
PRICES = {
    "510300": 4.218,
    "159915": 2.466,
    "510500": 6.396,
    "510050": 2.741,
    "159781": 0.958,
    "588000": 1.098,
    "159939": 0.975,
    "159928": 0.936,
    "512000": 0.951,
    "512070": 1.062,
    "512660": 1.102,
    "512400": 1.356,
    "515030": 1.768,
    "515700": 1.263,
}
BASE_SHARES = {
    "510300": 1.63e10,
    "159915": 1.28e10,
    "510500": 5.6e9,
    "510050": 2.02e10,
    "159781": 5.1e9,
    "588000": 1.05e10,
    "159939": 5.4e9,
    "159928": 8.7e9,
    "512010": 3.1e10,
    "512000": 3.2e10,
    "512070": 2.3e9,
    "512660": 1.0e10,
    "512400": 6.9e9,
    "515030": 5.2e9,
    "515700": 3.3e9,
}
SSE_TYPES = {"510300": "跨市场ETF", "510500": "跨市场ETF", "588000": "单市场ETF", "510050": "单市场ETF"}
FILLER = [
    Etf("511010", "国债ETF", "SSE", "债券ETF", None, 3.6e7, 128.95),
    Etf("518880", "黄金ETF", "SSE", "黄金ETF", None, 1.05e9, 4.352),
    Etf("513050", "中概互联网ETF", "SSE", "跨境ETF", None, 1.2e10, 1.042),
    Etf("159919", "沪深300ETF", "SZSE", "ETF", None, 4.1e9, 4.295),
    Etf("159920", "恒生ETF", "SZSE", "ETF", None, 1.6e10, 1.186),
]


@cache
def _prices() -> dict[str, float]:
    """Closes on 2023-04-14; the healthcare ETF's (then the NEV ETF's) price makes the week's value 19.2 亿元."""
    prices = dict(PRICES)
    rest = sum(W15_SHARES[c] * p for c, p in prices.items())
    prices["512010"] = round((F.ETF_VALUE - rest) / W15_SHARES["512010"], 3)
    residual = F.ETF_VALUE - sum(W15_SHARES[c] * p for c, p in prices.items())
    prices["515030"] = round(prices["515030"] + residual / W15_SHARES["515030"], 3)
    return prices


@cache
def etfs() -> tuple[Etf, ...]:
    """Seed ETFs (dbt_project/seeds/etf_groups.csv) and a few others the exchanges list."""
    out = []
    prices = _prices()
    with open(DBT_PROJECT_DIR / "seeds" / "etf_groups.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["fund_code"]
            kind = SSE_TYPES.get(code, "单市场ETF") if row["exchange"] == "SSE" else "ETF"
            out.append(
                Etf(code, row["fund_name"], row["exchange"], kind, row["etf_group"], BASE_SHARES[code], prices[code])
            )
    return tuple(out + FILLER)


@cache
def etf_shares() -> pd.DataFrame:
    """Shares outstanding (份) per ETF (columns) and trading day."""
    span = list(days())
    n = len(span)
    out = {}
    for etf in etfs():
        g = rng("etf_shares", etf.code)
        delta = np.round(g.normal(0.0006, 0.006, n) * etf.shares / 1e4, 0) * 1e4
        delta[0] = 0.0
        if etf.code in W15_SHARES:
            target = W15_SHARES[etf.code] * 1e8
            weights = g.dirichlet(np.ones(len(W15)) * 2)
            parts = np.round(target * weights / 1e4, 0) * 1e4
            parts[-1] = target - parts[:-1].sum()
            for day, part in zip(W15, parts, strict=True):
                delta[span.index(day)] = part
        shares = etf.shares + np.cumsum(delta)
        assert (shares > 0).all(), etf.code
        out[etf.code] = shares
    return pd.DataFrame(out, index=pd.Index(span, name="day"))


@cache
def etf_bars(code: str) -> pd.DataFrame:
    etf = next(e for e in etfs() if e.code == code)
    span = list(days())
    n = len(span)
    g = rng("etf_bars", code)
    close = np.round(
        bridge(span, {span[0]: etf.price * float(np.exp(g.normal(0.05, 0.2))), APR14: etf.price}, 0.014, g), 3
    )
    prev = np.concatenate([[close[0]], close[:-1]])
    open_ = np.round(prev * (1 + g.normal(0, 0.004, n)), 3)
    high = np.round(np.maximum(open_, close) * (1 + np.abs(g.normal(0, 0.005, n))), 3)
    low = np.round(np.minimum(open_, close) * (1 - np.abs(g.normal(0, 0.005, n))), 3)
    shares = etf_shares()[code].to_numpy()
    rate = np.clip(np.exp(g.normal(np.log(0.025), 0.5, n)), 0.002, 0.3)
    volume = np.round(shares * rate / 100, 0)  # 手
    amount = np.round(volume * 100 * close, 0)
    return pd.DataFrame(
        {
            "open": open_,
            "close": close,
            "high": high,
            "low": low,
            "volume": volume,
            "amount": amount,
            "amplitude": np.round((high - low) / prev * 100, 2),
            "change": np.round((close / prev - 1) * 100, 2),
            "change_amount": np.round(close - prev, 3),
            "turnover": np.round(rate * 100, 2),
        },
        index=pd.Index(span, name="day"),
    )


# ------------------------------------------------------------------ new funds (fund_new_found_em)
EQUITY_TYPES = ("股票型", "混合型-偏股", "混合型-灵活", "指数型-股票")
OTHER_TYPES = (
    "债券型-长债",
    "债券型-中短债",
    "债券型-混合二级",
    "混合型-偏债",
    "指数型-固收",
    "FOF-稳健型",
    "货币型",
    "QDII-普通股票",
)
COMPANIES = [
    "华夏基金",
    "易方达基金",
    "广发基金",
    "南方基金",
    "嘉实基金",
    "富国基金",
    "汇添富基金",
    "招商基金",
    "博时基金",
    "鹏华基金",
    "工银瑞信基金",
    "建信基金",
    "中欧基金",
    "兴证全球基金",
    "景顺长城基金",
    "华安基金",
    "银华基金",
]
THEMES = [
    "成长",
    "价值",
    "医疗健康",
    "科技创新",
    "消费升级",
    "新能源",
    "优选",
    "稳健",
    "红利",
    "均衡",
    "先进制造",
    "数字经济",
]
SUFFIX = {
    "股票型": "股票",
    "混合型-偏股": "混合",
    "混合型-灵活": "灵活配置混合",
    "指数型-股票": "指数",
    "债券型-长债": "纯债债券",
    "债券型-中短债": "中短债债券",
    "债券型-混合二级": "增强债券",
    "混合型-偏债": "稳健养老混合",
    "指数型-固收": "政金债指数",
    "FOF-稳健型": "稳健养老目标一年持有期混合(FOF)",
    "货币型": "货币",
    "QDII-普通股票": "全球精选股票(QDII)",
}
MANAGERS = [
    "张伟",
    "王芳",
    "李娜",
    "刘洋",
    "陈杰",
    "杨帆",
    "赵磊",
    "黄静",
    "周强",
    "吴敏",
    "徐涛",
    "孙丽",
    "马超",
    "朱琳",
]
# (established, type, 亿份): the equity-like funds of W14 (19.1) and W15 (15.9), all Monday..Thursday
PINNED_FUNDS = [
    (D(2023, 4, 3), "股票型", 6.31),
    (D(2023, 4, 4), "混合型-偏股", 4.02),
    (D(2023, 4, 4), "指数型-股票", 3.58),
    (D(2023, 4, 6), "混合型-灵活", 2.76),
    (D(2023, 4, 6), "混合型-偏股", 2.43),
    (D(2023, 4, 3), "债券型-长债", 29.87),
    (D(2023, 4, 7), "债券型-中短债", 12.06),
    (D(2023, 4, 7), "FOF-稳健型", 4.11),
    (D(2023, 4, 10), "股票型", 5.12),
    (D(2023, 4, 11), "混合型-偏股", 3.85),
    (D(2023, 4, 12), "指数型-股票", 4.46),
    (D(2023, 4, 13), "混合型-灵活", 2.47),
    (D(2023, 4, 11), "债券型-长债", 20.01),
    (D(2023, 4, 12), "混合型-偏债", 3.20),
    (D(2023, 4, 13), "FOF-稳健型", 5.50),
]


@cache
def new_funds() -> pd.DataFrame:
    """Every fund established 2021-01-04 .. 2023-04-13 (the last day public by the demo's as-of moment)."""
    span = [d for d in days() if d <= D(2023, 4, 13)]
    g = rng("new_funds")
    pinned_days = {d for w in (W14, W15) for d in w}
    plan: list[tuple[date, str, float]] = []
    for day in span:
        if day in pinned_days:
            continue
        for _ in range(int(g.integers(0, 4))):
            if g.uniform() < 0.55:
                kind = str(g.choice(EQUITY_TYPES))
                size = float(np.exp(g.normal(np.log(4.5), 0.7)))
            else:
                kind = str(g.choice(OTHER_TYPES))
                size = float(np.exp(g.normal(np.log(12.0), 0.8)))
            plan.append((day, kind, round(min(size, 80.0), 2)))
    plan += PINNED_FUNDS
    plan.sort(key=lambda p: (p[0], p[1], p[2]))
    rows = []
    for i, (day, kind, size) in enumerate(plan):
        company = str(g.choice(COMPANIES))
        start = day - timedelta(days=int(g.integers(14, 35)))
        end = day - timedelta(days=int(g.integers(2, 6)))
        rows.append(
            {
                "基金代码": f"{10100 + i * 3 + int(g.integers(0, 3)):06d}",
                "基金简称": f"{company[:-2]}{g.choice(THEMES)}{SUFFIX[kind]}" + ("A" if g.uniform() < 0.6 else "C"),
                "发行公司": company,
                "基金类型": kind,
                "集中认购期": f"{start:%Y-%m-%d}至{end:%Y-%m-%d}",
                "募集份额": size,
                "成立日期": day,
                "成立来涨幅": 0.0,
                "基金经理": str(g.choice(MANAGERS)),
                "申购状态": "封闭期"
                if kind in EQUITY_TYPES and g.uniform() < 0.5
                else str(g.choice(["开放申购", "暂停申购"])),
                "优惠费率": float(g.choice([0.0, 0.08, 0.10, 0.12, 0.15])),
            }
        )
    frame = pd.DataFrame(rows)
    return frame.drop_duplicates(subset=["基金代码"]).reset_index(drop=True)
