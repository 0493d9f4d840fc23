"""The note's data sentences, written from the marts by templates.

Every direction word (扩大/收窄/转正/转负, 上行/下行, 净流入/净流出, 净申购/净赎回 …) is chosen by
the small pure functions at the top of this module from the numbers, never typed in; the
section functions below only put numbers and those words into the note's sentence patterns
(「北上资金本周净流入47.6亿元，从前期净流出转为净流入」, 「3月挖掘机销量为25578台，同比跌幅扩大
18.64个百分点至31.03%」).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from reporting.formatting import absnum, cn_number, count, day_cn, join_cn, month_cn, num, pct, yi

Row = dict[str, Any]


# --------------------------------------------------------------------------- direction words


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def yoy_trend(current: float | None, previous: float | None, *, fall: str = "降幅") -> str | None:
    """How a growth rate moved from ``previous`` to ``current`` (both in %).

    转正 / 转负 when the sign flips; otherwise 增幅扩大 / 增幅收窄 while both are ≥ 0 and
    降幅扩大 / 降幅收窄 (``fall`` = 跌幅 for sales, as the note writes for excavators) while both
    are ≤ 0; 持平 when unchanged. None when either is missing.
    """
    if current is None or previous is None:
        return None
    now, before = _sign(current), _sign(previous)
    if before < 0 < now:
        return "转正"
    if before > 0 > now:
        return "转负"
    if current == previous:
        return "持平"
    if now >= 0 and before >= 0:
        return "增幅扩大" if current > previous else "增幅收窄"
    return f"{fall}扩大" if current < previous else f"{fall}收窄"


def move(change: float | None, *, up: str = "上行", down: str = "下行", flat: str = "持平", digits: int = 2) -> str:
    """上行 / 下行 / 持平 for a change (rounded to the digits the sentence prints)."""
    if change is None:
        return flat
    rounded = round(change, digits)
    return up if rounded > 0 else down if rounded < 0 else flat


def rise_fall(value: float | None) -> str:
    """上涨 / 下跌 / 持平 for a return."""
    return move(value, up="上涨", down="下跌")


def grow_word(value: float | None) -> str:
    """增长 / 下降 for a yoy without a previous value."""
    return move(value, up="增长", down="下降")


def flow_word(value: float | None, inflow: str = "净流入", outflow: str = "净流出") -> str:
    """净流入 for a positive flow, 净流出 for a negative one (净申购/净赎回, 净增持/净减持 likewise)."""
    if value is None:
        return inflow
    return outflow if round(value, 1) < 0 else inflow


def scale_word(current: float, previous: float, *, larger: str = "扩大", smaller: str = "缩小") -> str:
    return larger if abs(current) > abs(previous) else smaller if abs(current) < abs(previous) else "持平"


def flow_shift(
    current: float | None, previous: float | None, inflow: str = "净流入", outflow: str = "净流出"
) -> str | None:
    """「从前期净流出转为净流入」, 「净流入规模扩大」 … None without a previous value."""
    if current is None or previous is None:
        return None
    now, before = _sign(round(current, 1)), _sign(round(previous, 1))
    if before < 0 < now:
        return f"从前期{outflow}转为{inflow}"
    if before > 0 > now:
        return f"从前期{inflow}转为{outflow}"
    if now == 0 or before == 0:
        return None
    word = inflow if now > 0 else outflow
    return f"{word}规模{scale_word(current, previous, larger='扩大', smaller='缩小')}"


def breadth(up: int, down: int) -> str:
    """Index breadth: 全线上涨 / 全线下跌 / 以上涨为主 / 以下跌为主 / 涨跌互现."""
    total = up + down
    if total == 0:
        return "涨跌互现"
    if down == 0:
        return "全线上涨"
    if up == 0:
        return "全线下跌"
    if up > down:
        return "以上涨为主"
    if down > up:
        return "以下跌为主"
    return "涨跌互现"


def industry_breadth(up: int, down: int) -> str:
    """Industry breadth: 普涨 / 普跌 (nine in ten or more), else 涨跌不一."""
    total = up + down
    if total and up >= 0.9 * total:
        return "普涨"
    if total and down >= 0.9 * total:
        return "普跌"
    return "涨跌不一"


def majority(up: int, down: int, *, up_word: str = "上涨", down_word: str = "下跌") -> str:
    """「多数下跌」 / 「多数上涨」 / 「涨跌各半」."""
    if up > down:
        return f"多数{up_word}"
    if down > up:
        return f"多数{down_word}"
    return "涨跌各半"


def top(rows: Iterable[Row], key: str, n: int) -> list[Row]:
    """The n rows with the largest ``key`` (missing values last), largest first."""
    present = [r for r in rows if r.get(key) is not None]
    return sorted(present, key=lambda r: r[key], reverse=True)[:n]


def bottom(rows: Iterable[Row], key: str, n: int) -> list[Row]:
    """The n rows with the smallest ``key``, smallest first."""
    present = [r for r in rows if r.get(key) is not None]
    return sorted(present, key=lambda r: r[key])[:n]


# --------------------------------------------------------------------------- phrases


def yoy_phrase(current: float | None, previous: float | None, *, fall: str = "降幅", label: str = "同比") -> str:
    """「同比跌幅扩大18.64个百分点至31.03%」, 「同比转正至14.80%」, 「同比增长9.70%」."""
    if current is None:
        return f"{label}数据缺失"
    trend = yoy_trend(current, previous, fall=fall)
    if trend is None:
        return f"{label}{grow_word(current)}{absnum(current)}%"
    if trend in ("转正", "转负"):
        return f"{label}{trend}至{pct(current)}"
    if trend == "持平":
        return f"{label}{pct(current)}，与上月持平"
    assert previous is not None
    return f"{label}{trend}{absnum(current - previous)}个百分点至{absnum(current)}%"


def yoy_move_phrase(current: float | None, previous: float | None, *, label: str = "同比") -> str:
    """SIA style: 「同比下行20.70%，降幅较上月扩大2.20个百分点」 / 「同比转负至-0.90%」."""
    if current is None:
        return f"{label}数据缺失"
    trend = yoy_trend(current, previous)
    head = f"{label}{move(current)}{absnum(current)}%"
    if trend is None:
        return head
    if trend in ("转正", "转负"):
        return f"{label}{trend}至{pct(current)}"
    if trend == "持平":
        return f"{head}，与上月持平"
    assert previous is not None
    return f"{head}，{trend[:2]}较上月{trend[2:]}{absnum(current - previous)}个百分点"


def yoy_to_phrase(current: float | None, previous: float | None, *, fall: str = "降幅", label: str = "同比") -> str:
    """「同比降幅收窄至-2.96%（前值-10.56%）」, 「同比转正至14.80%」 (the level, not the gap)."""
    if current is None:
        return f"{label}数据缺失"
    trend = yoy_trend(current, previous, fall=fall)
    if trend is None:
        return f"{label}{grow_word(current)}{absnum(current)}%"
    if trend in ("转正", "转负"):
        return f"{label}{trend}至{pct(current)}{prev_phrase(previous)}"
    if trend == "持平":
        return f"{label}{pct(current)}，与上月持平"
    return f"{label}{trend}至{pct(current)}{prev_phrase(previous)}"


def prev_phrase(previous: float | None) -> str:
    return "" if previous is None else f"（前值{pct(previous)}）"


def covered_phrase(days_covered: int | None, trading_days: int | None) -> str:
    """「本周」, or 「前四个交易日合计」 when the figure covers fewer days than the week has."""
    if not days_covered or not trading_days or days_covered >= trading_days:
        return "本周"
    return f"前{cn_number(int(days_covered))}个交易日合计"


def pair_phrase(first: float, second: float) -> str:
    """「增长14.30%和8.20%」, or 「增长9.70%和下降1.20%」 when the two move apart."""
    a, b = grow_word(first), grow_word(second)
    return f"{a}{absnum(first)}%和{'' if a == b else b}{absnum(second)}%"


def names(rows: Sequence[Row], key: str = "name") -> str:
    return join_cn([str(r[key]) for r in rows])


def values(rows: Sequence[Row], key: str, unit: str, digits: int = 1) -> str:
    return "、".join(f"{num(r[key], digits)}{unit}" for r in rows)


def by_code(rows: Iterable[Row], *codes: str, key: str = "code") -> Row | None:
    """The first row whose ``key`` is one of ``codes`` (codes tried in order)."""
    rows = list(rows)
    for code in codes:
        for row in rows:
            if row.get(key) == code:
                return row
    return None


def _ok(*values_: Any) -> bool:
    return all(v is not None for v in values_)


# --------------------------------------------------------------------------- 复盘·内观


def market_review(
    indices: list[Row], turnover: Row | None, industries: list[Row], connect: dict[str, Row]
) -> list[str]:
    out: list[str] = []
    ranked = [r for r in indices if r.get("weekly_return_pct") is not None]
    if ranked:
        up = [r for r in ranked if round(r["weekly_return_pct"], 2) > 0]
        down = [r for r in ranked if round(r["weekly_return_pct"], 2) < 0]
        text = f"本周A股主要指数{breadth(len(up), len(down))}"
        if up and down and len(up) < len(down):
            text += f"，仅{names(up)}上涨"
        elif up and down and len(down) < len(up):
            text += f"，仅{names(down)}下跌"
        picks = [by_code(ranked, c) for c in ("000985", "399006", "000300")]
        picks = [p for p in picks if p is not None]
        if picks:
            text += "；" + "，".join(
                f"{p['name']}{'周度' if i == 0 else ''}{rise_fall(p['weekly_return_pct'])}{absnum(p['weekly_return_pct'])}%"
                for i, p in enumerate(picks)
            )
        out.append(text + "。")
    if turnover and turnover.get("avg_daily_turnover_cny_100m") is not None:
        text = f"本周日均成交{yi(turnover['avg_daily_turnover_cny_100m'])}亿元"
        change = turnover.get("change_pct")
        if change is not None:
            text += f"，较上周{move(change, up='有所放大', down='有所回落', flat='基本持平')}（{pct(change)}）"
        out.append(text + "。")
    parts = []
    south, north = connect.get("southbound_net_buy"), connect.get("northbound_net_buy")
    if south and south.get("value") is not None:
        parts.append(f"南向资金本周{flow_word(south['value'])}港股{absnum(south['value'], 1)}亿港元")
    if north and north.get("value") is not None:
        parts.append(f"北向资金本周{flow_word(north['value'])}A股{absnum(north['value'], 1)}亿元")
    if parts:
        out.append("，".join(parts) + "。")
    rets = [r for r in industries if r.get("weekly_return_pct") is not None]
    if rets:
        up_n = sum(1 for r in rets if r["weekly_return_pct"] > 0)
        down_n = sum(1 for r in rets if r["weekly_return_pct"] < 0)
        best = [r for r in top(rets, "weekly_return_pct", 3) if r["weekly_return_pct"] > 0]
        worst = [r for r in bottom(rets, "weekly_return_pct", 3) if r["weekly_return_pct"] < 0]
        text = f"从行业上看，本周申万一级行业{industry_breadth(up_n, down_n)}（{up_n}个上涨、{down_n}个下跌）"
        if best:
            text += f"，{names(best)}等涨幅居前（{values(best, 'weekly_return_pct', '%', 2)}）"
        if worst:
            text += f"，{names(worst)}等跌幅居前（{values(worst, 'weekly_return_pct', '%', 2)}）"
        out.append(text + "。")
    return out


# --------------------------------------------------------------------------- 中观·景气


def autos(rows: list[Row], month: date | None) -> list[str]:
    out: list[str] = []
    m = month_cn(month)
    prod = by_code(rows, "caam_total_production")
    sales = by_code(rows, "caam_total_sales")
    if prod and sales and _ok(prod.get("value"), sales.get("value")):
        text = (
            f"{m}汽车产销分别完成{yi(prod['value'])}万辆和{yi(sales['value'])}万辆，"
            f"产量{yoy_phrase(prod.get('yoy_pct'), prod.get('yoy_pct_prev'))}，"
            f"销量{yoy_phrase(sales.get('yoy_pct'), sales.get('yoy_pct_prev'))}"
        )
        if _ok(prod.get("yoy_3m_pct"), sales.get("yoy_3m_pct")):
            text += f"，三个月滚动同比分别为{pct(prod['yoy_3m_pct'])}和{pct(sales['yoy_3m_pct'])}"
        out.append(text + "。")
    pieces = []
    for label, p_code, s_code in (
        ("乘用车", "caam_passenger_production", "caam_passenger_sales"),
        ("商用车", "caam_commercial_production", "caam_commercial_sales"),
    ):
        p, s = by_code(rows, p_code), by_code(rows, s_code)
        if p and s and _ok(p.get("value"), s.get("value"), p.get("yoy_pct"), s.get("yoy_pct")):
            pieces.append(
                f"{label}产销分别完成{yi(p['value'])}万辆和{yi(s['value'])}万辆，同比分别"
                + pair_phrase(p["yoy_pct"], s["yoy_pct"])
            )
    if pieces:
        out.append(f"{m}" + "；".join(pieces) + "。")
    nev_p, nev_s = by_code(rows, "caam_nev_production"), by_code(rows, "caam_nev_sales")
    if nev_p and nev_s and _ok(nev_p.get("value"), nev_s.get("value")):
        text = (
            f"{m}新能源汽车产销分别达到{yi(nev_p['value'])}万辆和{yi(nev_s['value'])}万辆，"
            f"产量{yoy_phrase(nev_p.get('yoy_pct'), nev_p.get('yoy_pct_prev'))}，"
            f"销量{yoy_phrase(nev_s.get('yoy_pct'), nev_s.get('yoy_pct_prev'))}"
        )
        pen = by_code(rows, "caam_nev_penetration")
        if pen and pen.get("value") is not None:
            text += f"，市场占有率达到{pct(pen['value'])}"
        out.append(text + "。")
    brand = by_code(rows, "caam_chinese_brand_share")
    if brand and brand.get("value") is not None:
        text = f"{m}中国品牌乘用车市场份额为{pct(brand['value'])}"
        if brand.get("yoy_change_pp") is not None:
            text += f"，较上年同期{move(brand['yoy_change_pp'], up='上升', down='下降')}{absnum(brand['yoy_change_pp'])}个百分点"
        out.append(text + "。")
    return out


def machinery(rows: list[Row], month: date | None) -> list[str]:
    out: list[str] = []
    m = month_cn(month)
    for code, name in (("ccma_excavator_sales", "挖掘机"), ("ccma_loader_sales", "装载机")):
        row = by_code(rows, code)
        if not row or row.get("value") is None:
            continue
        text = f"{m}{name}销量为{count(row['value'])}台，{yoy_phrase(row.get('yoy_pct'), row.get('yoy_pct_prev'), fall='跌幅')}"
        if row.get("yoy_3m_pct") is not None:
            text += f"，三个月滚动同比为{pct(row['yoy_3m_pct'])}"
        if row.get("ytd_value") is not None and month is not None:
            span = f"1-{month.month}月" if month.month > 1 else "1月"
            text += f"，{span}累计销量为{count(row['ytd_value'])}台"
            if row.get("ytd_yoy_pct") is not None:
                text += f"，累计同比{pct(row['ytd_yoy_pct'])}"
        out.append(text + "。")
    return out


def semiconductors(rows: list[Row], month: date | None) -> list[str]:
    out: list[str] = []
    world = by_code(rows, "sia_world")
    if world and world.get("value") is not None:
        out.append(
            f"{month_cn(month)}全球半导体当月销售额为{yi(world['value'])}亿美元，"
            f"{yoy_move_phrase(world.get('yoy_pct'), world.get('yoy_pct_prev'))}。"
        )
    regions = [r for r in rows if r.get("code") != "sia_world" and r.get("value") is not None]
    if regions:
        parts = [
            f"{r['name']}{yi(r['value'])}亿美元，{yoy_move_phrase(r.get('yoy_pct'), r.get('yoy_pct_prev'))}"
            for r in regions
        ]
        out.append("分地区看，" + "；".join(parts) + "。")
    return out


def ic_trade(rows: list[Row], month: date | None) -> list[str]:
    out: list[str] = []
    for code, name in (("ic_exports", "出口"), ("ic_imports", "进口")):
        row = by_code(rows, code)
        if not row or row.get("value") is None:
            continue
        text = (
            f"{month_cn(month)}集成电路{name}金额当月值{num(row['value'], 2)}亿美元，"
            f"当月{yoy_to_phrase(row.get('yoy_pct'), row.get('yoy_pct_prev'))}"
        )
        if row.get("yoy_3m_pct") is not None:
            text += f"，三个月滚动同比为{pct(row['yoy_3m_pct'])}"
        out.append(text + "。")
    return out


def taiwan(rows: list[Row], month: date | None) -> list[str]:
    rated = [r for r in rows if r.get("yoy_pct") is not None]
    if not rated:
        return []
    down = sum(1 for r in rated if r["yoy_pct"] < 0)
    up = len(rated) - down
    text = f"{month_cn(month)}台股电子公司中{down}家营收同比下行、{up}家同比上行"
    changed = [r for r in rated if r.get("yoy_pct_prev") is not None]
    if changed:
        narrowed = sum(
            1 for r in changed if yoy_trend(r["yoy_pct"], r["yoy_pct_prev"]) in ("降幅收窄", "转正", "增幅扩大")
        )
        text += f"，其中{narrowed}家较上月改善、{len(changed) - narrowed}家较上月走弱"
    out = [text + "。"]
    details = []
    for r in sorted(changed, key=lambda r: r["yoy_pct"] - r["yoy_pct_prev"], reverse=True):
        details.append(f"{r['name']}营收当月{yoy_phrase(r['yoy_pct'], r['yoy_pct_prev'])}")
    if details:
        out.append("；".join(details) + "。")
    return out


def paper(rows: list[Row]) -> list[str]:
    parts = []
    day = None
    for row in rows:
        if row.get("price") is None:
            continue
        day = day or row.get("price_date")
        wow = row.get("wow_pct")
        unit = row.get("unit") or ""
        level = num(row["price"], 2) + ("" if unit in ("点", "") else unit)
        if wow is None:
            parts.append(f"{row['name']}为{level}")
        else:
            parts.append(f"{row['name']}为{level}，周环比{move(wow)}{absnum(wow)}%")
    if not parts:
        return []
    return [f"截至{day_cn(day)}，" + "；".join(parts) + "。"]


# --------------------------------------------------------------------------- 出口


def exports(
    total: list[Row], partners: list[Row], products: list[Row], month: date | None, balance_prev: float | None
) -> list[str]:
    out: list[str] = []
    m = month_cn(month)
    exp, imp, bal = by_code(total, "exports"), by_code(total, "imports"), by_code(total, "trade_balance")
    if exp and exp.get("value") is not None:
        text = f"{m}我国出口金额当月值{yi(exp['value'])}亿美元，{yoy_to_phrase(exp.get('yoy_pct'), exp.get('yoy_pct_prev'))}"
        if imp and imp.get("yoy_pct") is not None:
            text += f"；进口{yoy_to_phrase(imp.get('yoy_pct'), imp.get('yoy_pct_prev'))}"
        if bal and bal.get("value") is not None:
            kind = "顺差" if bal["value"] >= 0 else "逆差"
            if balance_prev is not None and _sign(balance_prev) == _sign(bal["value"]):
                text += f"；贸易{kind}{scale_word(bal['value'], balance_prev, larger='扩大', smaller='收窄')}至{absnum(bal['value'], 1)}亿美元"
            else:
                text += f"；贸易{kind}{absnum(bal['value'], 1)}亿美元"
        out.append(text + "。")
    rated = [r for r in partners if r.get("yoy_pct") is not None]
    if rated:
        with_prev = [r for r in rated if r.get("yoy_change_pp") is not None]
        better = [r for r in with_prev if r["yoy_change_pp"] > 0]
        text = f"分国别/地区看，{len(with_prev)}个主要国家/地区中{len(better)}个出口同比较上月改善"
        leaders = [r for r in top(rated, "yoy_pct", 3) if r["yoy_pct"] > 0]
        if leaders:
            text += f"；对{names(leaders)}出口同比增速居前，分别为{values(leaders, 'yoy_pct', '%', 2)}"
        improvers = [r for r in top(with_prev, "yoy_change_pp", 6) if r["yoy_change_pp"] > 0]
        if improvers:
            text += f"；对{names(improvers)}出口同比分别改善{'、'.join(absnum(r['yoy_change_pp']) for r in improvers)}个百分点"
        turned_up = [r for r in with_prev if yoy_trend(r["yoy_pct"], r["yoy_pct_prev"]) == "转正"]
        turned_down = [r for r in with_prev if yoy_trend(r["yoy_pct"], r["yoy_pct_prev"]) == "转负"]
        if turned_up:
            text += f"；对{names(turned_up)}出口同比由负转正"
        worse = [r for r in with_prev if r["yoy_change_pp"] < 0]
        for r in turned_down:
            only = "仅" if worse == [r] else ""
            text += f"；{only}对{r['name']}出口同比由前值的{pct(r['yoy_pct_prev'])}转负至{pct(r['yoy_pct'])}"
        out.append(text + "。")
    me = by_code(products, "mechanical_electrical")
    if me and me.get("value") is not None:
        text = f"{m}机电产品出口{num(me['value'], 2)}亿美元"
        if me.get("share_pct") is not None:
            text += f"，占出口总额的{pct(me['share_pct'])}"
        text += f"，同比{grow_word(me.get('yoy_pct'))}{absnum(me.get('yoy_pct'))}%{prev_phrase(me.get('yoy_pct_prev'))}"
        out.append(text + "。")
    rated_p = [r for r in products if r.get("yoy_pct") is not None and r.get("code") != "mechanical_electrical"]
    if rated_p:
        leaders = [r for r in top(rated_p, "yoy_pct", 3) if r["yoy_pct"] > 0]
        parts = []
        if leaders:
            parts.append(f"{names(leaders)}出口同比增速居前，分别为{values(leaders, 'yoy_pct', '%', 2)}")
        turned = [r for r in rated_p if yoy_trend(r["yoy_pct"], r.get("yoy_pct_prev")) == "转正"]
        if turned:
            parts.append(f"{names(turned)}出口同比由负转正")
        turned_neg = [r for r in rated_p if yoy_trend(r["yoy_pct"], r.get("yoy_pct_prev")) == "转负"]
        if turned_neg:
            parts.append(f"{names(turned_neg)}出口同比由正转负")
        laggards = [r for r in bottom(rated_p, "yoy_pct", 2) if r["yoy_pct"] < 0]
        if laggards:
            parts.append(f"{names(laggards)}出口同比仍为负（{values(laggards, 'yoy_pct', '%', 2)}）")
        if parts:
            out.append("分产品看，" + "；".join(parts) + "。")
    return out


# --------------------------------------------------------------------------- 资金·众寡


def fund_flows(flows: dict[str, Row]) -> list[str]:
    out: list[str] = []
    parts: list[str] = []
    north = flows.get("northbound_net_buy")
    if north and north.get("value") is not None:
        text = f"北上资金本周{flow_word(north['value'])}{absnum(north['value'], 1)}亿元"
        shift = flow_shift(north["value"], north.get("prev_value"))
        parts.append(text + (f"，{shift}" if shift else ""))
    margin = flows.get("margin_financing_net_buy")
    if margin and margin.get("value") is not None:
        span = covered_phrase(margin.get("days_covered"), margin.get("trading_days"))
        span = span if span != "本周" else "本周"
        parts.append(f"融资资金{span}{flow_word(margin['value'])}{absnum(margin['value'], 1)}亿元")
    funds = flows.get("new_equity_fund_shares")
    if funds and funds.get("value") is not None:
        text = f"新成立偏股类公募基金{yi(funds['value'])}亿份"
        if funds.get("change") is not None:
            text += f"，较前期{move(funds['change'], up='上升', down='下降', digits=1)}{absnum(funds['change'], 1)}亿份"
        parts.append(text)
    etf_value = flows.get("etf_net_subscription_value")
    etf_shares = flows.get("etf_net_subscription_shares")
    if etf_value and etf_value.get("value") is not None:
        word = flow_word(etf_value["value"], "净申购", "净赎回")
        parts.append(f"ETF{word}，对应{flow_word(etf_value['value'])}{absnum(etf_value['value'], 1)}亿元")
    elif etf_shares and etf_shares.get("value") is not None:
        parts.append(f"ETF{flow_word(etf_shares['value'], '净申购', '净赎回')}{absnum(etf_shares['value'], 1)}亿份")
    if parts:
        out.append("；".join(parts) + "。")
    stock_etf = flows.get("stock_etf_net_subscription_shares")
    if stock_etf and stock_etf.get("value") is not None:
        out.append(
            f"股票型ETF总体{flow_word(stock_etf['value'], '净申购', '净赎回')}{absnum(stock_etf['value'], 1)}亿份。"
        )
    inc, dec, net = (flows.get(k) for k in ("shareholder_increase", "shareholder_decrease", "shareholder_net_change"))
    if net and net.get("value") is not None:
        text = "本周重要股东二级市场"
        if inc and dec and _ok(inc.get("value"), dec.get("value")):
            text += f"增持{yi(inc['value'])}亿元，减持{yi(dec['value'])}亿元，"
        text += f"{flow_word(net['value'], '净增持', '净减持')}{absnum(net['value'], 1)}亿元"
        shift = flow_shift(net["value"], net.get("prev_value"), "净增持", "净减持")
        if shift:
            text += f"，{shift}"
        out.append(text + "。")
    plan = flows.get("planned_reduction")
    if plan and plan.get("value") is not None:
        text = f"本周公告的计划减持规模为{yi(plan['value'])}亿元"
        if plan.get("change") is not None:
            text += f"，较前期{move(plan['change'], up='上升', down='下降', digits=1)}"
        out.append(text + "。")
    return out


def etf_groups(rows: list[Row]) -> list[str]:
    out: list[str] = []
    parts = []
    for category, label in (("broad", "宽基ETF"), ("sector", "行业ETF")):
        group = [r for r in rows if r.get("category") == category and r.get("net_shares_change_100m") is not None]
        if not group:
            continue
        subs = [r for r in group if r["net_shares_change_100m"] > 0]
        reds = [r for r in group if r["net_shares_change_100m"] < 0]
        most_sub = f"{top(subs, 'net_shares_change_100m', 1)[0]['name']}ETF申购最多" if subs else ""
        most_red = f"{bottom(reds, 'net_shares_change_100m', 1)[0]['name']}ETF赎回最多" if reds else ""
        if not reds:
            text = f"{label}均为净申购，其中{most_sub}"
        elif not subs:
            text = f"{label}均为净赎回，其中{most_red}"
        elif len(subs) >= len(reds):
            text = f"{label}以净申购为主，其中{most_sub}，{most_red}"
        else:
            text = f"{label}以净赎回为主，其中{most_red}，{most_sub}"
        parts.append(text)
    if parts:
        out.append("从ETF申赎来看，" + "；".join(parts) + "。")
    details = [
        f"{r['name']}ETF{flow_word(r['net_shares_change_100m'], '净申购', '净赎回')}{absnum(r['net_shares_change_100m'], 1)}亿份"
        for r in rows
        if r.get("net_shares_change_100m") is not None
    ]
    if details:
        out.append("具体来看，" + "；".join(details) + "。")
    return out


def industry_flows(rows: list[Row], who: str, buy: str = "净买入", sell: str = "净卖出", n: int = 3) -> list[str]:
    rated = [r for r in rows if r.get("value") is not None]
    buyers = [r for r in top(rated, "value", n) if r["value"] > 0]
    sellers = [r for r in bottom(rated, "value", n) if r["value"] < 0]
    parts = []
    if buyers:
        parts.append(f"{who}{buy}规模较高的为{names(buyers)}，分别{buy}{values(buyers, 'value', '亿元')}")
    if sellers:
        parts.append(f"{sell}规模较高的为{names(sellers)}，分别为{values(sellers, 'value', '亿元')}")
    return ["；".join(parts) + "。"] if parts else []


# --------------------------------------------------------------------------- 数据·估值


def valuation(market: Row | None, median: Row | None, industries: list[Row]) -> list[str]:
    out: list[str] = []
    if market and market.get("pe_ttm") is not None:
        change = market.get("pe_ttm_change")
        text = f"本周全部A股估值水平较上周{move(change)}，PE(TTM)为{num(market['pe_ttm'], 2)}"
        if change is not None:
            text += f"，较上周{move(change)}{absnum(change)}"
        if market.get("pe_ttm_pctile_all") is not None:
            text += f"，处于历史估值水平的{num(market['pe_ttm_pctile_all'], 2)}%分位数"
        if market.get("pe_ttm_pctile_10y") is not None:
            text += f"（近十年{num(market['pe_ttm_pctile_10y'], 2)}%分位数）"
        out.append(text + "。")
    if median and median.get("pe_ttm") is not None:
        text = f"全部A股PE(TTM)中位数为{num(median['pe_ttm'], 2)}"
        if median.get("pb") is not None:
            text += f"，PB中位数为{num(median['pb'], 2)}"
        if _ok(median.get("pe_ttm_pctile_all"), median.get("pb_pctile_all")):
            text += f"，分别处于历史{num(median['pe_ttm_pctile_all'], 2)}%和{num(median['pb_pctile_all'], 2)}%分位数"
        out.append(text + "。")
    rated = [r for r in industries if r.get("pe_ttm_change") is not None]
    if rated:
        up = sum(1 for r in rated if round(r["pe_ttm_change"], 2) > 0)
        down = sum(1 for r in rated if round(r["pe_ttm_change"], 2) < 0)
        text = f"申万一级行业中{up}个估值上行、{down}个估值下行，板块估值{majority(up, down)}"
        high = top([r for r in industries if r.get("pe_ttm_pctile_10y") is not None], "pe_ttm_pctile_10y", 3)
        if high:
            text += f"；{names(high)}的PE(TTM)处于近十年较高分位（{values(high, 'pe_ttm_pctile_10y', '%', 2)}）"
        out.append(text + "。")
    return out


# --------------------------------------------------------------------------- 观策·论市


def strength_word(change: float | None, *, up: str = "走强", down: str = "走弱", digits: int = 2) -> str:
    """走强 / 走弱 / 持平 for the dollar (or any level) by its weekly change."""
    return move(change, up=up, down=down, digits=digits)


def backdrop(rows: dict[str, Row]) -> list[str]:
    """「截至4月13日，COMEX黄金收于2055.30美元/盎司，周涨1.48%…」 from the week's backdrop rows by indicator."""
    out: list[str] = []
    gold, gold_cny = rows.get("gold_usd"), rows.get("gold_cny")
    if gold and gold.get("value") is not None:
        text = f"截至{day_cn(gold.get('obs_date'))}，COMEX黄金收于{num(gold['value'], 2)}美元/盎司"
        if gold.get("change_pct") is not None:
            text += f"，周{move(gold['change_pct'], up='涨', down='跌')}{absnum(gold['change_pct'])}%"
        if gold.get("pctile_52w") is not None:
            text += f"，处于近52周{num(gold['pctile_52w'], 2)}%分位"
        if gold_cny and gold_cny.get("value") is not None:
            text += f"；上海金Au99.99收于{num(gold_cny['value'], 2)}元/克"
            if gold_cny.get("change_pct") is not None:
                text += f"，周{move(gold_cny['change_pct'], up='涨', down='跌')}{absnum(gold_cny['change_pct'])}%"
        out.append(text + "。")
    ten, cpi, real = rows.get("us_10y_yield"), rows.get("us_cpi_yoy"), rows.get("real_rate_proxy")
    parts = []
    if ten and ten.get("value") is not None:
        text = f"美国10年期国债收益率为{pct(ten['value'])}"
        if ten.get("change_pp") is not None:
            text += f"，较上周{move(ten['change_pp'])}{absnum(ten['change_pp'] * 100, 0)}个基点"
        parts.append(text)
    if cpi and cpi.get("value") is not None:
        parts.append(
            f"{month_cn(cpi.get('reference_month'))}美国CPI同比{pct(cpi['value'])}（{day_cn(cpi.get('obs_date'))}公布）"
        )
    if real and real.get("value") is not None:
        text = f"实际利率代理（10年期收益率−CPI同比）为{pct(real['value'])}"
        if real.get("change_pp") is not None:
            text += f"，较上周{move(real['change_pp'])}{absnum(real['change_pp'])}个百分点"
        parts.append(text)
    if parts:
        out.append("；".join(parts) + "。")
    dollar = rows.get("dollar_index")
    if dollar and dollar.get("value") is not None:
        text = f"美元指数收于{num(dollar['value'], 2)}"
        if dollar.get("change_pct") is not None:
            text += (
                f"，周{move(dollar['change_pct'], up='涨', down='跌')}{absnum(dollar['change_pct'])}%，"
                f"美元{strength_word(dollar['change_pct'])}"
            )
        if dollar.get("pctile_52w") is not None:
            text += f"，处于近52周{num(dollar['pctile_52w'], 2)}%分位"
        out.append(text + "。")
    return out


