"""资金·众寡: the week's fund flows, ETF groups, flows by industry and the stocks that lead them."""

from __future__ import annotations

import csv
from functools import cache

from ground.settings import DBT_PROJECT_DIR
from reporting import charts, sentences
from reporting.model import Column, Section, Table
from reporting.queries import Row
from reporting.sections.common import (
    FLOW_COLUMNS,
    Context,
    leader_rows,
    missing_text,
    ordered,
    ranked_rows,
    source_names,
    weekly_as_of,
    weekly_flow_rows,
)

# the flows, their order and their sources are declared once, in the dbt seed the marts join
FLOWS_SEED = DBT_PROJECT_DIR / "seeds" / "fund_flows.csv"


@cache
def flow_sources() -> dict[str, list[str]]:
    """Each flow's akshare sources (or curated file), in the seed's display order."""
    with FLOWS_SEED.open(encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: int(r["display_order"]))
    return {r["flow"]: r["sources"].split(",") for r in rows}


CATEGORY_CN = {"broad": "宽基", "sector": "行业"}
CHART_WEEKS = 12
FLOW_RANK_N = 3
STOCK_RANK_N = 5


def fund_flows(ctx: Context) -> Section:
    m = ctx.marts
    section = Section("fund_flows", "资金·众寡", "资金流向")
    declared = flow_sources()
    flows = ordered(m.weekly("mart_fund_flows_weekly"), declared)
    sources = source_names(flows, *dict.fromkeys(s for f in flows for s in declared.get(f["code"], [])))
    section.tables.append(
        Table(
            "flows_summary",
            "资金流向汇总",
            list(FLOW_COLUMNS),
            weekly_flow_rows(flows),
            as_of=weekly_as_of(ctx, flows),
            notes=[
                "融资净买入 = 融资余额的周度变化（Δ融资余额）；两融数据T+1日公布，覆盖交易日少于本周交易日时为报告时点已公布的部分。",
                "重要股东增减持金额 = 变动股数 × 首次披露时的最新价（非变动当日价格）。",
            ],
            sources=sources,
            empty_text=missing_text("mart_fund_flows_weekly", m),
        )
    )
    etfs = m.weekly("mart_etf_flows_weekly")
    etfs = sorted(
        etfs, key=lambda r: (0 if r.get("category") == "broad" else 1, -(r.get("net_shares_change_100m") or 0))
    )
    etf_sources = source_names(etfs, "fund_etf_scale_sse", "fund_scale_daily_szse")
    section.tables.append(
        Table(
            "flows_etf_groups",
            "ETF分组申赎",
            [
                Column("category_cn", "类别", "text"),
                Column("name", "分组", "text"),
                Column("net_shares_change_100m", "净申赎(亿份)", "signed", 1, colour=True),
                Column("net_subscription_cny_100m", "净申赎金额(亿元)", "signed", 1, colour=True),
                Column("etfs_covered", "ETF数", "int"),
            ],
            [{**r, "category_cn": CATEGORY_CN.get(r.get("category"), r.get("category"))} for r in etfs],
            as_of=weekly_as_of(ctx, etfs),
            notes=["正值为净申购，负值为净赎回。"],
            sources=etf_sources,
            empty_text=missing_text("mart_etf_flows_weekly", m),
        )
    )
    by_industry = m.weekly("mart_fund_flows_by_industry_weekly")
    tables = (
        (
            "northbound_net_buy",
            "北向资金行业净买入",
            "净买入前三",
            "净卖出前三",
            ["stock_hsgt_hold_stock_em", "stock_industry_clf_hist_sw"],
            ["按个股今日增持估计市值汇总至申万一级行业。"],
        ),
        (
            "margin_financing_net_buy",
            "融资资金行业净买入",
            "净买入前三",
            "净卖出前三",
            ["stock_margin_detail_sse", "stock_margin_detail_szse", "stock_industry_clf_hist_sw"],
            ["按个股融资余额周度变化汇总至申万一级行业。"],
        ),
        (
            "shareholder_net_change",
            "重要股东行业净增减持",
            "净增持前三",
            "净减持前三",
            ["stock_ggcg_em", "stock_industry_clf_hist_sw"],
            ["金额按首次披露时的最新价估算。"],
        ),
    )
    flow_rows: dict[str, list[Row]] = {}
    for flow, title, top_label, bottom_label, static, notes in tables:
        rows = [r for r in by_industry if r.get("flow") == flow]
        flow_rows[flow] = rows
        names_ = source_names(rows, *static)
        section.tables.append(
            Table(
                f"flows_industry_{flow}",
                f"{title}（亿元）：{top_label}与{bottom_label}",
                [
                    Column("group", "类别", "text"),
                    Column("rank", "排名", "int"),
                    Column("name", "行业", "text"),
                    Column("value", "金额(亿元)", "signed", 1, colour=True),
                    Column("stocks_covered", "覆盖个股数", "int"),
                ],
                ranked_rows(rows, "value", FLOW_RANK_N, top_label, bottom_label),
                as_of=weekly_as_of(ctx, rows),
                notes=notes,
                sources=names_,
                empty_text=missing_text("mart_fund_flows_by_industry_weekly", m),
            )
        )
    leaders = m.weekly("mart_stock_flow_leaders_weekly")
    stock_tables = (
        ("northbound_net_buy", "北向资金个股", ["stock_hsgt_hold_stock_em", "stock_industry_clf_hist_sw"]),
        (
            "margin_financing_net_buy",
            "融资资金个股",
            ["stock_margin_detail_sse", "stock_margin_detail_szse", "stock_industry_clf_hist_sw"],
        ),
    )
    leader_rows_by_flow: dict[str, list[Row]] = {}
    for flow, title, static in stock_tables:
        rows = [r for r in leaders if r.get("flow") == flow]
        leader_rows_by_flow[flow] = rows
        section.tables.append(
            Table(
                f"flows_stocks_{flow}",
                f"{title}（亿元）：净买入前{STOCK_RANK_N}与净卖出前{STOCK_RANK_N}",
                [
                    Column("group", "类别", "text"),
                    Column("rank", "排名", "int"),
                    Column("name", "股票", "text"),
                    Column("code", "代码", "text"),
                    Column("industry_name", "申万一级行业", "text"),
                    Column("value", "金额(亿元)", "signed", 1, colour=True),
                ],
                leader_rows(rows, STOCK_RANK_N, "净买入", "净卖出"),
                as_of=weekly_as_of(ctx, rows),
                notes=[f"排名为本周{rows[0]['stocks_ranked']}只个股中的名次；行业为本周最后交易日的申万一级行业。"]
                if rows
                else [],
                sources=source_names(rows, *static),
                empty_text=missing_text("mart_stock_flow_leaders_weekly", m),
            )
        )
    by_flow = {r["code"]: r for r in flows}
    text = sentences.fund_flows(by_flow)
    text += sentences.etf_groups(etfs)
    text += sentences.industry_flows(flow_rows["northbound_net_buy"], "行业偏好上，北上资金")
    text += sentences.stock_leaders(
        leader_rows_by_flow["northbound_net_buy"], "个股方面，北上资金", "净买入规模较高的为", "净卖出规模较高的包括"
    )
    text += sentences.industry_flows(flow_rows["margin_financing_net_buy"], "融资资金")
    text += sentences.stock_leaders(
        leader_rows_by_flow["margin_financing_net_buy"],
        "从个股来看，",
        "融资净买入较高个股包括",
        "净卖出较多的主要包括",
    )
    text += sentences.industry_flows(flow_rows["shareholder_net_change"], "重要股东", buy="净增持", sell="净减持")
    section.sentences = text
    weekly = m.weekly_history(
        "mart_fund_flows_weekly", CHART_WEEKS, flow=["northbound_net_buy", "margin_financing_net_buy"]
    )
    chart = charts.flows_chart(weekly, ctx.week_id)
    if chart:
        section.charts.append(chart)
    return section
