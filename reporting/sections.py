"""What each section of the note shows: its tables, sentences and charts, from the marts.

One builder per section, in the note's order (观策·论市, 复盘·内观, 中观·景气, 出口, 资金·众寡, 主题·风向,
数据·估值).
Builders read through :class:`reporting.queries.Marts`, lay rows out as :class:`Table` objects
with their source and as-of line, ask :mod:`reporting.sentences` for the section's sentences and
:mod:`reporting.charts` for its charts (drawn later, once).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ground.calendar import Week
from ground.time_zone import SHANGHAI
from reporting import charts, sentences
from reporting.formatting import month_full, num
from reporting.model import Column, Section, Table
from reporting.queries import Marts, Row

INDEX_ORDER = ("000001", "399001", "000300", "399006", "000688", "000905", "000985", "399373", "399377")
AUTO_ORDER = (
    "caam_total_production",
    "caam_total_sales",
    "caam_passenger_production",
    "caam_passenger_sales",
    "caam_commercial_production",
    "caam_commercial_sales",
    "caam_truck_production",
    "caam_truck_sales",
    "caam_bus_production",
    "caam_bus_sales",
    "caam_nev_production",
    "caam_nev_sales",
    "caam_chinese_brand_sales",
)
SHARE_CODES = ("caam_nev_penetration", "caam_chinese_brand_share")
SIA_ORDER = ("sia_world", "sia_americas", "sia_europe", "sia_japan", "sia_china", "sia_asia_pacific")
FLOW_ORDER = (
    "northbound_net_buy",
    "southbound_net_buy",
    "margin_financing_net_buy",
    "new_equity_fund_shares",
    "etf_net_subscription_shares",
    "stock_etf_net_subscription_shares",
    "etf_net_subscription_value",
    "shareholder_increase",
    "shareholder_decrease",
    "shareholder_net_change",
    "planned_reduction",
)
FLOW_SOURCES = {
    "northbound_net_buy": ["stock_hsgt_hist_em"],
    "southbound_net_buy": ["stock_hsgt_hist_em"],
    "margin_financing_net_buy": ["stock_margin_account_info"],
    "new_equity_fund_shares": ["fund_new_found_em"],
    "etf_net_subscription_shares": ["fund_etf_scale_sse", "fund_scale_daily_szse"],
    "stock_etf_net_subscription_shares": ["fund_etf_scale_sse", "fund_scale_daily_szse"],
    "etf_net_subscription_value": ["fund_etf_scale_sse", "fund_scale_daily_szse", "fund_etf_hist_em"],
    "shareholder_increase": ["stock_ggcg_em"],
    "shareholder_decrease": ["stock_ggcg_em"],
    "shareholder_net_change": ["stock_ggcg_em"],
    "planned_reduction": ["planned_reductions"],
}
CATEGORY_CN = {"broad": "宽基", "sector": "行业"}
CHART_WEEKS = 12
CHART_MONTHS = 24
BACKDROP_WEEKS = 104
RANK_N = 5
FLOW_RANK_N = 3
STOCK_RANK_N = 5


@dataclass(frozen=True)
class Context:
    marts: Marts
    week: Week
    cutoff: datetime

    @property
    def week_id(self) -> str:
        return self.week.week_id


# --------------------------------------------------------------------------- helpers


def ordered(rows: Iterable[Row], order: Iterable[str], key: str = "code") -> list[Row]:
    """Rows in a preferred code order; unknown codes after, in their own order."""
    rank = {code: i for i, code in enumerate(order)}
    rows = list(rows)
    return sorted(rows, key=lambda r: (rank.get(str(r.get(key)), len(rank)), rows.index(r)))


def source_names(rows: Iterable[Row], *static: str) -> list[str]:
    names = list(static)
    for row in rows:
        for name in str(row.get("source_name") or "").split(","):
            name = name.strip()
            if name and name not in names:
                names.append(name)
    return names


def weekly_as_of(ctx: Context, rows: list[Row] | None = None) -> str:
    week = ctx.week
    text = f"数据截至：{week.last_trading_day.isoformat()}（{week.week_id}，{len(week.trading_days)}个交易日）"
    covered = {r.get("days_covered") for r in rows or [] if r.get("days_covered") is not None}
    partial = sorted(d for d in covered if 0 < d < len(week.trading_days))
    if partial:
        text += f"；部分指标仅覆盖前{partial[0]}个交易日（发布时滞）"
    empty = [str(r.get("name")) for r in rows or [] if r.get("days_covered") == 0]
    if empty:
        text += f"；{'、'.join(empty)}本周无数据"
    return text


def days_text(row: Row) -> str:
    """覆盖交易日: ``4/5``, or 「本周无数据」 and the source(s) with nothing for the week."""
    if row.get("days_covered") == 0:
        return f"本周无数据（{row.get('source_name') or '来源未知'}）"
    return f"{row.get('days_covered')}/{row.get('trading_days')}"


def _shanghai_day(moment: Any) -> str:
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(SHANGHAI)
        return moment.date().isoformat()
    return str(moment)[:10] if moment else "—"


def monthly_as_of(month: date | None, rows: list[Row]) -> str:
    if month is None:
        return "数据期：截至报告时点无已公布数据"
    published = [r["published_at"] for r in rows if r.get("published_at") is not None]
    text = f"数据期：{month_full(month)}"
    if published:
        text += f"（{_shanghai_day(max(published))} 公布）"
    return text


def disagreement_warnings(rows: list[Row]) -> list[str]:
    """A warning per published yoy (monthly 同比, cumulative 累计同比) more than 0.5 pp from the computed one."""
    out = []
    for r in rows:
        for flag, label, prefix in (
            ("yoy_disagrees", "同比", "yoy_pct"),
            ("ytd_yoy_disagrees", "累计同比", "ytd_yoy_pct"),
        ):
            if r.get(flag):
                out.append(
                    f"{r.get('name')}：公布{label} {num(r.get(f'{prefix}_published'))}% 与按入库数据计算的{label} "
                    f"{num(r.get(f'{prefix}_computed'))}% 相差超过0.5个百分点。"
                )
    return out


def missing_text(mart: str, marts: Marts) -> str:
    return f"（数据暂缺：marts.{mart} 未发布）" if not marts.has(mart) else "（本期无数据）"


def ranked_rows(rows: list[Row], key: str, n: int, top_label: str, bottom_label: str) -> list[Row]:
    """Top n and bottom n rows (without overlap), each tagged with its group and rank."""
    best = sentences.top(rows, key, n)
    worst = [r for r in sentences.bottom(rows, key, n) if r not in best]
    total = len([r for r in rows if r.get(key) is not None])
    out = [{**r, "group": top_label, "rank": i + 1} for i, r in enumerate(best)]
    out += [{**r, "group": bottom_label, "rank": total - i} for i, r in enumerate(worst)]
    return out


def leader_rows(rows: list[Row], n: int, top_label: str, bottom_label: str) -> list[Row]:
    """The n largest net buyers (rank_desc) and the n largest net sellers (rank_asc) of a leaders mart,
    each tagged with its group and rank; a stock whose flow has the other sign is not listed."""
    buyers = sorted(
        (r for r in rows if (r.get("rank_desc") or n + 1) <= n and (r.get("value") or 0) > 0),
        key=lambda r: r["rank_desc"],
    )
    sellers = sorted(
        (r for r in rows if (r.get("rank_asc") or n + 1) <= n and (r.get("value") or 0) < 0),
        key=lambda r: r["rank_asc"],
    )
    return [{**r, "group": top_label, "rank": r["rank_desc"]} for r in buyers] + [
        {**r, "group": bottom_label, "rank": r["rank_asc"]} for r in sellers
    ]


# --------------------------------------------------------------------------- 观策·论市


def outlook(ctx: Context) -> Section:
    m = ctx.marts
    section = Section("outlook", "观策·论市", "黄金、美国利率与美元")
    mart = "mart_macro_backdrop_weekly"
    rows = m.weekly(mart, order="display_order")
    for r in rows:
        r["change_value"] = r.get("change") if r.get("value_kind") == "price" else r.get("change_pp")
    section.tables.append(
        Table(
            "outlook_backdrop",
            "黄金、美国利率与美元（报告时点可见的最新值）",
            [
                Column("name", "指标", "text"),
                Column("unit", "单位", "text"),
                Column("obs_date", "数据日期", "text"),
                Column("value", "本周", "num", 2),
                Column("prev_value", "上周", "num", 2),
                Column("change_value", "周变化", "signed", 2, colour=True),
                Column("change_pct", "周涨跌(%)", "signed", 2, colour=True),
                Column("pctile_52w", "近52周分位(%)", "num", 2),
            ],
            rows,
            as_of=weekly_as_of(ctx),
            notes=[
                "各指标取本周报告时点（最后交易日20:00）已公布的最新值：纽约收盘次日早晨可见，故周五报告显示周四的COMEX黄金、美债收益率与美元指数；美国CPI取报告时点前已公布的最新月份。",
                "周变化：价格为单位变化，利率为百分点变化。实际利率代理 = 美国10年期国债收益率 − 最新公布的美国CPI同比；近52周分位为此前52周中不高于本周值的周数占比。",
            ],
            sources=source_names(rows),
            empty_text=missing_text(mart, m),
        )
    )
    section.sentences = sentences.backdrop({r["code"]: r for r in rows})
    history = m.weekly_history(mart, BACKDROP_WEEKS, indicator=["gold_usd", "real_rate_proxy"])
    chart = charts.gold_real_rate_chart(history, ctx.week_id)
    if chart:
        section.charts.append(chart)
    return section


# --------------------------------------------------------------------------- 复盘·内观


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
            [
                Column("name", "项目", "text"),
                Column("unit", "单位", "text"),
                Column("value", "本周", "signed", 1, colour=True),
                Column("prev_value", "上周", "signed", 1, colour=True),
                Column("change", "变化", "signed", 1),
                Column("days_text", "覆盖交易日", "text"),
            ],
            [{**r, "days_text": days_text(r)} for r in connect],
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


# --------------------------------------------------------------------------- 中观·景气


def _cycle(ctx: Context, category: str) -> tuple[date | None, list[Row]]:
    month = ctx.marts.latest_month("mart_industry_cycle_monthly", category=category)
    return month, ctx.marts.monthly("mart_industry_cycle_monthly", month, category=category)


def industry_cycle(ctx: Context) -> Section:
    m = ctx.marts
    section = Section("industry_cycle", "中观·景气", "行业景气")
    missing = missing_text("mart_industry_cycle_monthly", m)
    yoy_cols = [
        Column("yoy_pct", "同比(%)", "signed", 2, colour=True),
        Column("yoy_pct_prev", "上月同比(%)", "signed", 2, colour=True),
        Column("yoy_change_pp", "同比变化(pp)", "signed", 2),
    ]

    month, autos = _cycle(ctx, "autos")
    volumes = ordered([r for r in autos if r["code"] not in SHARE_CODES], AUTO_ORDER)
    shares = ordered([r for r in autos if r["code"] in SHARE_CODES], SHARE_CODES)
    auto_sources = source_names(autos, "caam_autos")
    section.tables.append(
        Table(
            "cycle_autos",
            f"汽车产销（中汽协，{month_full(month)}）",
            [
                Column("name", "指标", "text"),
                Column("value", "当月(万辆)", "num", 1),
                Column("mom_pct", "环比(%)", "signed", 2, colour=True),
                Column("yoy_pct", "同比(%)", "signed", 2, colour=True),
                Column("yoy_pct_prev", "上月同比(%)", "signed", 2, colour=True),
                Column("yoy_3m_pct", "三个月滚动同比(%)", "signed", 2, colour=True),
                Column("ytd_value", "累计(万辆)", "num", 1),
                Column("ytd_yoy_pct", "累计同比(%)", "signed", 2, colour=True),
            ],
            volumes,
            as_of=monthly_as_of(month, autos),
            warnings=disagreement_warnings(volumes),
            sources=auto_sources,
            empty_text=missing,
        )
    )
    if shares:
        section.tables.append(
            Table(
                "cycle_auto_shares",
                f"新能源渗透率与中国品牌份额（{month_full(month)}）",
                [
                    Column("name", "指标", "text"),
                    Column("value", "当月(%)", "num", 2),
                    Column("yoy_change_pp", "较上年同期(pp)", "signed", 2, colour=True),
                ],
                shares,
                as_of=monthly_as_of(month, autos),
                notes=["新能源渗透率 = 新能源汽车销量 / 汽车销量；中国品牌份额 = 中国品牌乘用车销量 / 乘用车销量。"],
                sources=auto_sources,
            )
        )

    m_month, machines = _cycle(ctx, "machinery")
    machines = ordered(machines, ("ccma_excavator_sales", "ccma_loader_sales"))
    machine_sources = source_names(machines, "ccma_machinery")
    section.tables.append(
        Table(
            "cycle_machinery",
            f"工程机械销量（工程机械工业协会，{month_full(m_month)}）",
            [
                Column("name", "机型", "text"),
                Column("value", "当月销量(台)", "int"),
                *yoy_cols,
                Column("yoy_3m_pct", "三个月滚动同比(%)", "signed", 2, colour=True),
                Column("ytd_value", "累计销量(台)", "int"),
                Column("ytd_yoy_pct", "累计同比(%)", "signed", 2, colour=True),
            ],
            machines,
            as_of=monthly_as_of(m_month, machines),
            warnings=disagreement_warnings(machines),
            sources=machine_sources,
            empty_text=missing,
        )
    )

    s_month, semis = _cycle(ctx, "semiconductors")
    semis = ordered(semis, SIA_ORDER)
    semi_sources = source_names(semis, "sia_semiconductors")
    region_sum = sum(
        r["value"] or 0 for r in semis if r["code"] in ("sia_americas", "sia_europe", "sia_japan", "sia_asia_pacific")
    )
    world = sentences.by_code(semis, "sia_world")
    semi_warnings = disagreement_warnings(semis)
    if world and world.get("value") and region_sum and abs(region_sum - world["value"]) > 0.5:
        semi_warnings.append(
            f"美洲+欧洲+日本+亚太合计 {num(region_sum, 1)} 亿美元，与全球 {num(world['value'], 1)} 亿美元不一致。"
        )
    section.tables.append(
        Table(
            "cycle_semiconductors",
            f"全球半导体销售额（SIA，{month_full(s_month)}）",
            [Column("name", "地区", "text"), Column("value", "销售额(亿美元)", "num", 1), *yoy_cols],
            semis,
            as_of=monthly_as_of(s_month, semis),
            notes=["亚太含中国；SIA口径为三个月移动平均。"],
            warnings=semi_warnings,
            sources=semi_sources,
            empty_text=missing,
        )
    )

    i_month, ics = _cycle(ctx, "ic_trade")
    ics = ordered(ics, ("ic_exports", "ic_imports"))
    ic_sources = source_names(ics, "customs_ic_trade")
    section.tables.append(
        Table(
            "cycle_ic_trade",
            f"集成电路进出口（海关 HS 8542，{month_full(i_month)}）",
            [
                Column("name", "项目", "text"),
                Column("value", "当月金额(亿美元)", "num", 2),
                *yoy_cols,
                Column("yoy_3m_pct", "三个月滚动同比(%)", "signed", 2, colour=True),
            ],
            ics,
            as_of=monthly_as_of(i_month, ics),
            warnings=disagreement_warnings(ics),
            sources=ic_sources,
            empty_text=missing,
        )
    )

    t_month, taiwan = _cycle(ctx, "taiwan_revenue")
    taiwan = sorted(taiwan, key=lambda r: (str(r.get("segment") or ""), -(r.get("yoy_change_pp") or -1e9)))
    tw_sources = source_names(taiwan, "taiwan_monthly_revenue")
    section.tables.append(
        Table(
            "cycle_taiwan",
            f"台股电子公司月营收同比（{month_full(t_month)}）",
            [
                Column("segment", "板块", "text"),
                Column("name", "公司", "text"),
                Column("value", "当月营收(亿新台币)", "num", 1),
                *yoy_cols,
            ],
            taiwan,
            as_of=monthly_as_of(t_month, taiwan),
            warnings=disagreement_warnings(taiwan),
            sources=tw_sources,
            empty_text=missing,
        )
    )

    paper = m.weekly("mart_paper_prices_weekly")
    paper = ordered(
        [r for r in paper if r.get("published_at") is None or r["published_at"] <= ctx.cutoff],
        ("white_cardboard_index", "cultural_paper"),
    )
    paper_sources = source_names(paper, "paper_prices")
    section.tables.append(
        Table(
            "cycle_paper",
            "纸价（周度）",
            [
                Column("name", "品种", "text"),
                Column("price_date", "价格日期", "text"),
                Column("price", "价格", "num", 2),
                Column("unit", "单位", "text"),
                Column("prev_price", "上期价格", "num", 2),
                Column("wow_pct", "周环比(%)", "signed", 2, colour=True),
            ],
            paper,
            as_of=f"数据截至：{max(str(r['price_date']) for r in paper)}（报告时点已公布的最新价格）" if paper else "",
            sources=paper_sources,
            empty_text=missing_text("mart_paper_prices_weekly", m),
        )
    )

    lead = []
    if autos:
        lead += sentences.autos(autos, month)
    lead += sentences.machinery(machines, m_month)
    lead += sentences.semiconductors(semis, s_month)
    lead += sentences.ic_trade(ics, i_month)
    lead += sentences.taiwan(taiwan, t_month)
    lead += sentences.paper(paper)
    section.sentences = lead

    history = [
        r
        for r in m.monthly_history("mart_industry_cycle_monthly", CHART_MONTHS, category=["autos", "machinery"])
        if r.get("published_at") is None or r["published_at"] <= ctx.cutoff
    ]
    chart = charts.cycle_chart(
        history,
        (
            ("caam_total_sales", "汽车销量"),
            ("caam_nev_sales", "新能源汽车销量"),
            ("ccma_excavator_sales", "挖掘机销量"),
        ),
        max(d for d in (month, m_month) if d) if (month or m_month) else None,
    )
    if chart:
        section.charts.append(chart)
    return section


# --------------------------------------------------------------------------- 出口


def exports(ctx: Context) -> Section:
    m = ctx.marts
    section = Section("exports", "出口", "进出口")
    missing = missing_text("mart_exports_monthly", m)
    mart = "mart_exports_monthly"
    month = m.latest_month(mart, dimension="total")
    total = ordered(m.monthly(mart, month, dimension="total"), ("exports", "imports", "trade_balance"))
    prev_total = m.monthly(mart, _prev_month(month), dimension="total") if month else []
    prev_balance = sentences.by_code(prev_total, "trade_balance")
    total_sources = source_names(total, "macro_china_hgjck")
    section.tables.append(
        Table(
            "exports_total",
            f"进出口总览（{month_full(month)}）",
            [
                Column("name", "项目", "text"),
                Column("value_usd_100m", "当月金额(亿美元)", "num", 1),
                Column("yoy_pct", "同比(%)", "signed", 2, colour=True),
                Column("yoy_pct_prev", "上月同比(%)", "signed", 2, colour=True),
                Column("yoy_change_pp", "同比变化(pp)", "signed", 2),
            ],
            total,
            as_of=monthly_as_of(month, total),
            notes=["贸易差额 = 出口 − 进口，其同比为计算值。"],
            warnings=disagreement_warnings(total),
            sources=total_sources,
            empty_text=missing,
        )
    )
    p_month = m.latest_month(mart, dimension="partner")
    partners = sorted(m.monthly(mart, p_month, dimension="partner"), key=lambda r: -(r.get("yoy_pct") or -1e9))
    partners = [{**r, "rank": i + 1} for i, r in enumerate(partners)]
    partner_sources = source_names(partners, "customs_exports_by_partner")
    section.tables.append(
        Table(
            "exports_partners",
            f"对主要国家/地区出口（{month_full(p_month)}，按同比排序）",
            [
                Column("rank", "排名", "int"),
                Column("name", "国家/地区", "text"),
                Column("value_usd_100m", "出口金额(亿美元)", "num", 1),
                Column("yoy_pct", "同比(%)", "signed", 2, colour=True),
                Column("yoy_pct_prev", "上月同比(%)", "signed", 2, colour=True),
                Column("yoy_change_pp", "同比变化(pp)", "signed", 2, colour=True),
            ],
            partners,
            as_of=monthly_as_of(p_month, partners),
            warnings=disagreement_warnings(partners),
            sources=partner_sources,
            empty_text=missing,
        )
    )
    d_month = m.latest_month(mart, dimension="product")
    products = m.monthly(mart, d_month, dimension="product")
    product_order = (
        "mechanical_electrical",
        "high_tech",
        "integrated_circuits",
        "autos",
        "bags",
        "shoes",
        "garments",
        "toys",
        "furniture",
    )
    products = ordered(products, product_order)
    product_sources = source_names(products, "customs_exports_by_product")
    section.tables.append(
        Table(
            "exports_products",
            f"主要商品出口（{month_full(d_month)}）",
            [
                Column("name", "商品", "text"),
                Column("value_usd_100m", "出口金额(亿美元)", "num", 2),
                Column("yoy_pct", "同比(%)", "signed", 2, colour=True),
                Column("yoy_pct_prev", "上月同比(%)", "signed", 2, colour=True),
                Column("share_pct", "占出口比重(%)", "num", 2),
            ],
            products,
            as_of=monthly_as_of(d_month, products),
            notes=["金额未公布的商品只列同比。"],
            warnings=disagreement_warnings(products),
            sources=product_sources,
            empty_text=missing,
        )
    )
    window, structure = m.trade_structure()
    structure_rows = [r for r in structure if r.get("code") != "world"]
    base = window["base_period_label"] if window else "基期"
    period = window["period_label"] if window else "—"
    section.tables.append(
        Table(
            "exports_structure",
            f"贸易结构：主要国家/地区占我国进出口总额比重（{period}年均值对比{base}年均值）",
            [
                Column("name", "国家/地区", "text"),
                Column("base_share_pct", f"{base}占比(%)", "num", 1),
                Column("share_pct", f"{period}占比(%)", "num", 1),
                Column("share_change_pp", "变化(pp)", "signed", 1, colour=True),
                Column("trade_usd_100m", f"{period}年均进出口(亿美元)", "num", 0),
            ],
            sorted(
                structure_rows,
                key=lambda r: -(r.get("share_change_pp") if r.get("share_change_pp") is not None else -1e9),
            ),
            as_of=f"数据期：{period}年（{_shanghai_day(max(r['published_at'] for r in structure))} 公布）"
            if structure
            else "",
            notes=["占比 = 与该国家/地区的进出口额合计 / 我国进出口总额合计（多年窗口按年份加总）；按变化排序。"],
            sources=source_names(structure, "customs_trade_by_partner_yearly"),
            empty_text=missing_text("mart_trade_structure_yearly", m),
        )
    )
    total_s = [{**r, "value": r.get("value_usd_100m")} for r in total]
    products_s = [{**r, "value": r.get("value_usd_100m")} for r in products]
    section.sentences = sentences.exports(
        total_s, partners, products_s, month, prev_balance.get("value_usd_100m") if prev_balance else None
    )
    section.sentences += sentences.trade_structure(window, structure_rows)
    if p_month != month and partners:
        section.sentences.append(
            f"（国别与商品数据为{month_full(p_month)}，截至报告时点{month_full(month)}明细尚未公布。）"
        )
    chart = charts.partners_chart(partners, p_month)
    if chart:
        section.charts.append(chart)
    return section


def _prev_month(month: date | None) -> date | None:
    if month is None:
        return None
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


# --------------------------------------------------------------------------- 资金·众寡


def fund_flows(ctx: Context) -> Section:
    m = ctx.marts
    section = Section("fund_flows", "资金·众寡", "资金流向")
    flows = ordered(m.weekly("mart_fund_flows_weekly"), FLOW_ORDER)
    flow_sources = source_names(flows, *dict.fromkeys(s for f in flows for s in FLOW_SOURCES.get(f["code"], [])))
    section.tables.append(
        Table(
            "flows_summary",
            "资金流向汇总",
            [
                Column("name", "项目", "text"),
                Column("unit", "单位", "text"),
                Column("value", "本周", "signed", 1, colour=True),
                Column("prev_value", "上周", "signed", 1, colour=True),
                Column("change", "变化", "signed", 1),
                Column("days_text", "覆盖交易日", "text"),
            ],
            [{**r, "days_text": days_text(r)} for r in flows],
            as_of=weekly_as_of(ctx, flows),
            notes=[
                "融资净买入 = 融资余额的周度变化（Δ融资余额）；两融数据T+1日公布，覆盖交易日少于本周交易日时为报告时点已公布的部分。",
                "重要股东增减持金额 = 变动股数 × 首次披露时的最新价（非变动当日价格）。",
            ],
            sources=flow_sources,
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
    daily = []
    if m.has("mart_fund_flows_daily"):
        daily = m.weekly_history(
            "mart_fund_flows_daily", 4, order="trade_date", flow=["northbound_net_buy", "margin_financing_net_buy"]
        )
    weekly = m.weekly_history(
        "mart_fund_flows_weekly", CHART_WEEKS, flow=["northbound_net_buy", "margin_financing_net_buy"]
    )
    chart = charts.flows_chart(daily, weekly, ctx.week_id)
    if chart:
        section.charts.append(chart)
    return section


# --------------------------------------------------------------------------- 主题·风向


def themes(ctx: Context) -> Section:
    m = ctx.marts
    section = Section("themes", "主题·风向", "概念主题")
    mart = "mart_theme_returns_weekly"
    boards = m.weekly(mart, order="rank_desc")
    section.tables.append(
        Table(
            "themes_boards",
            f"概念板块周涨跌幅：涨幅前{RANK_N}与跌幅前{RANK_N}",
            [
                Column("group", "类别", "text"),
                Column("rank", "排名", "int"),
                Column("name", "概念板块", "text"),
                Column("weekly_return_pct", "周涨跌幅(%)", "signed", 2, colour=True),
                Column("prev_weekly_return_pct", "上周涨跌幅(%)", "signed", 2, colour=True),
                Column("close", "收盘", "num", 2),
                Column("constituents", "成分股数", "int"),
            ],
            ranked_rows(boards, "weekly_return_pct", RANK_N, f"涨幅前{RANK_N}", f"跌幅前{RANK_N}"),
            as_of=weekly_as_of(ctx),
            notes=(
                [
                    f"排名为{boards[0]['boards_ranked']}个东方财富概念板块中的名次（1 = 涨幅最大）；成分股数为本周最新板块列表中当日上涨与下跌的家数之和（列表不含平盘家数）。"
                ]
                if boards
                else []
            ),
            sources=source_names(boards, "stock_board_concept_hist_em", "stock_board_concept_name_em"),
            empty_text=missing_text(mart, m),
        )
    )
    section.sentences = sentences.themes(boards)
    return section


# --------------------------------------------------------------------------- 数据·估值


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


BUILDERS = (outlook, market_review, industry_cycle, exports, fund_flows, themes, valuation)


def build_sections(ctx: Context) -> list[Section]:
    return [builder(ctx) for builder in BUILDERS]
