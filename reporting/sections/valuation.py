"""数据·估值: the market's and the Shenwan industries' PE(TTM) and PB with their percentiles."""

from __future__ import annotations

from reporting import charts, sentences
from reporting.model import Column, Section, Table
from reporting.sections.common import Context, missing_text, source_names, weekly_as_of


def valuation(ctx: Context) -> Section:
    m = ctx.marts
    section = Section("valuation", "数据·估值", "估值")
    mart = "mart_valuation_weekly"
    market = m.weekly(mart, scope=["all_a", "all_a_median"], order="scope")
    market_sources = source_names(market, "stock_zh_index_hist_csindex", "stock_a_ttm_lyr", "stock_a_all_pb")
    section.tables.append(
        Table(
            "valuation_market",
            "全部A股估值",
            [
                Column("name", "口径", "text"),
                Column("pe_ttm", "PE(TTM)", "num", 2),
                Column("pe_ttm_prev", "上周PE", "num", 2),
                Column("pe_ttm_change", "PE变化", "signed", 2, colour=True),
                Column("pe_ttm_pctile_all", "PE历史分位(%)", "num", 2),
                Column("pe_ttm_pctile_10y", "PE近十年分位(%)", "num", 2),
                Column("pb", "PB", "num", 2),
                Column("pb_change", "PB变化", "signed", 2, colour=True),
                Column("pb_pctile_all", "PB历史分位(%)", "num", 2),
                Column("pb_pctile_10y", "PB近十年分位(%)", "num", 2),
            ],
            market,
            as_of=weekly_as_of(ctx),
            notes=[
                "整体口径为中证全指（000985）滚动市盈率；中位数口径为全部A股个股PE(TTM)、PB的中位数。分位数为历史上不高于当期值的观测占比。"
            ],
            sources=market_sources,
            empty_text=missing_text(mart, m),
        )
    )
    industries = m.weekly(mart, scope="sw_l1")
    industries = sorted(
        industries, key=lambda r: -(r.get("pe_ttm_pctile_10y") if r.get("pe_ttm_pctile_10y") is not None else -1)
    )
    up = sum(1 for r in industries if (r.get("pe_ttm_change") or 0) > 0)
    down = sum(1 for r in industries if (r.get("pe_ttm_change") or 0) < 0)
    industry_sources = source_names(industries, "index_analysis_daily_sw")
    section.tables.append(
        Table(
            "valuation_industries",
            "申万一级行业估值（按PE近十年分位排序）",
            [
                Column("name", "行业", "text"),
                Column("pe_ttm", "PE(TTM)", "num", 2),
                Column("pe_ttm_change", "PE变化", "signed", 2, colour=True),
                Column("pe_ttm_pctile_10y", "PE近十年分位(%)", "num", 2),
                Column("pb", "PB", "num", 2),
                Column("pb_change", "PB变化", "signed", 2, colour=True),
                Column("pb_pctile_10y", "PB近十年分位(%)", "num", 2),
            ],
            industries,
            as_of=weekly_as_of(ctx),
            notes=[f"本周PE上行{up}个、下行{down}个行业。"] if industries else [],
            sources=industry_sources,
            empty_text=missing_text(mart, m),
        )
    )
    section.sentences = sentences.valuation(
        sentences.by_code(market, "all_a", key="scope"),
        sentences.by_code(market, "all_a_median", key="scope"),
        industries,
    )
    history = m.weekly_history(mart, 10_000, scope="all_a")
    chart = charts.pe_chart(history, ctx.week_id)
    if chart:
        section.charts.append(chart)
    return section