# --------------------------------------------------------------------------- 出口: trade structure


def trade_structure(window: Row | None, rows: list[Row], n: int = 3) -> list[str]:
    """「用2021-2022年均值与2018-2019年均值对比，…对东盟的进出口份额占比从此前的13.4%提升至15.0%；…对欧盟进出口
    占总进出口的比重减少了1.5个百分点至13.5%」."""
    if not window:
        return []
    partners = [r for r in rows if r.get("code") != "world" and r.get("share_change_pp") is not None]
    if not partners:
        return []
    gainers = [r for r in top(partners, "share_change_pp", n) if round(r["share_change_pp"], 1) > 0]
    losers = [r for r in bottom(partners, "share_change_pp", n) if round(r["share_change_pp"], 1) < 0]
    text = f"用{window['period_label']}年均值与{window['base_period_label']}年均值对比"
    if gainers:
        lead = gainers[0]
        text += (
            f"，{names(gainers)}占我国进出口总额的比重提升较多，其中对{lead['name']}的进出口份额占比从此前的"
            f"{num(lead['base_share_pct'], 1)}%提升至{num(lead['share_pct'], 1)}%"
        )
    if losers:
        lag = losers[0]
        text += (
            f"；{names(losers)}的占比下降，其中对{lag['name']}进出口占总进出口的比重减少了"
            f"{absnum(lag['share_change_pp'], 1)}个百分点至{num(lag['share_pct'], 1)}%"
        )
    return [text + "。"]


