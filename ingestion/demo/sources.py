"""One builder per registered source: the loads (frames in the source's raw shape, call
parameters, fetch moments) of the demo snapshot.

Fetch moments follow the registry: a load is fetched at the publication moment of the newest
period it holds (``published_at``), so it never contains a period that was not public yet.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pandas as pd

from ingestion.demo import figures as F
from ingestion.demo import funds as FU
from ingestion.demo import market as MK
from ingestion.demo import monthly as MO
from ingestion.demo import stocks as ST
from ingestion.demo.calendar import all_trading_days, trading_days, week_last_trading_days
from ingestion.demo.common import (
    DATA_END,
    DATA_START,
    LoadSpec,
    add_months,
    at,
    month_end,
    months,
    published_at,
    rng,
    ymd,
)
from ingestion.demo.schedule import WINDOW, aggregate_dates, per_stock_dates, snapshot_dates
from ingestion.registry import get_source

D = date
Builder = Callable[[], list[LoadSpec]]
BUILDERS: dict[str, Builder] = {}


def builder(name: str) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        BUILDERS[name] = fn
        return fn

    return register


def tdays(start: date, end: date) -> list[date]:
    return [d for d in trading_days(start, end) if DATA_START <= d <= DATA_END]


# ------------------------------------------------------------------ reference
@builder("tool_trade_date_hist_sina")
def trade_calendar() -> list[LoadSpec]:
    out = []
    for fetched, last in (
        (at(D(2021, 1, 4), "08:30"), D(2021, 12, 31)),
        (at(D(2021, 12, 20), "08:30"), D(2022, 12, 31)),
        (at(D(2022, 12, 20), "08:30"), D(2023, 12, 31)),
    ):
        days = [d for d in all_trading_days() if d <= last]
        out.append(LoadSpec({}, pd.DataFrame({"trade_date": days}), fetched))
    return out


@builder("stock_industry_clf_hist_sw")
def industry_classification() -> list[LoadSpec]:
    history = ST.industry_history()
    out = []
    for fetched in (D(2021, 8, 2), D(2022, 7, 4), D(2023, 1, 3)):
        rows = history[history["update_time"] < fetched].sort_values(["symbol", "start_date"]).reset_index(drop=True)
        out.append(LoadSpec({}, rows.copy(), at(fetched, "08:30")))
    return out


# ------------------------------------------------------------------ exports
def cn_month(m: date) -> str:
    return f"{m.year}年{m.month:02d}月份"


@builder("macro_china_hgjck")
def hgjck() -> list[LoadSpec]:
    h = MO.customs_headline()
    exports, imports = h["exports"], h["imports"]
    out = []
    for latest in (D(2021, 12, 1), D(2022, 6, 1), D(2022, 12, 1), D(2023, 1, 1), D(2023, 2, 1), D(2023, 3, 1)):
        rows = []
        for m in months(D(2021, 1, 1), latest):
            ex_yoy = F.EXPORTS_YOY_MAR if m == MO.MAR23 else round(MO.yoy(exports, m), 1)
            im_yoy = F.IMPORTS_YOY_MAR if m == MO.MAR23 else round(MO.yoy(imports, m), 1)
            rows.append(
                {
                    "月份": cn_month(m),
                    "当月出口额-金额": round(exports[m] * 1e5, 3),
                    "当月出口额-同比增长": ex_yoy,
                    "当月出口额-环比增长": round(MO.pct(exports[m], exports[add_months(m, -1)]), 8),
                    "当月进口额-金额": round(imports[m] * 1e5, 3),
                    "当月进口额-同比增长": im_yoy,
                    "当月进口额-环比增长": round(MO.pct(imports[m], imports[add_months(m, -1)]), 8),
                    "累计出口额-金额": round(MO.ytd(exports, m) * 1e5, 3),
                    "累计出口额-同比增长": round(MO.ytd_yoy(exports, m), 1),
                    "累计进口额-金额": round(MO.ytd(imports, m) * 1e5, 3),
                    "累计进口额-同比增长": round(MO.ytd_yoy(imports, m), 1),
                }
            )
        frame = pd.DataFrame(rows).iloc[::-1].reset_index(drop=True)  # newest first, as Eastmoney serves it
        out.append(LoadSpec({}, frame, published_at("macro_china_hgjck", month_end(latest))))
    return out


def _jin10(source: str, title: str, value_key: str, forecast_sd: float) -> list[LoadSpec]:
    releases = MO.jin10_releases()
    g = rng("jin10", source)
    rows, previous = [], round(float(g.normal(10, 5)), 1)
    for release in releases:
        value = release[value_key]
        forecast = (
            -7.0
            if release["day"] == D(2023, 4, 13) and value_key == "exports_yoy"
            else round(float(value) + float(g.normal(0, forecast_sd)), 1)
        )
        rows.append({"商品": title, "日期": release["day"], "今值": float(value), "预测值": forecast, "前值": previous})
        previous = float(value)
    frame = pd.DataFrame(rows)
    out = []
    for cut in (D(2022, 1, 13), D(2023, 1, 13), D(2023, 3, 7), D(2023, 4, 13)):
        part = frame[frame["日期"] <= cut].reset_index(drop=True)
        out.append(LoadSpec({}, part, published_at(source, cut)))
    return out


@builder("macro_china_exports_yoy")
def exports_yoy() -> list[LoadSpec]:
    return _jin10("macro_china_exports_yoy", "中国以美元计算出口年率报告", "exports_yoy", 4.0)


@builder("macro_china_imports_yoy")
def imports_yoy() -> list[LoadSpec]:
    return _jin10("macro_china_imports_yoy", "中国以美元计算进口年率报告", "imports_yoy", 4.0)


@builder("macro_china_trade_balance")
def trade_balance() -> list[LoadSpec]:
    return _jin10("macro_china_trade_balance", "中国以美元计算贸易帐报告", "balance", 60.0)


def curated_monthly(source: str, rows_for: Callable[[date], list[dict]], last: date = MO.MAR23) -> list[LoadSpec]:
    """A backfill file (2021-01 .. 2022-12) entered once, then one file per monthly release."""
    out = []
    batches = [months(D(2021, 1, 1), D(2022, 12, 1))] + [[m] for m in months(D(2023, 1, 1), last)]
    for batch in batches:
        rows = [row for m in batch for row in rows_for(m)]
        moment = published_at(source, month_end(batch[-1]))
        span = f"{batch[0]:%Y-%m}" if len(batch) == 1 else f"{batch[0]:%Y-%m}_{batch[-1]:%Y-%m}"
        out.append(LoadSpec({}, pd.DataFrame(rows), moment, moment, file_name=f"{source}_{span}.csv"))
    return out


@builder("customs_exports_by_partner")
def customs_partner() -> list[LoadSpec]:
    data = MO.partners()

    def rows(m: date) -> list[dict]:
        out = []
        for code, (name, mar, feb) in F.PARTNERS.items():
            ex, im = data[code]["exports"], data[code]["imports"]
            published = {MO.MAR23: mar, MO.FEB23: feb}.get(m, round(MO.yoy(ex, m), 2))
            out.append(
                {
                    "月份": f"{m:%Y-%m}",
                    "国家或地区": name,
                    "出口金额": ex[m],
                    "出口同比": published,
                    "进口金额": im[m],
                    "进口同比": round(MO.yoy(im, m), 2),
                }
            )
        return out

    return curated_monthly("customs_exports_by_partner", rows)


@builder("customs_exports_by_product")
def customs_product() -> list[LoadSpec]:
    data = MO.products()

    def rows(m: date) -> list[dict]:
        out = []
        for code, (name, mar, feb) in F.PRODUCTS.items():
            s = data[code]
            published = {MO.MAR23: mar, MO.FEB23: feb}.get(m, round(MO.yoy(s, m), 1))
            out.append({"月份": f"{m:%Y-%m}", "商品名称": name, "出口金额": s[m], "出口同比": published})
        return out

    return curated_monthly("customs_exports_by_product", rows)


@builder("customs_ic_trade")
def customs_ic() -> list[LoadSpec]:
    data = MO.ic_trade()

    def rows(m: date) -> list[dict]:
        out = []
        for direction, name in (("exports", "出口"), ("imports", "进口")):
            fig, s = F.IC[direction], data[direction]
            published = {MO.MAR23: fig["yoy"], MO.FEB23: fig["yoy_prev"]}.get(m, round(MO.yoy(s, m), 2))
            out.append({"月份": f"{m:%Y-%m}", "贸易方向": name, "金额": s[m], "同比": published})
        return out

    return curated_monthly("customs_ic_trade", rows)


# ------------------------------------------------------------------ industry cycle
@builder("caam_autos")
def caam_autos() -> list[LoadSpec]:
    data = MO.caam()

    def rows(m: date) -> list[dict]:
        out = []
        for cat, name in MO.CAAM_NAMES.items():
            prod, sales = data[cat]["production"], data[cat]["sales"]
            brand = cat == "brand"
            out.append(
                {
                    "月份": f"{m:%Y-%m}",
                    "类别": name,
                    "产量": np.nan if brand else prod[m],
                    "销量": sales[m],
                    "产量同比": np.nan if brand else MO.caam_published_yoy(cat, "production", m),
                    "销量同比": MO.caam_published_yoy(cat, "sales", m),
                    "累计产量": np.nan if brand else round(MO.ytd(prod, m), 3),
                    "累计销量": round(MO.ytd(sales, m), 3),
                    "累计产量同比": np.nan if brand else MO.caam_published_ytd_yoy(cat, "production", m),
                    "累计销量同比": MO.caam_published_ytd_yoy(cat, "sales", m),
                }
            )
        return out

    return curated_monthly("caam_autos", rows)


@builder("ccma_machinery")
def ccma_machinery() -> list[LoadSpec]:
    data = MO.ccma()

    def rows(m: date) -> list[dict]:
        out = []
        for kind, s in data.items():
            pub_yoy, pub_ytd = MO.CCMA_PUBLISHED[kind].get(m, (None, None))
            out.append(
                {
                    "月份": f"{m:%Y-%m}",
                    "机型": kind,
                    "销量": int(s[m]),
                    "销量同比": pub_yoy if pub_yoy is not None else round(MO.yoy(s, m), 2),
                    "累计销量": int(MO.ytd(s, m)),
                    "累计销量同比": pub_ytd if pub_ytd is not None else round(MO.ytd_yoy(s, m), 2),
                }
            )
        return out

    return curated_monthly("ccma_machinery", rows)


@builder("sia_semiconductors")
def sia_semiconductors() -> list[LoadSpec]:
    data = MO.sia()

    def rows(m: date) -> list[dict]:
        return [
            {"月份": f"{m:%Y-%m}", "地区": region, "销售额": data[region][m], "同比": MO.sia_published_yoy(region, m)}
            for region in ("全球", "美洲", "欧洲", "日本", "中国", "亚太")
        ]

    return curated_monthly("sia_semiconductors", rows, last=MO.FEB23)


@builder("taiwan_monthly_revenue")
def taiwan_revenue() -> list[LoadSpec]:
    data = MO.taiwan()
    companies = MO.taiwan_companies()

    def rows(m: date) -> list[dict]:
        return [
            {
                "月份": f"{m:%Y-%m}",
                "公司代码": code,
                "公司名称": name,
                "板块": segment,
                "营业收入": data[code][m],
                "营收同比": MO.taiwan_published_yoy(code, m),
            }
            for code, (name, segment, _mar, _feb) in companies.items()
        ]

    return curated_monthly("taiwan_monthly_revenue", rows)


@builder("paper_prices")
def paper_prices() -> list[LoadSpec]:
    data = MO.paper()
    weeks = sorted(next(iter(data.values())))
    batches = [[w for w in weeks if w.year < 2023]] + [[w] for w in weeks if w.year == 2023]
    out = []
    for batch in batches:
        rows = [{"日期": w, "品种": name, "价格": float(series[w])} for w in batch for name, series in data.items()]
        moment = published_at("paper_prices", batch[-1])
        span = f"{batch[0]:%Y-%m-%d}" if len(batch) == 1 else f"{batch[0]:%Y-%m-%d}_{batch[-1]:%Y-%m-%d}"
        out.append(LoadSpec({}, pd.DataFrame(rows), moment, moment, file_name=f"paper_prices_{span}.csv"))
    return out


def _cpca_frame(series: dict[date, float], latest: date) -> pd.DataFrame:
    year = latest.year
    columns = {"月份": [f"{k}月" for k in range(1, 13)]}
    for y in (year - 1, year):
        columns[f"{y}年"] = [series[D(y, k, 1)] if D(y, k, 1) <= latest else np.nan for k in range(1, 13)]
    return pd.DataFrame(columns)


def _cpca(source: str, param_sets: list[dict], keys: list[tuple[str, str]]) -> list[LoadSpec]:
    data = MO.cpca()
    out = []
    for latest in (D(2022, 12, 1), D(2023, 2, 1), D(2023, 3, 1)):
        for params, key in zip(param_sets, keys, strict=True):
            out.append(LoadSpec(params, _cpca_frame(data[key], latest), published_at(source, month_end(latest))))
    return out


@builder("car_market_total_cpca")
def cpca_total() -> list[LoadSpec]:
    sets = [{"symbol": s, "indicator": i} for s, i in MO.CPCA_SETS]
    return _cpca("car_market_total_cpca", sets, list(MO.CPCA_SETS))


@builder("car_market_fuel_cpca")
def cpca_fuel() -> list[LoadSpec]:
    return _cpca("car_market_fuel_cpca", [{"symbol": "整体市场"}], [("整体市场", "新能源")])


# ------------------------------------------------------------------ market review
def _index_frame(bars: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "日期": list(bars.index),
            "开盘": bars["open"].to_numpy(),
            "收盘": bars["close"].to_numpy(),
            "最高": bars["high"].to_numpy(),
            "最低": bars["low"].to_numpy(),
            "成交量": bars["volume"].to_numpy(),
            "成交额": bars["amount"].to_numpy(),
            "振幅": np.round((bars["high"] - bars["low"]) / bars["prev"] * 100, 2).to_numpy(),
            "涨跌幅": np.round((bars["close"] / bars["prev"] - 1) * 100, 2).to_numpy(),
            "涨跌额": np.round(bars["close"] - bars["prev"], 2).to_numpy(),
            "换手率": bars["turnover"].to_numpy(),
        }
    )


RANGES = ((D(2021, 1, 1), D(2023, 3, 31)), (D(2023, 4, 1), D(2023, 4, 14)))


@builder("index_zh_a_hist")
def index_hist() -> list[LoadSpec]:
    out = []
    for params in [p["symbol"] for p in get_source("index_zh_a_hist").param_sets]:
        bars = MK.index_bars(params)
        for start, end in RANGES:
            part = bars[(bars.index >= max(start, DATA_START)) & (bars.index <= end)]
            last = part.index[-1]
            out.append(
                LoadSpec(
                    {"period": "daily", "symbol": params, "start_date": ymd(start), "end_date": ymd(end)},
                    _index_frame(part),
                    published_at("index_zh_a_hist", last),
                )
            )
    return out


@builder("stock_sse_deal_daily")
def sse_deal_daily() -> list[LoadSpec]:
    out = []
    turnover = MK.sse_turnover()
    pe = MK.all_a_pe()
    for day in aggregate_dates():
        if day < D(2021, 12, 27):
            continue
        g = rng("sse_deal", day)
        total = float(turnover[day])
        star = round(total * float(g.uniform(0.09, 0.13)), 2)
        b = round(float(g.uniform(0.8, 2.5)), 2)
        main = round(total - star - b, 2)
        mv_main, mv_b, mv_star = (
            round(float(x), 2) for x in (g.normal(412000, 8000), g.normal(900, 40), g.normal(66000, 3000))
        )
        mv_all = round(mv_main + mv_b + mv_star, 2)
        fmv = [round(mv_main * 0.86, 2), round(mv_b * 0.99, 2), round(mv_star * 0.45, 2)]
        vol = [round(main / 11.0, 2), round(b / 3.0, 2), round(star / 55.0, 2)]
        count = [float(1690 + (day.toordinal() - 738000) // 60), 44.0, float(430 + (day.toordinal() - 738000) // 8)]
        pes = [round(float(pe[day]) * 0.93, 2), round(float(g.uniform(6, 9)), 2), round(float(g.uniform(38, 55)), 2)]
        rows = [
            ("挂牌数", [sum(count), *count], 0.0),
            ("市价总值", [mv_all, mv_main, mv_b, mv_star], np.nan),
            ("流通市值", [round(sum(fmv), 2), *fmv], np.nan),
            ("成交金额", [total, main, b, star], round(float(g.uniform(5, 30)), 2)),
            ("成交量", [round(sum(vol), 2), *vol], round(float(g.uniform(0.1, 1.0)), 2)),
            ("平均市盈率", [round(float(pe[day]), 2), *pes], np.nan),
            (
                "换手率",
                [
                    round(total / mv_all * 100, 4),
                    round(main / mv_main * 100, 4),
                    round(b / mv_b * 100, 4),
                    round(star / mv_star * 100, 4),
                ],
                np.nan,
            ),
            (
                "流通换手率",
                [
                    round(total / sum(fmv) * 100, 4),
                    round(main / fmv[0] * 100, 4),
                    round(b / fmv[1] * 100, 4),
                    round(star / fmv[2] * 100, 4),
                ],
                np.nan,
            ),
        ]
        frame = pd.DataFrame(
            {
                "单日情况": [r[0] for r in rows],
                "股票": [float(r[1][0]) for r in rows],
                "主板A": [float(r[1][1]) for r in rows],
                "主板B": [float(r[1][2]) for r in rows],
                "科创板": [float(r[1][3]) for r in rows],
                "股票回购": [float(r[2]) for r in rows],
            }
        )
        out.append(LoadSpec({"date": ymd(day)}, frame, published_at("stock_sse_deal_daily", day)))
    return out


@builder("stock_szse_summary")
def szse_summary() -> list[LoadSpec]:
    out = []
    turnover = MK.szse_turnover()
    for day in aggregate_dates():
        g = rng("szse_summary", day)
        stocks = float(turnover[day])
        gem = round(stocks * float(g.uniform(0.36, 0.42)), 0)
        b = round(float(g.uniform(0.5, 2.0)) * 1e8, 0)
        main = stocks - gem - b
        mv = [float(round(g.normal(v, v * 0.02), -4)) for v in (2.52e13, 2.0e11, 1.18e13)]
        funds = {
            "ETF": g.uniform(2.0e10, 4.5e10),
            "LOF": g.uniform(2e8, 8e8),
            "封闭式基金": g.uniform(1e6, 5e6),
            "基础设施基金": g.uniform(1e8, 5e8),
        }
        fund_total = sum(funds.values())
        rows = [
            ("股票", 2800 + (day.toordinal() - 738000) // 5, stocks, sum(mv), sum(mv) * 0.82),
            ("主板A股", 1500, main, mv[0], mv[0] * 0.84),
            ("主板B股", 41, b, mv[1], mv[1] * 0.98),
            ("创业板A股", 1259 + (day.toordinal() - 738000) // 5, gem, mv[2], mv[2] * 0.78),
            ("基金", 700 + (day.toordinal() - 738000) // 10, fund_total, 5.6e11, 5.5e11),
            ("ETF", 300 + (day.toordinal() - 738000) // 15, funds["ETF"], 3.9e11, 3.9e11),
            ("LOF", 330, funds["LOF"], 1.4e11, 1.3e11),
            ("封闭式基金", 10, funds["封闭式基金"], 2.0e9, 2.0e9),
            ("基础设施基金", 12, funds["基础设施基金"], 2.9e10, 2.9e10),
            ("债券", 11000 + (day.toordinal() - 738000) // 2, g.uniform(1.2e11, 2.0e11), 2.4e13, 2.4e13),
            ("债券回购", 9, g.uniform(4.0e11, 6.5e11), np.nan, np.nan),
            ("期权", 180, g.uniform(3e8, 8e8), np.nan, np.nan),
        ]
        frame = pd.DataFrame(
            {
                "证券类别": [r[0] for r in rows],
                "数量": np.array([int(r[1]) for r in rows], dtype="int64"),
                "成交金额": [float(round(r[2], 0)) for r in rows],
                "总市值": [float(round(r[3], 0)) if r[3] == r[3] else np.nan for r in rows],
                "流通市值": [float(round(r[4], 0)) if r[4] == r[4] else np.nan for r in rows],
            }
        )
        out.append(LoadSpec({"date": ymd(day)}, frame, published_at("stock_szse_summary", day)))
    return out


@builder("index_analysis_weekly_sw")
def sw_weekly() -> list[LoadSpec]:
    daily = MK.sw_daily()
    week_ends = week_last_trading_days(DATA_START, DATA_END)
    month_last = [d for i, d in enumerate(week_ends) if i + 1 == len(week_ends) or week_ends[i + 1].month != d.month]
    keep = [d for d in week_ends if d >= D(2023, 1, 1)]
    keep = [d for d in month_last if d < D(2023, 1, 1) and d.month in (3, 6, 9, 12)] + keep
    out = []
    for end in keep:
        previous = max(w for w in week_ends if w < end) if end != week_ends[0] else None
        start = previous + timedelta(days=1) if previous else end - timedelta(days=6)
        week = daily[(daily["day"] > (previous or start - timedelta(days=1))) & (daily["day"] <= end)]
        last = daily[daily["day"] == end].set_index("指数代码")
        before = daily[daily["day"] == previous].set_index("指数代码")["收盘指数"] if previous else None
        grouped = week.groupby("指数代码")
        frame = pd.DataFrame(
            {
                "指数代码": list(last.index),
                "指数名称": last["指数名称"].to_list(),
                "发布日期": [end] * len(last),
                "收盘指数": last["收盘指数"].to_numpy(),
                "成交量": grouped["成交量"].sum().reindex(last.index).round(2).to_numpy(),
                "涨跌幅": (
                    np.round((last["收盘指数"] / before.reindex(last.index) - 1) * 100, 2).to_numpy()
                    if before is not None
                    else last["涨跌幅"].to_numpy()
                ),
                "换手率": grouped["换手率"].sum().reindex(last.index).round(2).to_numpy(),
                "市盈率": last["市盈率"].to_numpy(),
                "市净率": last["市净率"].to_numpy(),
                "均价": last["均价"].to_numpy(),
                "成交额占比": grouped["成交额占比"].mean().reindex(last.index).round(2).to_numpy(),
                "流通市值": last["流通市值"].to_numpy(),
                "平均流通市值": last["平均流通市值"].to_numpy(),
                "股息率": last["股息率"].to_numpy(),
            }
        )
        out.append(
            LoadSpec({"symbol": "一级行业", "date": ymd(end)}, frame, published_at("index_analysis_weekly_sw", end))
        )
    return out


# ------------------------------------------------------------------ valuation
@builder("index_analysis_daily_sw")
def sw_daily() -> list[LoadSpec]:
    daily = MK.sw_daily()
    out = []
    for first in months(D(2021, 1, 1), D(2023, 4, 1)):
        if first < D(2023, 1, 1) and first.month not in (1, 4, 7, 10):
            continue
        last = min(month_end(first), DATA_END)
        part = daily[(daily["day"] >= first) & (daily["day"] <= last)]
        frame = part.rename(columns={"day": "发布日期"})
        frame = frame[
            [
                "指数代码",
                "指数名称",
                "发布日期",
                *[c for c in frame.columns if c not in ("指数代码", "指数名称", "发布日期")],
            ]
        ]
        frame = frame.sort_values(["发布日期", "指数代码"]).reset_index(drop=True)
        out.append(
            LoadSpec(
                {"symbol": "一级行业", "start_date": ymd(first), "end_date": ymd(last)},
                frame,
                published_at("index_analysis_daily_sw", max(frame["发布日期"])),
            )
        )
    return out


@builder("stock_zh_index_hist_csindex")
def csindex() -> list[LoadSpec]:
    bars = MK.index_bars("000985")
    pe = MK.all_a_pe()
    n = len(bars)
    g = rng("csindex")
    samples = np.array(
        [2350 + 2500 * (d.toordinal() - MK.HISTORY_START.toordinal()) // 182 * 182 / 3750 for d in bars.index]
    )
    frame = pd.DataFrame(
        {
            "日期": list(bars.index),
            "指数代码": "000985",
            "指数中文全称": "中证全指指数",
            "指数中文简称": "中证全指",
            "指数英文全称": "CSI All Share Index",
            "指数英文简称": "CSI All Share",
            "开盘": bars["open"].to_numpy(),
            "最高": bars["high"].to_numpy(),
            "最低": bars["low"].to_numpy(),
            "收盘": bars["close"].to_numpy(),
            "涨跌": np.round(bars["close"] - bars["prev"], 2).to_numpy(),
            "涨跌幅": np.round((bars["close"] / bars["prev"] - 1) * 100, 2).to_numpy(),
            "成交量": np.round(bars["volume"].to_numpy() / 1e4 * np.exp(g.normal(0, 0.01, n)), 2),
            "成交金额": np.round(bars["amount"].to_numpy() / 1e8, 2),
            "样本数量": samples.astype("int64"),
            "滚动市盈率": pe.reindex(bars.index).to_numpy(),
        }
    )
    out = []
    for start, end in (
        (D(2013, 1, 1), D(2022, 12, 31)),
        (D(2023, 1, 1), D(2023, 3, 31)),
        (D(2023, 4, 1), D(2023, 4, 14)),
    ):
        part = frame[(frame["日期"] >= start) & (frame["日期"] <= end)].reset_index(drop=True)
        out.append(
            LoadSpec(
                {"symbol": "000985", "start_date": ymd(start), "end_date": ymd(end)},
                part,
                published_at("stock_zh_index_hist_csindex", part["日期"].iloc[-1]),
            )
        )
    return out


def _legulegu_loads(source: str, build: Callable[[pd.DataFrame], pd.DataFrame]) -> list[LoadSpec]:
    data = MK.legulegu()
    data = data[data.index >= DATA_START]
    out = []
    for cut in (D(2022, 12, 30), D(2023, 3, 31), D(2023, 4, 14)):
        part = data[data.index <= cut]
        out.append(LoadSpec({}, build(part), published_at(source, cut)))
    return out


@builder("stock_a_ttm_lyr")
def a_ttm_lyr() -> list[LoadSpec]:
    csi300 = MK.index_bars("000300")["close"]

    def build(part: pd.DataFrame) -> pd.DataFrame:
        cols = {"date": list(part.index)}
        for key in ("middlePETTM", "averagePETTM", "middlePELYR", "averagePELYR"):
            cols[key] = part[key].to_numpy()
        for kind, key in (
            ("MiddlePeTtm", "middlePETTM"),
            ("AveragePeTtm", "averagePETTM"),
            ("MiddlePeLyr", "middlePELYR"),
            ("AveragePeLyr", "averagePELYR"),
        ):
            cols[f"quantileInAllHistory{kind}"] = part[f"q_all_{key}"].to_numpy()
            cols[f"quantileInRecent10Years{kind}"] = part[f"q_10y_{key}"].to_numpy()
        cols["close"] = csi300.reindex(part.index).to_numpy()
        return pd.DataFrame(cols)

    return _legulegu_loads("stock_a_ttm_lyr", build)


@builder("stock_a_all_pb")
def a_all_pb() -> list[LoadSpec]:
    sse = MK.index_bars("000001")["close"]

    def build(part: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "date": list(part.index),
                "middlePB": part["middlePB"].to_numpy(),
                "equalWeightAveragePB": part["equalWeightAveragePB"].to_numpy(),
                "close": sse.reindex(part.index).to_numpy(),
                "quantileInAllHistoryMiddlePB": part["q_all_middlePB"].to_numpy(),
                "quantileInRecent10YearsMiddlePB": part["q_10y_middlePB"].to_numpy(),
                "quantileInAllHistoryEqualWeightAveragePB": part["q_all_equalWeightAveragePB"].to_numpy(),
                "quantileInRecent10YearsEqualWeightAveragePB": part["q_10y_equalWeightAveragePB"].to_numpy(),
            }
        )

    return _legulegu_loads("stock_a_all_pb", build)


# ------------------------------------------------------------------ fund flows: Stock Connect
HK_LEADERS = [
    ("腾讯控股", "00700"),
    ("美团-W", "03690"),
    ("中国移动", "00941"),
    ("小米集团-W", "01810"),
    ("中芯国际", "00981"),
    ("快手-W", "01024"),
    ("比亚迪股份", "01211"),
    ("中海油", "00883"),
]


@builder("stock_hsgt_hist_em")
def hsgt_hist() -> list[LoadSpec]:
    flows = MK.stock_connect()
    csi300 = MK.index_bars("000300")
    sse = MK.index_bars("000001")
    szse = MK.index_bars("399001")
    universe = ST.universe()
    specs = {
        "北向资金": ("north", "沪深300", csi300, 1.2153, 1e4, 1040.0, ["sh_buy", "sz_buy"], 2.31e12),
        "沪股通": ("sh", "上证指数", sse, 6402.51, 1.0, 520.0, ["sh_buy"], 1.21e12),
        "深股通": ("sz", "深证指数", szse, 5750.63, 1.0, 520.0, ["sz_buy"], 1.10e12),
        "南向资金": ("south", "沪深300", csi300, 2.1532, 1e4, 840.0, ["south_buy"], 2.05e12),
    }
    out = []
    for symbol, (col, index_name, bars, cum0, cum_unit, quota, buy_cols, holding) in specs.items():
        g = rng("hsgt_hist", symbol)
        net = flows[col].to_numpy()
        buy = np.round(flows[buy_cols].sum(axis=1).to_numpy(), 2)
        n = len(net)
        close = bars["close"].reindex(flows.index).to_numpy()
        prev = bars["prev"].reindex(flows.index).to_numpy()
        if symbol == "南向资金":
            leaders = [HK_LEADERS[int(i)] for i in g.integers(0, len(HK_LEADERS), n)]
        else:
            picks = [universe[int(i)] for i in g.integers(0, len(universe), n)]
            leaders = [(s.name, s.code + (".SH" if s.exchange == "SSE" else ".SZ")) for s in picks]
        inflow = np.round(net + g.normal(0, 0.5, n), 2)
        frame = pd.DataFrame(
            {
                "日期": list(flows.index),
                "当日成交净买额": net,
                "买入成交额": buy,
                "卖出成交额": np.round(buy - net, 2),
                "历史累计净买额": np.round(cum0 + np.cumsum(net) / cum_unit, 4 if cum_unit > 1 else 2),
                "当日资金流入": inflow,
                "当日余额": np.round(quota - inflow, 2),
                "持股市值": np.round(holding * close / close[0] * np.exp(g.normal(0, 0.003, n)), -6),
                "领涨股": [name for name, _ in leaders],
                "领涨股-涨跌幅": np.round(g.choice([9.98, 10.0, 10.01, 19.99, 20.0, 8.72, 12.4], n), 2),
                index_name: close,
                f"{index_name}-涨跌幅": np.round((close / prev - 1) * 100, 2),
                "领涨股-代码": [code for _, code in leaders],
            }
        )
        for cut in (D(2022, 12, 30), D(2023, 4, 14)):
            part = frame[frame["日期"] <= cut].reset_index(drop=True)
            out.append(LoadSpec({"symbol": symbol}, part, published_at("stock_hsgt_hist_em", cut)))
    return out


@builder("stock_hsgt_hold_stock_em")
def hsgt_hold() -> list[LoadSpec]:
    nb = ST.northbound()
    px = ST.prices()
    capital = ST.share_capital()
    out = []
    for day in per_stock_dates():
        i = px.index.get_loc(day)
        rows = []
        for s in ST.listed_on(day):
            price = float(px.at[day, s.code])
            prev_price = float(px[s.code].iloc[i - 1]) if i > 0 and s.listed < day else price
            held = float(nb["holding"].at[day, s.code])
            added = float(nb["shares"].at[day, s.code])
            value = float(nb["value"].at[day, s.code])
            total = capital[s.code]
            float_shares = total * s.float_ratio
            mv = round(held * price, 2)
            mv_before = (held - added) * prev_price
            rows.append(
                {
                    "代码": s.code,
                    "名称": s.name,
                    "今日收盘价": price,
                    "今日涨跌幅": round((price / prev_price - 1) * 100, 2),
                    "今日持股-股数": round(held, 2),
                    "今日持股-市值": mv,
                    "今日持股-占流通股比": round(held / float_shares * 100, 2),
                    "今日持股-占总股本比": round(held / total * 100, 2),
                    "今日增持估计-股数": round(added, 2),
                    "今日增持估计-市值": round(value, 2),
                    "今日增持估计-市值增幅": round((mv / mv_before - 1) * 100, 2) if mv_before > 0 else 0.0,
                    "今日增持估计-占流通股比": round(added / float_shares * 1000, 2),
                    "今日增持估计-占总股本比": round(added / total * 1000, 2),
                    "所属板块": ST.EM_BOARD[s.industry],
                    "日期": day,
                }
            )
        frame = (
            pd.DataFrame(rows).sort_values("今日增持估计-市值", ascending=False, kind="stable").reset_index(drop=True)
        )
        frame.insert(0, "序号", np.arange(1, len(frame) + 1, dtype="int64"))
        out.append(
            LoadSpec({"market": "北向", "indicator": "今日排行"}, frame, published_at("stock_hsgt_hold_stock_em", day))
        )
    return out


# ------------------------------------------------------------------ fund flows: margin
@builder("stock_margin_account_info")
def margin_account() -> list[LoadSpec]:
    m = MK.margin_totals()
    g = rng("margin_account")
    n = len(m)
    ramp = np.linspace(0, 1, n)
    frame = pd.DataFrame(
        {
            "日期": list(m.index),
            "融资余额": m["fin_balance"].to_numpy(),
            "融券余额": m["short_balance"].to_numpy(),
            "融资买入额": m["fin_buy"].to_numpy(),
            "融券卖出额": m["short_sell"].to_numpy(),
            "证券公司数量": np.round(92 + 4 * ramp),
            "营业部数量": np.round(10800 + 900 * ramp + g.normal(0, 5, n)),
            "个人投资者数量": np.round(1780 + 170 * ramp + g.normal(0, 0.5, n), 2),
            "机构投资者数量": np.round(36500 + 5200 * ramp + g.normal(0, 20, n)),
            "参与交易的投资者数量": np.round(1.35e6 * np.exp(g.normal(0, 0.08, n))),
            "有融资融券负债的投资者数量": np.round(4.55e6 + 4.0e5 * ramp + g.normal(0, 3e3, n)),
            "担保物总价值": m["collateral"].to_numpy(),
            "平均维持担保比例": m["maintenance"].to_numpy(),
        }
    )
    out = []
    for cut in (D(2022, 12, 30), D(2023, 3, 31), D(2023, 4, 13), D(2023, 4, 14)):  # 04-14: public after the as-of
        part = frame[frame["日期"] <= cut].reset_index(drop=True)
        out.append(LoadSpec({}, part, published_at("stock_margin_account_info", cut)))
    return out


@builder("stock_margin_sse")
def margin_sse() -> list[LoadSpec]:
    m = MK.margin_totals()
    g = rng("margin_sse")
    n = len(m)
    shares_lent = np.round(m["sse_short_value"].to_numpy() / 9.5 * np.exp(g.normal(0, 0.01, n)), 0)
    frame = pd.DataFrame(
        {
            "信用交易日期": [ymd(d) for d in m.index],
            "融资余额": m["sse_fin_balance"].to_numpy(),
            "融资买入额": m["sse_fin_buy"].to_numpy(),
            "融券余量": shares_lent,
            "融券余量金额": m["sse_short_value"].to_numpy(),
            "融券卖出量": np.round(shares_lent * g.uniform(0.04, 0.09, n), 0),
            "融资融券余额": m["sse_fin_balance"].to_numpy() + m["sse_short_value"].to_numpy(),
        }
    )
    days = list(m.index)
    out = []
    for start, end, fetch in (
        (D(2021, 1, 1), D(2022, 12, 31), D(2022, 12, 30)),
        (D(2023, 1, 1), D(2023, 3, 31), D(2023, 3, 31)),
        (D(2023, 4, 1), D(2023, 4, 14), D(2023, 4, 13)),
        (D(2023, 4, 1), D(2023, 4, 14), D(2023, 4, 14)),  # public after the demo's as-of moment
    ):
        mask = [(start <= d <= min(end, fetch)) for d in days]
        part = frame[mask].iloc[::-1].reset_index(drop=True)  # newest first
        out.append(
            LoadSpec({"start_date": ymd(start), "end_date": ymd(end)}, part, published_at("stock_margin_sse", fetch))
        )
    return out


@builder("stock_margin_szse")
def margin_szse() -> list[LoadSpec]:
    m = MK.margin_totals()
    out = []
    for day in aggregate_dates():
        g = rng("margin_szse", day)
        row = m.loc[day]
        lent = round(float(g.uniform(3.0, 4.5)), 2)
        frame = pd.DataFrame(
            {
                "融资买入额": [float(row["szse_fin_buy"])],
                "融资余额": [float(row["szse_fin_balance"])],
                "融券卖出量": [round(lent * float(g.uniform(0.05, 0.1)), 2)],
                "融券余量": [lent],
                "融券余额": [float(row["szse_short_balance"])],
                "融资融券余额": [round(float(row["szse_fin_balance"]) + float(row["szse_short_balance"]), 2)],
            }
        )
        out.append(LoadSpec({"date": ymd(day)}, frame, published_at("stock_margin_szse", day)))
    return out


def _margin_detail(exchange: str) -> list[LoadSpec]:
    md = ST.margin_detail()
    px = ST.prices()
    source = "stock_margin_detail_sse" if exchange == "SSE" else "stock_margin_detail_szse"
    out = []
    for day in per_stock_dates():
        stocks = [s for s in ST.listed_on(day) if s.exchange == exchange]
        codes = [s.code for s in stocks]
        balance = md["balance"].loc[day, codes].to_numpy()
        buy = md["buy"].loc[day, codes].to_numpy()
        short = md["short"].loc[day, codes].to_numpy()
        short_sell = md["short_sell"].loc[day, codes].to_numpy()
        if exchange == "SSE":
            frame = pd.DataFrame(
                {
                    "信用交易日期": ymd(day),
                    "标的证券代码": codes,
                    "标的证券简称": [s.name for s in stocks],
                    "融资余额": balance,
                    "融资买入额": buy,
                    "融资偿还额": md["repay"].loc[day, codes].to_numpy(),
                    "融券余量": short,
                    "融券卖出量": short_sell,
                    "融券偿还量": md["short_back"].loc[day, codes].to_numpy(),
                }
            )
        else:
            short_value = np.round(short * px.loc[day, codes].to_numpy(), 0)
            frame = pd.DataFrame(
                {
                    "证券代码": codes,
                    "证券简称": [s.name for s in stocks],
                    "融资买入额": buy,
                    "融资余额": balance,
                    "融券卖出量": short_sell,
                    "融券余量": short,
                    "融券余额": short_value,
                    "融资融券余额": balance + short_value,
                }
            )
        out.append(LoadSpec({"date": ymd(day)}, frame, published_at(source, day)))
    return out


@builder("stock_margin_detail_sse")
def margin_detail_sse() -> list[LoadSpec]:
    return _margin_detail("SSE")


@builder("stock_margin_detail_szse")
def margin_detail_szse() -> list[LoadSpec]:
    return _margin_detail("SZSE")


# ------------------------------------------------------------------ fund flows: funds and ETFs


@builder("fund_new_found_em")
def new_found() -> list[LoadSpec]:
    funds = FU.new_funds()
    out = []
    for day in snapshot_dates():
        moment = published_at("fund_new_found_em", day - timedelta(days=1))
        visible = funds[(funds["成立日期"] <= day - timedelta(days=1)) & (funds["成立日期"] > day - WINDOW)]
        frame = visible.sort_values(["成立日期", "基金代码"], ascending=[False, False]).reset_index(drop=True).copy()
        frame["成立来涨幅"] = [round(float(x), 2) for x in rng("fund_returns", day).normal(0.05, 0.6, len(frame))]
        out.append(LoadSpec({}, frame, moment))
    return out


@builder("fund_etf_scale_sse")
def etf_scale_sse() -> list[LoadSpec]:
    shares = FU.etf_shares()
    etfs = [e for e in FU.etfs() if e.exchange == "SSE"]
    out = []
    for day in aggregate_dates():
        frame = pd.DataFrame(
            {
                "序号": np.arange(1, len(etfs) + 1, dtype="int64"),
                "基金代码": [e.code for e in etfs],
                "基金简称": [e.name for e in etfs],
                "ETF类型": [e.etf_type for e in etfs],
                "统计日期": [day] * len(etfs),
                "基金份额": [float(shares.at[day, e.code]) for e in etfs],
            }
        )
        out.append(LoadSpec({"date": ymd(day)}, frame, published_at("fund_etf_scale_sse", day)))
    return out


@builder("fund_scale_daily_szse")
def etf_scale_szse() -> list[LoadSpec]:
    shares = FU.etf_shares()
    etfs = [e for e in FU.etfs() if e.exchange == "SZSE"]
    out = []
    quarters = [(D(y, mo, 1), month_end(D(y, mo + 2, 1))) for y in (2021, 2022) for mo in (1, 4, 7, 10)]
    quarters += [(D(2023, 1, 1), D(2023, 3, 31)), (D(2023, 4, 1), D(2023, 4, 14))]
    for start, end in quarters:
        span = tdays(start, end)
        rows = [
            {"日期": d, "基金代码": e.code, "基金简称": e.name, "基金份额": float(shares.at[d, e.code])}
            for d in span
            for e in etfs
        ]
        out.append(
            LoadSpec(
                {"symbol": "ETF", "start_date": ymd(start), "end_date": ymd(end)},
                pd.DataFrame(rows),
                published_at("fund_scale_daily_szse", span[-1]),
            )
        )
    return out


@builder("fund_etf_hist_em")
def etf_hist() -> list[LoadSpec]:
    out = []
    for params in get_source("fund_etf_hist_em").param_sets:
        code = params["symbol"]
        bars = FU.etf_bars(code)
        for start, end in RANGES:
            part = bars[(bars.index >= start) & (bars.index <= end)]
            frame = pd.DataFrame(
                {
                    "日期": list(part.index),
                    "开盘": part["open"].to_numpy(),
                    "收盘": part["close"].to_numpy(),
                    "最高": part["high"].to_numpy(),
                    "最低": part["low"].to_numpy(),
                    "成交量": part["volume"].to_numpy(),
                    "成交额": part["amount"].to_numpy(),
                    "振幅": part["amplitude"].to_numpy(),
                    "涨跌幅": part["change"].to_numpy(),
                    "涨跌额": part["change_amount"].to_numpy(),
                    "换手率": part["turnover"].to_numpy(),
                }
            )
            out.append(
                LoadSpec(
                    {"period": "daily", "adjust": "", "symbol": code, "start_date": ymd(start), "end_date": ymd(end)},
                    frame,
                    published_at("fund_etf_hist_em", part.index[-1]),
                )
            )
    return out


# ------------------------------------------------------------------ fund flows: shareholders
@builder("stock_ggcg_em")
def ggcg() -> list[LoadSpec]:
    records = ST.shareholder_changes()
    px = ST.prices()
    capital = ST.share_capital()
    stocks = ST.by_code()
    out = []
    for day in snapshot_dates():
        visible = records[(records["announced"] <= day) & (records["announced"] > day - WINDOW)]
        visible = visible.sort_values(["announced", "code"], ascending=[False, True]).reset_index(drop=True)
        i = px.index.get_loc(day)
        rows = []
        g = rng("ggcg_load", day)
        for r in visible.itertuples(index=False):
            s = stocks[r.code]
            price = float(px.at[day, r.code])
            prev = float(px[r.code].iloc[i - 1])
            total = capital[r.code]
            float_shares = total * s.float_ratio
            after = round(float(g.uniform(0.01, 0.3)) * total, 2)
            after_float = round(min(after, float_shares), 2)
            rows.append(
                {
                    "代码": r.code,
                    "名称": s.name,
                    "最新价": price,
                    "涨跌幅": round((price / prev - 1) * 100, 2),
                    "股东名称": r.holder,
                    "持股变动信息-增减": r.direction,
                    "持股变动信息-变动数量": r.shares,
                    "持股变动信息-占总股本比例": round(r.shares / total * 100, 2),
                    "持股变动信息-占流通股比例": round(r.shares / float_shares * 100, 2),
                    "变动后持股情况-持股总数": after,
                    "变动后持股情况-占总股本比例": round(after / total * 100, 2),
                    "变动后持股情况-持流通股数": after_float,
                    "变动后持股情况-占流通股比例": round(after_float / float_shares * 100, 2),
                    "变动开始日": r.start,
                    "变动截止日": r.end,
                    "公告日": r.announced,
                }
            )
        out.append(LoadSpec({"symbol": "全部"}, pd.DataFrame(rows), published_at("stock_ggcg_em", day)))
    return out


@builder("planned_reductions")
def planned() -> list[LoadSpec]:
    plans = ST.planned_reductions()
    capital = ST.share_capital()
    week_ends = [d for d in week_last_trading_days(D(2023, 3, 20), DATA_END)]
    cut = D(2023, 3, 17)
    batches = [(plans[plans["day"] <= cut], cut, "2021-01-04_2023-03-17")]
    previous = cut
    for end in week_ends:
        batches.append((plans[(plans["day"] > previous) & (plans["day"] <= end)], end, f"{end:%G-W%V}"))
        previous = end
    out = []
    for part, last, label in batches:
        frame = pd.DataFrame(
            {
                "公告日期": part["day"].to_list(),
                "股票代码": part["code"].to_list(),
                "股票简称": part["name"].to_list(),
                "股东名称": part["holder"].to_list(),
                "拟减持股数上限": part["shares"].to_numpy(dtype=float),
                "拟减持比例上限": [
                    round(v / capital[c] * 100, 2) for v, c in zip(part["shares"], part["code"], strict=True)
                ],
                "参考价格": part["price"].to_numpy(dtype=float),
            }
        )
        moment = published_at("planned_reductions", last)
        out.append(LoadSpec({}, frame, moment, moment, file_name=f"planned_reductions_{label}.csv"))
    return out


# ------------------------------------------------------------------ the backdrop sources (registered on import)
from ingestion.demo import outlook_sources as _outlook_sources  # noqa: E402

assert _outlook_sources  # the builders register themselves with @builder
