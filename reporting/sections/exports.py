"""出口: the month's trade headline, exports by partner and product, and the trade structure."""

from __future__ import annotations

from datetime import date

from reporting import charts, sentences
from reporting.formatting import month_full
from reporting.model import Column, Section, Table
from reporting.sections.common import (
    Context,
    disagreement_warnings,
    missing_text,
    monthly_as_of,
    ordered,
    shanghai_day,
    source_names,
)


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
            as_of=f"数据期：{period}年（{shanghai_day(max(r['published_at'] for r in structure))} 公布）"
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