# --------------------------------------------------------------------------- 资金·众寡: stocks


def stock_leaders(rows: list[Row], who: str, buy: str, sell: str, n: int = 3) -> list[str]:
    """「个股方面，北上资金净买入规模较高的为中远海控、金山办公、拓普集团等；净卖出规模较高的包括贵州茅台、中国平安、
    药明康德等」: the n largest net buyers and sellers of the week, in order."""
    rated = [r for r in rows if r.get("value") is not None]
    buyers = [r for r in top(rated, "value", n) if r["value"] > 0]
    sellers = [r for r in bottom(rated, "value", n) if r["value"] < 0]
    parts = []
    if buyers:
        parts.append(f"{who}{buy}{names(buyers)}等")
    if sellers:
        parts.append(f"{sell}{names(sellers)}等")
    return ["；".join(parts) + "。"] if parts else []


# --------------------------------------------------------------------------- 主题·风向


def themes(rows: list[Row], n: int = 3) -> list[str]:
    """「本周涨幅居前的主要为影视、西安自贸区、IP流量变现，周涨幅分别为…；跌幅居前的为…」."""
    rated = [r for r in rows if r.get("weekly_return_pct") is not None]
    if not rated:
        return []
    up = sum(1 for r in rated if round(r["weekly_return_pct"], 2) > 0)
    down = sum(1 for r in rated if round(r["weekly_return_pct"], 2) < 0)
    best = [r for r in top(rated, "weekly_return_pct", n) if r["weekly_return_pct"] > 0]
    worst = [r for r in bottom(rated, "weekly_return_pct", n) if r["weekly_return_pct"] < 0]
    out = []
    if best:
        out.append(f"本周涨幅居前的主要为{names(best)}，周涨幅分别为{values(best, 'weekly_return_pct', '%', 2)}。")
    text = f"{len(rated)}个概念板块中{up}个上涨、{down}个下跌"
    if worst:
        text += f"，{names(worst)}等跌幅居前（{values(worst, 'weekly_return_pct', '%', 2)}）"
    out.append(text + "。")
    return out
