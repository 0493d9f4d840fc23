"""The per-stock universe of the demo: 248 stocks (8 per Shenwan level-1 industry, half SSE,
half SZSE), their point-in-time industry records, prices, margin detail, northbound holdings,
shareholder changes and planned reductions. Industry sums over the universe give the published
industry figures of week 2023-W15.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np
import pandas as pd

from ingestion.demo import figures as F
from ingestion.demo.calendar import week_days
from ingestion.demo.common import rng
from ingestion.demo.market import SW_W15, days
from ingestion.demo.schedule import snapshot_dates
from ingestion.demo.series import bridge

D = date
W15 = week_days("2023-W15")
W15_MARGIN = W15[:4]  # Monday .. Thursday: Friday's margin data is public on Saturday 09:00

SHORT = {
    "农林牧渔": "农牧",
    "基础化工": "化工",
    "钢铁": "钢铁",
    "有色金属": "有色",
    "电子": "电子",
    "汽车": "汽车",
    "家用电器": "家电",
    "食品饮料": "食品",
    "纺织服饰": "纺织",
    "轻工制造": "轻工",
    "医药生物": "医药",
    "公用事业": "公用",
    "交通运输": "交运",
    "房地产": "地产",
    "商贸零售": "商贸",
    "社会服务": "社服",
    "银行": "银行",
    "非银金融": "金融",
    "综合": "综合",
    "建筑材料": "建材",
    "建筑装饰": "建工",
    "电力设备": "电新",
    "机械设备": "机械",
    "国防军工": "军工",
    "计算机": "信息",
    "传媒": "传媒",
    "通信": "通信",
    "煤炭": "煤业",
    "石油石化": "石化",
    "环保": "环保",
    "美容护理": "美护",
}
SUFFIX = ["股份", "科技", "集团", "控股", "实业", "发展", "新材", "智能"]
EM_BOARD = {
    "农林牧渔": "农牧饲渔",
    "基础化工": "化学制品",
    "钢铁": "钢铁行业",
    "有色金属": "有色金属",
    "电子": "半导体",
    "汽车": "汽车零部件",
    "家用电器": "家电行业",
    "食品饮料": "酿酒行业",
    "纺织服饰": "纺织服装",
    "轻工制造": "造纸印刷",
    "医药生物": "医疗服务",
    "公用事业": "电力行业",
    "交通运输": "航运港口",
    "房地产": "房地产开发",
    "商贸零售": "商业百货",
    "社会服务": "旅游酒店",
    "银行": "银行",
    "非银金融": "证券",
    "综合": "综合行业",
    "建筑材料": "水泥建材",
    "建筑装饰": "工程建设",
    "电力设备": "光伏设备",
    "机械设备": "专用设备",
    "国防军工": "航天航空",
    "计算机": "软件开发",
    "传媒": "文化传媒",
    "通信": "通信设备",
    "煤炭": "煤炭行业",
    "石油石化": "石油行业",
    "环保": "环保行业",
    "美容护理": "美容护理",
}
# real names the note mentions (their values are synthetic like everything else)
NAMED: dict[str, tuple[str, str]] = {
    "600519": ("贵州茅台", "食品饮料"),
    "601318": ("中国平安", "非银金融"),
    "603259": ("药明康德", "医药生物"),
    "601919": ("中远海控", "交通运输"),
    "688111": ("金山办公", "计算机"),
    "601689": ("拓普集团", "汽车"),
    "300418": ("昆仑万维", "传媒"),
    "000977": ("浪潮信息", "计算机"),
    "601138": ("工业富联", "电子"),
    "688012": ("中微公司", "电子"),
}
NAMED_PRICE = {
    "600519": 1790.0,
    "601318": 48.6,
    "603259": 82.5,
    "601919": 11.2,
    "688111": 386.0,
    "601689": 71.3,
    "300418": 52.8,
    "000977": 46.5,
    "601138": 19.7,
    "688012": 181.0,
}
NAMED_SHARES = {
    "600519": 12.56,
    "601318": 182.8,
    "603259": 29.6,
    "601919": 160.3,
    "688111": 4.61,
    "601689": 11.0,
    "300418": 12.0,
    "000977": 14.7,
    "601138": 198.6,
    "688012": 6.16,
}
PRICE_LEVEL = {
    "银行": 5.5,
    "非银金融": 14.0,
    "食品饮料": 65.0,
    "煤炭": 14.0,
    "钢铁": 5.0,
    "石油石化": 6.0,
    "房地产": 7.0,
    "建筑装饰": 6.5,
    "公用事业": 7.5,
    "交通运输": 9.0,
    "医药生物": 45.0,
    "电子": 38.0,
    "计算机": 32.0,
    "电力设备": 42.0,
    "美容护理": 75.0,
    "社会服务": 40.0,
}

# ------------------------------------------------------------------ week 2023-W15 targets by industry (亿元)
NORTHBOUND_W15 = {
    **F.NORTHBOUND_INDUSTRY,
    "交通运输": 8.8,
    "计算机": 7.6,
    "汽车": 5.9,
    "银行": 4.2,
    "电力设备": 3.3,
    "通信": 2.7,
    "煤炭": 2.1,
    "石油石化": 1.6,
    "建筑装饰": 1.4,
    "建筑材料": 0.9,
    "机械设备": 0.6,
    "基础化工": 0.5,
    "钢铁": 0.3,
    "环保": 0.2,
    "综合": 0.1,
    "纺织服饰": -0.2,
    "轻工制造": -0.4,
    "商贸零售": -0.6,
    "社会服务": -0.9,
    "农林牧渔": -1.2,
    "美容护理": -1.4,
    "房地产": -1.8,
    "国防军工": -2.3,
    "电子": -3.6,
    "医药生物": -5.9,
}
MARGIN_W15 = {
    "传媒": F.MARGIN_MEDIA,
    "食品饮料": 21.0,
    "计算机": 17.9,
    "电力设备": 11.2,
    "通信": 8.6,
    "医药生物": 7.7,
    "机械设备": 4.4,
    "国防军工": 3.9,
    "非银金融": 3.3,
    "银行": 2.6,
    "公用事业": 2.1,
    "交通运输": 1.7,
    "建筑装饰": 1.5,
    "基础化工": 1.2,
    "石油石化": 0.9,
    "煤炭": 0.8,
    "建筑材料": 0.6,
    "环保": 0.4,
    "综合": 0.2,
    "纺织服饰": 0.1,
    "美容护理": -0.2,
    "轻工制造": -0.4,
    "商贸零售": -0.7,
    "社会服务": -0.9,
    "农林牧渔": -1.1,
    "房地产": -1.5,
    "家用电器": -1.9,
    "电子": -2.6,
    "钢铁": -4.8,
    "汽车": -7.3,
    "有色金属": -9.6,
}
# the stocks the note names (个股方面), with synthetic week 2023-W15 flows (亿元) in the note's order:
# northbound net buyers 中远海控, 金山办公, 拓普集团 and sellers 贵州茅台, 中国平安, 药明康德; margin net
# buyers 贵州茅台, 昆仑万维, 浪潮信息 and sellers 拓普集团, 工业富联, 中微公司 (the other stocks of their
# industries carry the rest of the industry's figure)
NORTHBOUND_STOCKS_W15 = {
    "601919": 14.6,
    "688111": 11.8,
    "601689": 9.3,
    "600519": -15.9,
    "601318": -13.2,
    "603259": -10.4,
}
MARGIN_STOCKS_W15 = {
    "600519": 24.6,
    "300418": 19.8,
    "000977": 15.2,
    "601689": -8.1,
    "601138": -5.3,
    "688012": -3.4,
}
# shareholder changes announced in W15, by industry (亿元): increases 25.8, decreases 49.3
GGCG_W15_INC = {"机械设备": 9.2, "有色金属": 7.5, "食品饮料": 5.1, "银行": 2.0, "医药生物": 2.0}
GGCG_W15_DEC = {"电子": 16.4, "计算机": 12.7, "基础化工": 9.8, "医药生物": 4.1, "传媒": 3.2, "汽车": 3.1}
GGCG_W14_INC = {"电力设备": 6.1, "银行": 4.4, "机械设备": 3.9, "建筑装饰": 2.5, "公用事业": 1.4}
GGCG_W14_DEC = {"电子": 14.2, "医药生物": 11.6, "计算机": 9.8, "基础化工": 7.1, "电力设备": 6.3, "通信": 4.9}
PLANNED_W15 = {"电子": 9.6, "医药生物": 7.8, "计算机": 6.4, "基础化工": 5.1, "机械设备": 4.3, "传媒": 3.2, "汽车": 2.0}
PLANNED_W14 = {"电子": 14.1, "医药生物": 11.2, "电力设备": 9.8, "计算机": 8.5, "基础化工": 6.7, "通信": 4.6}


@dataclass(frozen=True)
class Stock:
    code: str
    name: str
    industry: str  # Shenwan level-1 name (current)
    l3: str  # current level-3 code
    exchange: str  # SSE | SZSE
    listed: date
    total_shares: float  # 亿股
    float_ratio: float


@cache
def universe() -> tuple[Stock, ...]:
    g = rng("universe")
    used = set(NAMED)
    named_by_industry: dict[str, list[str]] = {}
    for code, (_, industry) in NAMED.items():
        named_by_industry.setdefault(industry, []).append(code)
    stocks: list[Stock] = []
    new_listings = iter(
        [D(2022, 3, 15), D(2022, 5, 20), D(2022, 8, 10), D(2022, 9, 22), D(2022, 11, 8), D(2022, 12, 6)]
    )
    new_listing_slots = {(i * 5 + 3) % 31 for i in range(6)}
    for pos, (l1, (_, industry)) in enumerate(F.SW_L1.items()):
        named = named_by_industry.get(industry, [])
        sse_named = [c for c in named if c.startswith("6")]
        szse_named = [c for c in named if not c.startswith("6")]
        codes: list[str] = []
        for exchange, fixed in (("SSE", sse_named), ("SZSE", szse_named)):
            picked = list(fixed)
            while len(picked) < 4:
                if exchange == "SSE":
                    prefix = str(g.choice(["600", "601", "603", "605", "688"]))
                else:
                    prefix = str(g.choice(["000", "002", "002", "300", "301"]))
                code = prefix + f"{int(g.integers(1, 1000)):03d}"
                if code not in used and code not in NAMED:
                    used.add(code)
                    picked.append(code)
            codes += picked
        suffixes = list(g.permutation(SUFFIX))
        for k, code in enumerate(codes):
            name = NAMED[code][0] if code in NAMED else SHORT[industry] + str(suffixes[k])
            l3 = f"{l1[:2]}{int(g.integers(1, 4)):02d}{int(g.integers(1, 4)):02d}"
            listed = D(int(g.integers(2001, 2020)), int(g.integers(1, 13)), int(g.integers(1, 28)))
            if k == 7 and pos in new_listing_slots and code not in NAMED:
                listed = next(new_listings)
            shares = NAMED_SHARES.get(code, float(np.round(np.exp(g.normal(2.2, 0.9)), 2)))
            stocks.append(
                Stock(
                    code,
                    name,
                    industry,
                    l3,
                    "SSE" if code.startswith("6") else "SZSE",
                    listed,
                    shares,
                    float(np.round(g.uniform(0.55, 1.0), 3)),
                )
            )
    return tuple(stocks)


def by_code() -> dict[str, Stock]:
    return {s.code: s for s in universe()}


@cache
def industry_history() -> pd.DataFrame:
    """Point-in-time Shenwan records: symbol, start_date, industry_code (level 3), update_time."""
    g = rng("industry_history")
    rows = []
    codes = list(F.SW_L1)
    for i, s in enumerate(universe()):
        start = s.listed
        if i % 23 == 5 and s.listed < D(2021, 1, 1):
            # changed level-1 industry in July 2022
            old_l1 = codes[(codes.index(s.l3[:2] + "0000") + 7) % len(codes)]
            old = f"{old_l1[:2]}{int(g.integers(1, 4)):02d}01"
            rows.append((s.code, start, old, start))
            rows.append((s.code, D(2022, 7, 1), s.l3, D(2022, 6, 24)))
        elif i % 7 == 2 and s.listed < D(2021, 1, 1):
            # Shenwan 2021 reclassification: same level 1, another level 3
            old = s.l3[:4] + ("02" if s.l3[4:] != "02" else "01")
            rows.append((s.code, start, old, start))
            rows.append((s.code, D(2021, 7, 30), s.l3, D(2021, 7, 30)))
        else:
            rows.append((s.code, start, s.l3, start))
    return pd.DataFrame(rows, columns=["symbol", "start_date", "industry_code", "update_time"])


# ------------------------------------------------------------------ prices
@cache
def prices() -> pd.DataFrame:
    """Close per stock (columns) and trading day (index); NaN before listing."""
    span = list(days())
    out = {}
    for s in universe():
        g = rng("price", s.code)
        level = NAMED_PRICE.get(s.code, PRICE_LEVEL.get(s.industry, 18.0) * float(np.exp(g.normal(0, 0.5))))
        p7 = round(level, 2)
        r15 = SW_W15[s.industry] + g.normal(0, 1.5)
        first = max(s.listed, span[0])
        first = next(d for d in span if d >= first)
        sub = [d for d in span if d >= first]
        anchors = {
            sub[0]: p7 * float(np.exp(g.normal(0.0, 0.3))),
            D(2023, 4, 7): p7,
            D(2023, 4, 14): round(p7 * (1 + r15 / 100), 2),
        }
        path = np.round(bridge(sub, anchors, 0.022, g), 2)
        series = pd.Series(np.nan, index=span)
        series.loc[sub] = path
        out[s.code] = series
    frame = pd.DataFrame(out)
    frame.index = pd.Index(span, name="day")
    return frame


def first_snapshot(day: date) -> date:
    """The first stock_ggcg_em snapshot fetched on or after ``day``."""
    return min(d for d in snapshot_dates() if d >= day)


def listed_on(day: date) -> list[Stock]:
    return [s for s in universe() if s.listed <= day]


def _driver_days(
    targets: dict[str, float],
    flows: pd.DataFrame,
    window: list[date],
    pins: dict[str, float],
    scale: float,
    g: np.random.Generator,
) -> None:
    """Add to ``flows`` (元 or 万元 per stock and day) so each pinned stock's sum over ``window`` is its
    pin and each industry's sum hits its target (the industry's other stocks carry the rest)."""
    members: dict[str, list[str]] = {}
    for s in universe():
        members.setdefault(s.industry, []).append(s.code)

    def spread(carriers: list[str], gap: float) -> None:
        weights = g.uniform(0.5, 1.5, (len(window), len(carriers)))
        weights = weights / weights.sum()
        add = np.round(gap * weights, 2)
        add[-1, -1] = round(gap - (add.sum() - add[-1, -1]), 2)
        flows.loc[window, carriers] = flows.loc[window, carriers].to_numpy() + add

    for code, pin in pins.items():
        spread([code], round(pin * scale - flows.loc[window, code].to_numpy().sum(), 2))
    for industry, target in targets.items():
        codes = members[industry]
        current = flows.loc[window, codes].to_numpy().sum()
        carriers = [c for c in codes if c not in pins]
        spread(carriers, round(target * scale - current, 2))


# ------------------------------------------------------------------ margin detail (元)
@cache
def margin_detail() -> dict[str, pd.DataFrame]:
    """Per stock and day: financing balance, buys and repayments (元), short-selling volumes (股)."""
    span = list(days())
    px = prices()
    g = rng("margin_detail")
    n = len(span)
    base = {}
    for s in universe():
        cap = s.total_shares * 1e8 * float(np.nanmean(px[s.code].to_numpy()))
        base[s.code] = max(cap * float(np.exp(g.normal(np.log(0.018), 0.5))), 8e8 + 1e8 * float(g.uniform()))
    base["600519"], base["300418"], base["000977"] = 1.8e10, 4.6e9, 3.9e9
    base["601689"], base["601138"], base["688012"] = 3.2e9, 2.6e9, 2.2e9
    net = pd.DataFrame({c: np.round(g.normal(0, 0.006, n) * b, 0) for c, b in base.items()}, index=span)
    for s in universe():
        net.loc[[d for d in span if d <= s.listed], s.code] = 0.0
    _driver_days(MARGIN_W15, net, W15_MARGIN, MARGIN_STOCKS_W15, 1e8, g)
    net = net.round(0)
    balance = net.cumsum() + pd.Series(base)
    assert (balance.to_numpy() > 0).all()
    buys = np.round(net.abs() + balance * g.uniform(0.02, 0.06, (n, len(base))), 0)
    repay = np.round(buys - net, 0)
    short = pd.DataFrame(
        {c: np.round(np.abs(g.normal(0, 1, n)) * b / 4e3 / 100, 0) * 100 for c, b in base.items()}, index=span
    )
    short_sell = np.round(short * g.uniform(0, 0.15, (n, len(base))) / 100, 0) * 100
    short_back = np.round(short * g.uniform(0, 0.15, (n, len(base))) / 100, 0) * 100
    return {
        "balance": balance,
        "buy": buys,
        "repay": repay,
        "short": short,
        "short_sell": short_sell,
        "short_back": short_back,
    }


# ------------------------------------------------------------------ northbound holdings (万股, 万元)
@cache
def northbound() -> dict[str, pd.DataFrame]:
    span = list(days())
    px = prices()
    g = rng("northbound")
    n = len(span)
    value_flow = pd.DataFrame(index=span, columns=[s.code for s in universe()], dtype=float)
    holding0 = {}
    for s in universe():
        float_shares = s.total_shares * 1e4 * s.float_ratio  # 万股
        price = px[s.code].fillna(0.0).to_numpy()
        ratio = float(np.clip(np.exp(g.normal(np.log(0.035), 0.6)), 0.003, 0.2))
        holding0[s.code] = max(float_shares * ratio, 80000.0 / float(np.nanmean(px[s.code].to_numpy())))
        value_flow[s.code] = np.round(g.normal(0, 0.004, n) * holding0[s.code] * price, 2)
        value_flow.loc[[d for d in span if d <= s.listed], s.code] = 0.0
    _driver_days(NORTHBOUND_W15, value_flow, W15, NORTHBOUND_STOCKS_W15, 1e4, g)
    with np.errstate(invalid="ignore", divide="ignore"):
        added = (value_flow / px).fillna(0.0).round(2)
    holding = added.cumsum() + pd.Series(holding0)
    assert (holding.to_numpy() > 0).all()
    return {"value": value_flow.round(2), "shares": added, "holding": holding.round(2)}


# ------------------------------------------------------------------ shareholder changes (stock_ggcg_em)
HOLDERS = ["控股股东", "实际控制人", "一致行动人", "董事长", "总经理", "副总经理", "持股5%以上股东", "员工持股平台"]
PEOPLE = ["张伟", "王芳", "李娜", "刘洋", "陈杰", "杨帆", "赵磊", "黄静", "周强", "吴敏", "徐涛", "孙丽"]


def _holder(g: np.random.Generator, stock: Stock) -> str:
    kind = int(g.integers(0, 3))
    if kind == 0:
        return f"{stock.name[:2]}{g.choice(['投资', '控股', '实业', '资本'])}有限公司"
    if kind == 1:
        return str(g.choice(PEOPLE))
    return f"{g.choice(['宁波', '深圳', '上海', '杭州', '北京'])}{g.choice(['和瑞', '远景', '同创', '鼎盛', '恒信'])}投资合伙企业(有限合伙)"


@cache
def shareholder_changes() -> pd.DataFrame:
    """Every change record: code, holder, direction, shares (万股), start, end, announcement day. The W14 and W15
    amounts are pinned at 最新价 of the first snapshot that shows the record (its close on that day)."""
    span = list(days())
    px = prices()
    g = rng("ggcg")
    rows = []

    def add(day: date, stock: Stock, direction: str, shares: float) -> None:
        start = day - timedelta(days=int(g.integers(3, 40)))
        end = day - timedelta(days=int(g.integers(0, 3)))
        rows.append(
            {
                "code": stock.code,
                "holder": _holder(g, stock),
                "direction": direction,
                "shares": round(shares, 2),
                "start": min(start, end),
                "end": end,
                "announced": day,
            }
        )

    pinned = {d for w in ("2023-W14", "2023-W15") for d in week_days(w)}
    for day in span:
        if day in pinned:
            continue
        stocks = listed_on(day)
        for _ in range(int(g.integers(1, 5))):
            s = stocks[int(g.integers(0, len(stocks)))]
            price = float(px.at[day, s.code])
            amount = float(np.exp(g.normal(np.log(0.6), 0.9)))  # 亿元
            direction = "减持" if g.uniform() < 0.62 else "增持"
            add(day, s, direction, amount * 1e4 / price)

    members: dict[str, list[Stock]] = {}
    for s in universe():
        members.setdefault(s.industry, []).append(s)
    for week, inc, dec in (("2023-W14", GGCG_W14_INC, GGCG_W14_DEC), ("2023-W15", GGCG_W15_INC, GGCG_W15_DEC)):
        wdays = week_days(week)
        for direction, targets in (("增持", inc), ("减持", dec)):
            for industry, amount in targets.items():
                pool = members[industry]
                parts = max(1, min(3, round(amount / 3)))
                split = np.round(amount * g.dirichlet(np.ones(parts) * 3), 4)
                split[-1] = round(amount - split[:-1].sum(), 4)
                for part in split:
                    s = pool[int(g.integers(0, len(pool)))]
                    day = wdays[int(g.integers(0, len(wdays)))]
                    seen = first_snapshot(day)  # the amount uses 最新价 of the first load that shows the record
                    add(day, s, direction, float(part) * 1e4 / float(px.at[seen, s.code]))
    frame = pd.DataFrame(rows)
    frame = frame.drop_duplicates(subset=["code", "holder", "direction", "start", "end", "announced"])
    return frame.sort_values(["announced", "code", "holder"]).reset_index(drop=True)


# ------------------------------------------------------------------ planned reductions (curated)
@cache
def planned_reductions() -> pd.DataFrame:
    span = list(days())
    px = prices()
    g = rng("planned")
    rows = []

    def add(day: date, s: Stock, amount: float) -> None:
        price = float(px.at[day, s.code])
        shares = round(amount * 1e4 / price, 2)
        rows.append(
            {
                "day": day,
                "code": s.code,
                "name": s.name,
                "holder": _holder(g, s),
                "shares": shares,
                "price": price,
            }
        )

    pinned = {d for w in ("2023-W14", "2023-W15") for d in week_days(w)}
    for day in span:
        if day in pinned:
            continue
        stocks = listed_on(day)
        for _ in range(int(g.integers(0, 3))):
            s = stocks[int(g.integers(0, len(stocks)))]
            add(day, s, float(np.exp(g.normal(np.log(2.0), 0.8))))
    members: dict[str, list[Stock]] = {}
    for s in universe():
        members.setdefault(s.industry, []).append(s)
    for week, targets in (("2023-W14", PLANNED_W14), ("2023-W15", PLANNED_W15)):
        wdays = week_days(week)
        for industry, amount in targets.items():
            pool = members[industry]
            s = pool[int(g.integers(0, len(pool)))]
            add(wdays[int(g.integers(0, len(wdays)))], s, amount)
    frame = pd.DataFrame(rows).drop_duplicates(subset=["day", "code", "holder"])
    return frame.sort_values(["day", "code"]).reset_index(drop=True)


# ------------------------------------------------------------------ share capital behind the 占比 columns
@cache
def share_capital() -> dict[str, float]:
    """Total shares per stock (万股) for the ratio columns (占总股本比, 占流通股比, 拟减持比例上限).

    The flows are drawn to reproduce the published aggregates, not from a stock's size, so a
    small stock's registered capital could make a ratio implausible (northbound holding above
    the float, a single change above the total). Capital is raised until northbound holds at
    most 28 % of the float and one change or plan is at most 10 % of the total, as in real data.
    """
    holding = northbound()["holding"].max()
    changes = shareholder_changes().groupby("code")["shares"].max()
    plans = planned_reductions().groupby("code")["shares"].max()
    out = {}
    for s in universe():
        out[s.code] = max(
            s.total_shares * 1e4,
            float(holding.get(s.code, 0.0)) / 0.28 / s.float_ratio,
            float(changes.get(s.code, 0.0)) / 0.10,
            float(plans.get(s.code, 0.0)) / 0.10,
        )
    return out
