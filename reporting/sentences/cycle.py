"""Sentences of 中观·景气: autos, machinery, semiconductors, IC trade, Taiwan electronics, paper."""

from __future__ import annotations

from datetime import date

from reporting.formatting import absnum, count, day_cn, month_cn, num, pct, yi
from reporting.sentences.phrases import all_known, by_code, pair_phrase, yoy_move_phrase, yoy_phrase, yoy_to_phrase
from reporting.sentences.words import Row, move, yoy_trend


def autos(rows: list[Row], month: date | None) -> list[str]:
    out: list[str] = []
    m = month_cn(month)
    prod = by_code(rows, "caam_total_production")
    sales = by_code(rows, "caam_total_sales")
    if prod and sales and all_known(prod.get("value"), sales.get("value")):
        text = (
            f"{m}汽车产销分别完成{yi(prod['value'])}万辆和{yi(sales['value'])}万辆，"
            f"产量{yoy_phrase(prod.get('yoy_pct'), prod.get('yoy_pct_prev'))}，"
            f"销量{yoy_phrase(sales.get('yoy_pct'), sales.get('yoy_pct_prev'))}"
        )
        if all_known(prod.get("yoy_3m_pct"), sales.get("yoy_3m_pct")):
            text += f"，三个月滚动同比分别为{pct(prod['yoy_3m_pct'])}和{pct(sales['yoy_3m_pct'])}"
        out.append(text + "。")
    pieces = []
    for label, p_code, s_code in (
        ("乘用车", "caam_passenger_production", "caam_passenger_sales"),
        ("商用车", "caam_commercial_production", "caam_commercial_sales"),
    ):
        p, s = by_code(rows, p_code), by_code(rows, s_code)
        if p and s and all_known(p.get("value"), s.get("value"), p.get("yoy_pct"), s.get("yoy_pct")):
            pieces.append(
                f"{label}产销分别完成{yi(p['value'])}万辆和{yi(s['value'])}万辆，同比分别"
                + pair_phrase(p["yoy_pct"], s["yoy_pct"])
            )
    if pieces:
        out.append(f"{m}" + "；".join(pieces) + "。")
    nev_p, nev_s = by_code(rows, "caam_nev_production"), by_code(rows, "caam_nev_sales")
    if nev_p and nev_s and all_known(nev_p.get("value"), nev_s.get("value")):
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
