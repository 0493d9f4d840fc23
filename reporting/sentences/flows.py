"""Sentences of 资金·众寡: the week's flows, ETF groups, flows by industry and the leading stocks."""

from __future__ import annotations

from reporting.formatting import absnum, yi
from reporting.sentences.phrases import all_known, covered_phrase, names, values
from reporting.sentences.words import Row, bottom, flow_shift, flow_word, move, top


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
        if inc and dec and all_known(inc.get("value"), dec.get("value")):
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
