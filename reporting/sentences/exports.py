"""Sentences of 出口: the monthly headline, partners and products, and the trade structure."""

from __future__ import annotations

from datetime import date

from reporting.formatting import absnum, month_cn, num, pct, yi
from reporting.sentences.phrases import by_code, names, prev_phrase, values, yoy_to_phrase
from reporting.sentences.words import Row, bottom, grow_word, scale_word, sign, top, yoy_trend


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
            if balance_prev is not None and sign(balance_prev) == sign(bal["value"]):
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
