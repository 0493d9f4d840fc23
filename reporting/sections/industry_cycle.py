"""中观·景气: the monthly industry cycle (autos, machinery, semiconductors, IC trade, Taiwan
electronics) and weekly paper prices."""

from __future__ import annotations

from datetime import date

from reporting import charts, sentences
from reporting.formatting import month_full, num
from reporting.model import Column, Section, Table
from reporting.queries import Row
from reporting.sections.common import Context, disagreement_warnings, missing_text, monthly_as_of, ordered, source_names

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
CHART_MONTHS = 24


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
