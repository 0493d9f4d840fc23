"""观策·论市: the macro backdrop (gold, rates, the dollar, oil) of the week."""

from __future__ import annotations

from reporting import charts, sentences
from reporting.model import Column, Section, Table
from reporting.sections.common import Context, missing_text, source_names, weekly_as_of

BACKDROP_WEEKS = 104


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
