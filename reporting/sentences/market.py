"""Sentences of 复盘·内观 (indices, turnover, industries), 主题·风向 (concept boards) and 数据·估值
(market and industry valuation)."""

from __future__ import annotations

from reporting.formatting import absnum, num, pct, yi
from reporting.sentences.phrases import all_known, by_code, names, values
from reporting.sentences.words import Row, bottom, breadth, flow_word, industry_breadth, majority, move, rise_fall, top


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
        if all_known(median.get("pe_ttm_pctile_all"), median.get("pb_pctile_all")):
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
