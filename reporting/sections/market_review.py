"""复盘·内观: the main indices, turnover, Shenwan industries and Stock Connect of the week."""

from __future__ import annotations

from reporting import charts, sentences
from reporting.model import Column, Section, Table
from reporting.sections.common import (
    FLOW_COLUMNS,
    RANK_N,
    Context,
    days_text,
    missing_text,
    ordered,
    ranked_rows,
    source_names,
    weekly_as_of,
    weekly_flow_rows,
)

INDEX_ORDER = ("000001", "399001", "000300", "399006", "000688", "000905", "000985", "399373", "399377")


def market_review(ctx: Context) -> Section:
    m = ctx.marts
    section = Section("market_review", "复盘·内观", "市场复盘")
    indices = ordered(m.weekly("mart_market_weekly"), INDEX_ORDER)
    section.tables.append(
        Table(
            "market_indices",
            "主要指数表现",
            [
                Column("name", "指数", "text"),
                Column("code", "代码", "text"),
                Column("close", "收盘", "num", 2),
                Column("weekly_return_pct", "本周涨跌幅(%)", "signed", 2, colour=True),
                Column("prev_weekly_return_pct", "上周涨跌幅(%)", "signed", 2, colour=True),
                Column("ytd_return_pct", "年初至今(%)", "signed", 2, colour=True),
            ],
            indices,
            as_of=weekly_as_of(ctx),
            notes=["中证全指（000985）作为Wind全A的替代指标。"],
            sources=source_names(indices, "index_zh_a_hist"),
            empty_text=missing_text("mart_market_weekly", m),
        )
    )
    turnover = m.weekly("mart_turnover_weekly")
    turnover_sources = source_names(turnover, "stock_sse_deal_daily", "stock_szse_summary")
    section.tables.append(
        Table(
            "market_turnover",
            "A股日均成交额",
            [
                Column("avg_daily_turnover_cny_100m", "本周日均成交(亿元)", "num", 1),
                Column("prev_avg_daily_turnover_cny_100m", "上周日均成交(亿元)", "num", 1),
                Column("change_pct", "变化(%)", "signed", 2, colour=True),
                Column("sse_avg_cny_100m", "其中沪市(亿元)", "num", 1),
                Column("szse_avg_cny_100m", "其中深市(亿元)", "num", 1),
                Column("days_text", "覆盖交易日", "text"),
            ],
            [{**r, "days_text": days_text(r)} for r in turnover],
            as_of=weekly_as_of(ctx, turnover),
            sources=turnover_sources,
            empty_text=missing_text("mart_turnover_weekly", m),
        )
    )
    industries = m.weekly("mart_industry_returns_weekly", order="rank_desc")
    industry_sources = source_names(industries, "index_analysis_weekly_sw")
    section.tables.append(
        Table(
            "market_industries",
            f"申万一级行业周涨跌幅：涨幅前{RANK_N}与跌幅前{RANK_N}",
            [
                Column("group", "类别", "text"),
                Column("rank", "排名", "int"),
                Column("name", "行业", "text"),
                Column("weekly_return_pct", "周涨跌幅(%)", "signed", 2, colour=True),
                Column("close", "收盘", "num", 2),
                Column("turnover_rate_pct", "换手率(%)", "num", 2),
            ],
            ranked_rows(industries, "weekly_return_pct", RANK_N, f"涨幅前{RANK_N}", f"跌幅前{RANK_N}"),
            as_of=weekly_as_of(ctx),
            notes=[f"排名为{len(industries)}个申万一级行业中的名次（1 = 涨幅最大）。"] if industries else [],
            sources=industry_sources,
            empty_text=missing_text("mart_industry_returns_weekly", m),
        )
    )
    connect = m.weekly("mart_fund_flows_weekly", flow=["northbound_net_buy", "southbound_net_buy"])
    connect = ordered(connect, ("northbound_net_buy", "southbound_net_buy"))
    section.tables.append(
        Table(
            "market_connect",
            "沪深港通资金",
            list(FLOW_COLUMNS),
            weekly_flow_rows(connect),
            as_of=weekly_as_of(ctx, connect),
            sources=source_names(connect, "stock_hsgt_hist_em"),
            empty_text=missing_text("mart_fund_flows_weekly", m),
        )
    )
    section.sentences = sentences.market_review(
        indices, turnover[0] if turnover else None, industries, {r["code"]: r for r in connect}
    )
    chart = charts.industries_chart(industries, ctx.week_id)
    if chart:
        section.charts.append(chart)
    return section
