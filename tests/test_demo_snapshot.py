"""The embedded demo snapshot (data/demo): complete, registry-shaped, small, deterministic, and
right: every published figure of the 2023-W15 note is recomputed here with pandas from the raw
landed frames (independently of dbt), applying the as-of and publication-lag visibility rules of
docs/metrics.md, and compared with data/demo/published_figures.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from ground.settings import DEMO_DIR, DEMO_LANDING, REPO_ROOT
from ground.time_zone import SHANGHAI
from ingestion.landing import list_loads, params_key, read_load
from ingestion.registry import get_source, registry

AS_OF = datetime(2023, 4, 14, 20, 0, tzinfo=SHANGHAI)
WEEK = "2023-W15"
FIGURES_PATH = DEMO_DIR / "published_figures.json"
EQUITY_TYPES = {"股票型", "混合型-偏股", "混合型-灵活", "指数型-股票"}
ARROW_TYPES = {"string": {"string", "large_string"}, "float": {"double"}, "int": {"int64"}, "date": {"date32[day]"}}

pytestmark = pytest.mark.skipif(not any(DEMO_LANDING.glob("*/*.json")), reason="no demo snapshot")


# ------------------------------------------------------------------ visibility (docs/metrics.md § Time)
def _period_days(source_name: str, frame: pd.DataFrame, params: list[dict]) -> pd.Series:
    """First and last day of each row's period (last day for months)."""
    period = get_source(source_name).period
    if period.fetched:  # a today-only list: the Shanghai day its load was fetched
        return frame["_fetched"].map(lambda moment: moment.astimezone(SHANGHAI).date())
    if period.param is not None:
        raw = pd.Series([p[period.param] for p in params], index=frame.index)
        return pd.to_datetime(raw, format="%Y%m%d").dt.date
    values = frame[period.column]
    if period.format == "date":
        return pd.to_datetime(values).dt.date
    if period.format == "yyyymmdd":
        return pd.to_datetime(values.astype(str), format="%Y%m%d").dt.date
    if period.format == "yyyy":
        return pd.to_datetime(values.astype(str), format="%Y").map(lambda d: date(d.year, 12, 31))
    if period.format == "yyyy_mm":
        starts = pd.to_datetime(values.astype(str), format="%Y-%m")
    elif period.format == "cn_month":
        parts = values.astype(str).str.extract(r"(\d{4})年(\d{1,2})月")
        starts = pd.to_datetime(parts[0] + "-" + parts[1].str.zfill(2) + "-01")
    else:
        raise AssertionError(period.format)
    return (starts + pd.offsets.MonthEnd(0)).dt.date


def _published(source_name: str, last_days: pd.Series) -> pd.Series:
    pub = get_source(source_name).publication
    if pub is None:
        return pd.Series([None] * len(last_days), index=last_days.index)
    return last_days.map(lambda d: datetime.combine(d + timedelta(days=pub.lag_days), pub.at, SHANGHAI))


@cache
def loads(source_name: str) -> tuple:
    return tuple(list_loads(DEMO_LANDING, source_name))


@cache
def frames(source_name: str) -> pd.DataFrame:
    """All rows of all loads, with load metadata (_load_id, _available, _series, _params)."""
    source = get_source(source_name)
    parts = []
    for ld in loads(source_name):
        frame = read_load(ld)
        frame["_load_id"] = ld.load_id
        frame["_available"] = ld.available_at_dt
        frame["_fetched"] = datetime.fromisoformat(ld.fetched_at)
        frame["_series"] = params_key(source.series_params(ld.params))
        frame["_params"] = [ld.params] * len(frame)
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def visible(source_name: str, key: list[str] | None = None) -> pd.DataFrame:
    """Rows a build as of 2023-04-14 20:00 for week 2023-W15 sees: loads available by then; the newest load
    per series (full_reload) or the newest version per key; periods published by the report moment."""
    source = get_source(source_name)
    rows = frames(source_name)
    rows = rows[rows["_available"] <= AS_OF].copy()
    rows["_period_end"] = _period_days(source_name, rows, list(rows["_params"]))
    rows = rows.sort_values(["_available", "_load_id"], kind="stable")
    if source.history == "full_reload":
        newest = rows.groupby("_series")["_load_id"].transform("last")
        rows = rows[rows["_load_id"] == newest]
    else:
        rows = rows.drop_duplicates(subset=["_series", *(key or [])], keep="last")
    published = _published(source_name, rows["_period_end"])
    keep = published.map(lambda p: p is None or p <= AS_OF)
    return rows[keep.to_numpy()].reset_index(drop=True)


# ------------------------------------------------------------------ calendar and helpers
@cache
def trading_days() -> tuple[date, ...]:
    cal = visible("tool_trade_date_hist_sina")
    return tuple(sorted(pd.to_datetime(cal["trade_date"]).dt.date))


def week_days(week_id: str) -> list[date]:
    monday = date.fromisocalendar(int(week_id[:4]), int(week_id[6:]), 1)
    return [d for d in trading_days() if monday <= d <= monday + timedelta(days=6)]


W15, W14 = week_days(WEEK), week_days("2023-W14")
PREV_LAST = W14[-1]  # previous week's last trading day
MAR, FEB, JAN = date(2023, 3, 31), date(2023, 2, 28), date(2023, 1, 31)


def pct(a: float, b: float) -> float:
    return (a / b - 1) * 100


def monthly(frame: pd.DataFrame, member_col: str, value_col: str) -> dict[str, dict[date, float]]:
    out: dict[str, dict[date, float]] = {}
    for member, day, value in zip(frame[member_col], frame["_period_end"], frame[value_col], strict=True):
        out.setdefault(member, {})[day] = value
    return out


def month_ago(d: date, n: int) -> date:
    first = date(d.year, d.month, 1)
    index = first.year * 12 + first.month - 1 - n
    nxt = date(index // 12, index % 12 + 1, 1)
    return (pd.Timestamp(nxt) + pd.offsets.MonthEnd(0)).date()


def yoy_3m(series: dict[date, float], end: date) -> float:
    now = sum(series[month_ago(end, k)] for k in range(3))
    before = sum(series[month_ago(end, 12 + k)] for k in range(3))
    return pct(now, before)


@cache
def industry_of(day: date) -> dict[str, str]:
    """Point-in-time Shenwan level-1 code (xx0000) of every stock on ``day``."""
    hist = visible("stock_industry_clf_hist_sw", ["symbol", "start_date"])
    hist = hist[pd.to_datetime(hist["start_date"]).dt.date <= day].sort_values("start_date")
    latest = hist.drop_duplicates("symbol", keep="last")
    return {symbol: code[:2] + "0000" for symbol, code in zip(latest["symbol"], latest["industry_code"], strict=True)}


def ranks(values: dict[str, float]) -> dict[str, int]:
    order = sorted(values, key=lambda k: -values[k])
    return {k: i + 1 for i, k in enumerate(order)}


# ------------------------------------------------------------------ the figures, recomputed
@cache
def recomputed() -> dict[str, float]:
    out: dict[str, float] = {}

    # exports headline (macro_china_hgjck, 千美元)
    h = visible("macro_china_hgjck", ["月份"]).set_index("_period_end")
    out["exports_value"] = h.at[MAR, "当月出口额-金额"] / 1e5
    out["exports_yoy"] = h.at[MAR, "当月出口额-同比增长"]
    out["exports_yoy_prev_negative"] = h.at[FEB, "当月出口额-同比增长"]
    out["imports_yoy"] = h.at[MAR, "当月进口额-同比增长"]
    out["trade_balance"] = (h.at[MAR, "当月出口额-金额"] - h.at[MAR, "当月进口额-金额"]) / 1e5
    exports_mar = out["exports_value"]

    codes = {
        "俄罗斯": "russia",
        "东盟": "asean",
        "非洲": "africa",
        "欧盟": "eu",
        "美国": "us",
        "日本": "japan",
        "中国香港": "hong_kong",
        "拉丁美洲": "latin_america",
        "澳大利亚": "australia",
        "加拿大": "canada",
    }
    partners = monthly(visible("customs_exports_by_partner", ["月份", "国家或地区"]), "国家或地区", "出口同比")
    for name, code in codes.items():
        s = partners[name]
        out[f"partner_{code}_yoy"], out[f"partner_{code}_yoy_prev"] = s[MAR], s[FEB]
        out[f"partner_{code}_yoy_change_pp"] = s[MAR] - s[FEB]

    products = visible("customs_exports_by_product", ["月份", "商品名称"])
    pv, py = monthly(products, "商品名称", "出口金额"), monthly(products, "商品名称", "出口同比")
    out["product_mech_elec_value"] = pv["机电产品"][MAR] / 1e4
    out["product_mech_elec_share"] = pv["机电产品"][MAR] / 1e4 / exports_mar * 100
    out["product_mech_elec_yoy_prev"] = py["机电产品"][FEB]
    for name, code in (
        ("机电产品", "mechanical_electrical"),
        ("高新技术产品", "high_tech"),
        ("集成电路", "integrated_circuits"),
        ("汽车", "autos"),
        ("箱包", "bags"),
        ("鞋靴", "shoes"),
        ("服装", "garments"),
        ("玩具", "toys"),
        ("家具", "furniture"),
    ):
        out[f"product_{code}_yoy"] = py[name][MAR]

    ic = visible("customs_ic_trade", ["月份", "贸易方向"])
    iv, iy = monthly(ic, "贸易方向", "金额"), monthly(ic, "贸易方向", "同比")
    for name, code in (("出口", "exports"), ("进口", "imports")):
        out[f"ic_{code}_value"] = iv[name][MAR] / 1e4
        out[f"ic_{code}_yoy"], out[f"ic_{code}_yoy_prev"] = iy[name][MAR], iy[name][FEB]
        out[f"ic_{code}_yoy_3m"] = yoy_3m(iv[name], MAR)

    # CAAM: value, mom and yoy_3m computed, yoy and ytd yoy published, ytd = sum of landed months
    caam = visible("caam_autos", ["月份", "类别"])
    cat = {
        "total": "汽车",
        "passenger": "乘用车",
        "commercial": "商用车",
        "truck": "货车",
        "bus": "客车",
        "nev": "新能源汽车",
    }
    for code, name in cat.items():
        for what, col in (("production", "产量"), ("sales", "销量")):
            s = monthly(caam, "类别", col)[name]
            key = f"caam_{code}_{what}"
            out[f"{key}_value"] = s[MAR]
            out[f"{key}_mom"] = pct(s[MAR], s[FEB])
            out[f"{key}_yoy"] = monthly(caam, "类别", f"{col}同比")[name][MAR]
            out[f"{key}_yoy_3m"] = yoy_3m(s, MAR)
            out[f"{key}_ytd"] = s[JAN] + s[FEB] + s[MAR]
            out[f"{key}_ytd_yoy"] = monthly(caam, "类别", f"累计{col}同比")[name][MAR]
    sales = monthly(caam, "类别", "销量")
    out["caam_nev_penetration"] = sales["新能源汽车"][MAR] / sales["汽车"][MAR] * 100
    out["caam_chinese_brand_sales"] = sales["中国品牌乘用车"][MAR]
    share = {d: sales["中国品牌乘用车"][d] / sales["乘用车"][d] * 100 for d in (MAR, month_ago(MAR, 12))}
    out["caam_chinese_brand_share"] = share[MAR]
    out["caam_chinese_brand_share_pp"] = share[MAR] - share[month_ago(MAR, 12)]

    ccma = visible("ccma_machinery", ["月份", "机型"])
    for name, code in (("挖掘机", "ccma_excavator_sales"), ("装载机", "ccma_loader_sales")):
        s = monthly(ccma, "机型", "销量")[name]
        out[f"{code}_value"] = s[MAR]
        out[f"{code}_yoy"] = monthly(ccma, "机型", "销量同比")[name][MAR]
        out[f"{code}_yoy_3m"] = yoy_3m(s, MAR)
        out[f"{code}_ytd"] = s[JAN] + s[FEB] + s[MAR]
        out[f"{code}_ytd_yoy"] = monthly(ccma, "机型", "累计销量同比")[name][MAR]

    sia = visible("sia_semiconductors", ["月份", "地区"])
    assert max(sia["_period_end"]) == FEB, "SIA's latest public month as of 2023-04-14 is February"
    regions = {
        "全球": "world",
        "美洲": "americas",
        "欧洲": "europe",
        "日本": "japan",
        "中国": "china",
        "亚太": "asia_pacific",
    }
    sv, sy = monthly(sia, "地区", "销售额"), monthly(sia, "地区", "同比")
    for name, code in regions.items():
        out[f"sia_{code}_value"], out[f"sia_{code}_yoy"] = sv[name][FEB] * 10, sy[name][FEB]
    for d in sv["全球"]:
        assert abs(sv["美洲"][d] + sv["欧洲"][d] + sv["日本"][d] + sv["亚太"][d] - sv["全球"][d]) < 0.011

    tw = monthly(visible("taiwan_monthly_revenue", ["月份", "公司代码"]), "公司代码", "营收同比")
    for code, s in tw.items():
        out[f"tw_{code}_yoy"] = s[MAR]
        out[f"tw_{code}_yoy_change_pp"] = s[MAR] - s[FEB]

    paper = visible("paper_prices", ["日期", "品种"])
    paper["日期"] = pd.to_datetime(paper["日期"]).dt.date
    latest = max(paper["日期"])
    assert latest == date(2023, 4, 7), latest
    for name, code in (("白卡纸价格指数", "white_cardboard_index"), ("文化纸价格", "cultural_paper")):
        s = paper[paper["品种"] == name].set_index("日期")["价格"]
        out[f"paper_{code}_price"] = s[latest]
        out[f"paper_{code}_wow"] = pct(s[latest], s[latest - timedelta(days=7)])

    # fund flows
    def daily_sum(symbol: str, days: list[date]) -> float:
        h = visible("stock_hsgt_hist_em", ["日期"])
        h = h[h["_series"] == params_key({"symbol": symbol})]
        h = h[pd.to_datetime(h["日期"]).dt.date.isin(days)]
        return float(h["当日成交净买额"].sum())

    out["northbound_net_buy"] = daily_sum("北向资金", W15)
    out["southbound_net_buy"] = daily_sum("南向资金", W15)
    assert daily_sum("北向资金", W14) < 0, "the note: northbound turned from outflow to inflow"

    margin = visible("stock_margin_account_info", ["日期"])
    margin = margin.set_index(pd.to_datetime(margin["日期"]).dt.date)["融资余额"]
    covered = [d for d in W15 if d in margin.index]
    out["margin_financing_net_buy"] = margin[covered[-1]] - margin[PREV_LAST]
    out["margin_financing_days_covered"] = len(covered)

    funds = visible("fund_new_found_em", ["基金代码"])
    funds = funds[funds["基金类型"].isin(EQUITY_TYPES)]
    established = pd.to_datetime(funds["成立日期"]).dt.date
    out["new_equity_fund_shares"] = funds.loc[established.isin(W15).to_numpy(), "募集份额"].sum()
    out["new_equity_fund_shares_prev"] = funds.loc[established.isin(W14).to_numpy(), "募集份额"].sum()
    out["new_equity_fund_shares_change"] = out["new_equity_fund_shares"] - out["new_equity_fund_shares_prev"]

    sse = visible("fund_etf_scale_sse", ["统计日期", "基金代码"])
    szse = visible("fund_scale_daily_szse", ["日期", "基金代码"])
    shares = pd.concat(
        [
            pd.DataFrame(
                {"day": pd.to_datetime(sse["统计日期"]).dt.date, "code": sse["基金代码"], "shares": sse["基金份额"]}
            ),
            pd.DataFrame(
                {"day": pd.to_datetime(szse["日期"]).dt.date, "code": szse["基金代码"], "shares": szse["基金份额"]}
            ),
        ]
    ).pivot_table(index="day", columns="code", values="shares")
    delta = shares.loc[W15[-1]] - shares.loc[PREV_LAST]
    seed = pd.read_csv(REPO_ROOT / "dbt_project" / "seeds" / "etf_groups.csv", dtype=str)
    closes = visible("fund_etf_hist_em", ["日期"])
    closes = closes[pd.to_datetime(closes["日期"]).dt.date == W15[-1]]
    close = {p["symbol"]: c for p, c in zip(closes["_params"], closes["收盘"], strict=True)}
    stock = seed[seed["is_stock_etf"] == "true"]["fund_code"]
    out["stock_etf_net_subscription_shares"] = delta[stock].sum() / 1e8
    out["etf_net_subscription_value"] = sum(delta[c] * close[c] for c in seed["fund_code"]) / 1e8
    for group, members in seed.groupby("etf_group")["fund_code"]:
        out[f"etf_{group}"] = delta[list(members)].sum() / 1e8

    ggcg = frames("stock_ggcg_em")
    ggcg = ggcg[ggcg["_available"] <= AS_OF].sort_values(["_available", "_load_id"], kind="stable")
    key = ["代码", "股东名称", "持股变动信息-增减", "变动开始日", "变动截止日", "公告日"]
    first = ggcg.drop_duplicates(key, keep="first")  # 最新价 of the first load that contained the record
    first = first[pd.to_datetime(first["公告日"]).dt.date.isin(W15)]
    amount = first["持股变动信息-变动数量"] * first["最新价"] / 1e4
    out["shareholder_increase"] = amount[first["持股变动信息-增减"] == "增持"].sum()
    out["shareholder_decrease"] = amount[first["持股变动信息-增减"] == "减持"].sum()
    out["shareholder_net_change"] = out["shareholder_increase"] - out["shareholder_decrease"]

    plans = visible("planned_reductions", ["公告日期", "股票代码", "股东名称"])
    plans = plans[pd.to_datetime(plans["公告日期"]).dt.date.isin(W15)]
    out["planned_reduction"] = (plans["拟减持股数上限"] * plans["参考价格"]).sum() / 1e4

    # by industry
    sw = pd.read_csv(REPO_ROOT / "dbt_project" / "seeds" / "shenwan_industries.csv", dtype=str)
    assert len(sw) == 31
    hold = visible("stock_hsgt_hold_stock_em", ["日期", "代码"])
    hold = hold[pd.to_datetime(hold["日期"]).dt.date.isin(W15)]
    north: dict[str, float] = dict.fromkeys(sw["industry_code"], 0.0)
    for day, code, value in zip(hold["日期"], hold["代码"], hold["今日增持估计-市值"], strict=True):
        north[industry_of(pd.Timestamp(day).date())[code]] += value / 1e4
    north_rank = ranks(north)
    for code, value in north.items():
        out[f"northbound_{code}"] = value
    for code, rank in north_rank.items():
        out[f"northbound_rank_{rank}"] = rank
        out[f"_north_code_{rank}"] = float(code)

    last_margin_day = covered[-1]
    detail = []
    for source, code_col in (("stock_margin_detail_sse", "标的证券代码"), ("stock_margin_detail_szse", "证券代码")):
        d = visible(source, ["_period_end", code_col])
        detail.append(pd.DataFrame({"day": d["_period_end"], "code": d[code_col], "balance": d["融资余额"]}))
    balances = pd.concat(detail).pivot_table(index="day", columns="code", values="balance")
    change = (balances.loc[last_margin_day] - balances.loc[PREV_LAST]) / 1e8
    members = industry_of(last_margin_day)
    margin_by = change.groupby([members[c] for c in change.index]).sum().to_dict()
    out["margin_720000"] = margin_by["720000"]
    for code, rank in ranks(margin_by).items():
        out[f"margin_rank_{rank}"] = rank
        out[f"_margin_code_{rank}"] = float(code)

    # the stocks the note names: each stock's rank by its own flow in the week (both ends)
    flows_by_stock = {
        "northbound_net_buy": hold.groupby("代码")["今日增持估计-市值"].sum() / 1e4,
        "margin_financing_net_buy": change,
    }
    for figure in FIGURES:
        if figure["mart"] == "mart_stock_flow_leaders_weekly":
            by_stock = flows_by_stock[figure["where"]["flow"]]
            descending = figure["column"] == "rank_desc"
            out[figure["id"]] = float(
                by_stock.rank(ascending=not descending, method="min")[figure["where"]["stock_code"]]
            )

    # themes: board weekly returns (close on W15's last day / on the previous week's last day - 1), names of the
    # newest board list of the week
    bars = visible("stock_board_concept_hist_em", ["日期"])
    bars = bars.assign(code=[p["symbol"] for p in bars["_params"]], day=pd.to_datetime(bars["日期"]).dt.date)
    closes = bars.pivot_table(index="day", columns="code", values="收盘")
    returns = (closes.loc[W15[-1]] / closes.loc[PREV_LAST] - 1) * 100
    boards = visible("stock_board_concept_name_em", ["_period_end", "板块代码"])
    newest = boards[boards["_period_end"] == max(d for d in boards["_period_end"] if d <= W15[-1])]
    names = dict(zip(newest["板块代码"], newest["板块名称"], strict=True))
    rank_of = {names[code]: rank for code, rank in ranks(returns.to_dict()).items()}
    for figure in FIGURES:
        if figure["mart"] == "mart_theme_returns_weekly":
            out[figure["id"]] = float(rank_of[figure["where"]["board_name"]])

    # trade structure: 2021-22 against 2018-19, Σ partner / Σ 总值 over each window
    trade = visible("customs_trade_by_partner_yearly", ["年份", "国家或地区"])
    by = trade.pivot_table(index="年份", columns="国家或地区", values="进出口金额")

    def share(partner: str, years: tuple[str, str]) -> float:
        return by.loc[list(years), partner].sum() / by.loc[list(years), "总值"].sum() * 100

    before, after = ("2018", "2019"), ("2021", "2022")
    out["trade_share_asean_before"] = share("东盟", before)
    out["trade_share_asean_after"] = share("东盟", after)
    out["trade_share_eu_after"] = share("欧盟", after)
    out["trade_share_eu_change_pp"] = share("欧盟", after) - share("欧盟", before)

    # market review
    def turnover(days: list[date]) -> float:
        sse_d = visible("stock_sse_deal_daily", ["_period_end", "单日情况"])
        sse_d = sse_d[sse_d["单日情况"] == "成交金额"].set_index("_period_end")["股票"]
        sz = visible("stock_szse_summary", ["_period_end", "证券类别"])
        sz = sz[sz["证券类别"] == "股票"].set_index("_period_end")["成交金额"] / 1e8
        both = [d for d in days if d in sse_d.index and d in sz.index]
        return float(sum(sse_d[d] + sz[d] for d in both) / len(both))

    out["turnover_avg"] = turnover(W15)
    out["turnover_lower_than_last_week"] = pct(out["turnover_avg"], turnover(W14))

    index = visible("index_zh_a_hist", ["日期"])
    for code in ("000985", "399006", "000300"):
        rows = index[index["_series"] == params_key({"period": "daily", "symbol": code})]
        close_by_day = dict(zip(pd.to_datetime(rows["日期"]).dt.date, rows["收盘"], strict=True))
        out[f"index_{code}_weekly_return"] = pct(close_by_day[W15[-1]], close_by_day[PREV_LAST])

    weekly = visible("index_analysis_weekly_sw", ["指数代码"])
    cross = weekly[pd.to_datetime(weekly["发布日期"]).dt.date == W15[-1]]
    best = cross.sort_values("涨跌幅", ascending=False).iloc[0]
    out["industry_best"] = 1.0 if best["指数代码"] == "801150" else 0.0

    # valuation
    pe = visible("stock_zh_index_hist_csindex", ["日期"])
    pe = pe.set_index(pd.to_datetime(pe["日期"]).dt.date).sort_index()["滚动市盈率"]
    today = pe[W15[-1]]
    earlier = pe[pe.index < W15[-1]]
    out["pe_all_a"], out["pe_all_a_prev"] = today, pe[PREV_LAST]
    out["pe_all_a_change"] = today - pe[PREV_LAST]
    out["pe_all_a_pctile"] = (earlier <= today).sum() / len(earlier) * 100
    assert earlier.index[0] <= date(2013, 1, 10), "the PE history starts in 2013"

    sw_daily = visible("index_analysis_daily_sw", ["发布日期", "指数代码"])
    sw_daily["day"] = pd.to_datetime(sw_daily["发布日期"]).dt.date
    sw_pe = sw_daily.pivot_table(index="day", columns="指数代码", values="市盈率")
    diff = sw_pe.loc[W15[-1]] - sw_pe.loc[PREV_LAST]
    out["sw_l1_pe_down_count"] = float((diff < 0).sum())
    out["sw_l1_pe_up_count"] = float((diff > 0).sum())
    return out


FIGURES = json.loads(FIGURES_PATH.read_text(encoding="utf-8")) if FIGURES_PATH.exists() else []


def test_published_figures_cover_the_note() -> None:
    ids = {f["id"] for f in FIGURES}
    assert len(ids) == len(FIGURES), "figure ids are unique"
    marts = {f["mart"] for f in FIGURES}
    assert marts == {
        "mart_exports_monthly",
        "mart_industry_cycle_monthly",
        "mart_paper_prices_weekly",
        "mart_fund_flows_weekly",
        "mart_etf_flows_weekly",
        "mart_fund_flows_by_industry_weekly",
        "mart_turnover_weekly",
        "mart_market_weekly",
        "mart_industry_returns_weekly",
        "mart_valuation_weekly",
        "mart_theme_returns_weekly",
        "mart_stock_flow_leaders_weekly",
        "mart_trade_structure_yearly",
    }
    for must in (
        "exports_value",
        "partner_russia_yoy_prev",
        "product_mech_elec_share",
        "ic_imports_yoy_3m",
        "caam_nev_production_yoy_3m",
        "ccma_excavator_sales_ytd_yoy",
        "sia_world_value",
        "tw_2330_yoy",
        "paper_cultural_paper_wow",
        "margin_financing_net_buy",
        "etf_healthcare",
        "northbound_490000",
        "shareholder_net_change",
        "turnover_avg",
        "index_000985_weekly_return",
        "pe_all_a_pctile",
        "theme_rank_1",
        "northbound_stock_rank_desc_1",
        "northbound_stock_rank_asc_3",
        "margin_stock_rank_desc_2",
        "margin_stock_rank_asc_3",
        "trade_share_asean_after",
        "trade_share_eu_change_pp",
    ):
        assert must in ids, must
    for f in FIGURES:
        assert set(f) >= {"id", "label", "mart", "where", "column", "expected", "tolerance"}, f


@pytest.mark.parametrize("figure", FIGURES, ids=[f["id"] for f in FIGURES])
def test_figure_is_reproduced_from_the_raw_frames(figure: dict) -> None:
    actual = recomputed()[figure["id"]]
    op = figure.get("op", "==")
    if op == "<":
        assert actual < figure["expected"], (figure["label"], actual)
    elif op == ">":
        assert actual > figure["expected"], (figure["label"], actual)
    else:
        assert abs(actual - figure["expected"]) <= figure["tolerance"] + 1e-9, (
            figure["label"],
            actual,
            figure["expected"],
        )


def test_rankings_name_the_published_industries() -> None:
    got = recomputed()
    assert [int(got[f"_north_code_{r}"]) for r in (1, 2, 3)] == [240000, 410000, 720000]
    assert [int(got[f"_north_code_{r}"]) for r in (31, 30, 29)] == [490000, 330000, 340000]
    assert [int(got[f"_margin_code_{r}"]) for r in (1, 2, 3)] == [720000, 340000, 710000]
    stock_ranks = [
        got[f"{flow}_stock_{c}_{r}"]
        for flow in ("northbound", "margin")
        for c in ("rank_desc", "rank_asc")
        for r in (1, 2, 3)
    ]
    assert stock_ranks == [1.0, 2.0, 3.0] * 4, "the note's stocks, in its order"
    assert [got[f"theme_rank_{r}"] for r in (1, 2, 3)] == [1.0, 2.0, 3.0]
    assert got["sw_l1_pe_down_count"] > got["sw_l1_pe_up_count"]


# ------------------------------------------------------------------ completeness and shape
def test_every_registered_source_has_demo_loads_available_by_the_as_of_moment() -> None:
    for name, source in registry().items():
        found = loads(name)
        assert found, f"{name} has no demo load"
        for ld in found:
            assert ld.demo and ld.origin == "demo", ld.describe()
            assert ld.available_at_dt <= AS_OF and datetime.fromisoformat(ld.fetched_at) <= AS_OF, ld.describe()
            names = [c for c, _ in ld.columns]
            assert source.schema_problems(names) == [], (ld.describe(), source.schema_problems(names))
            specs = [spec for spec in source.columns for _ in range(spec.count)]
            assert all(spec.matches(c) for spec, c in zip(specs, names, strict=True)), (ld.describe(), "column order")
            for column, arrow_type in ld.columns:
                spec = source.column_for(column)
                assert arrow_type in ARROW_TYPES[spec.type], (ld.describe(), column, arrow_type)
            assert ld.rows > 0, ld.describe()


def test_loads_hold_only_periods_published_when_they_were_fetched() -> None:
    for name, source in registry().items():
        if source.publication is None:
            continue
        all_rows = frames(name)
        for ld in loads(name):
            rows = all_rows[all_rows["_load_id"] == ld.load_id]
            if source.period.format == "cpca_wide":
                years = sorted(c for c in rows.columns if str(c).endswith("年"))
                filled = rows[years[-1]].notna()
                month = int(rows.loc[filled, "月份"].str.rstrip("月").astype(int).max()) if filled.any() else 12
                year = int(years[-1][:4]) if filled.any() else int(years[0][:4])
                last = (pd.Timestamp(year, month, 1) + pd.offsets.MonthEnd(0)).date()
                published = _published(name, pd.Series([last]))
            else:
                published = _published(name, _period_days(name, rows, list(rows["_params"])))
            fetched = datetime.fromisoformat(ld.fetched_at)
            assert (published <= fetched).all(), f"{ld.describe()} holds a period published after {fetched}"


def test_calendar_has_the_real_2023_closures() -> None:
    days = set(trading_days())
    assert min(days) <= date(2013, 1, 7) and max(days) >= date(2023, 12, 29)
    for closed in (
        date(2023, 1, 2),
        date(2023, 1, 23),
        date(2023, 1, 27),
        date(2023, 4, 5),
        date(2023, 5, 3),
        date(2023, 6, 22),
        date(2023, 6, 23),
        date(2023, 9, 29),
        date(2023, 10, 6),
        date(2023, 1, 28),
    ):
        assert closed not in days, closed  # 2023-01-28 is a make-up Saturday: no trading
    assert [date(2023, 4, 3), date(2023, 4, 4), date(2023, 4, 6), date(2023, 4, 7)] == W14
    assert len(W15) == 5


def test_quirks_of_the_raw_shapes() -> None:
    hg = read_load(loads("macro_china_hgjck")[-1])
    assert hg["月份"].iloc[0] == "2023年03月份" and hg["当月出口额-金额"].iloc[0] == pytest.approx(315_590_000.0)
    cpca = [read_load(ld) for ld in loads("car_market_total_cpca")]
    assert {tuple(c for c in f.columns if c != "月份") for f in cpca} == {("2021年", "2022年"), ("2022年", "2023年")}
    margin = read_load(loads("stock_margin_sse")[-1])
    assert margin["信用交易日期"].str.fullmatch(r"\d{8}").all()
    ggcg = read_load(loads("stock_ggcg_em")[-1])
    assert set(ggcg["持股变动信息-增减"]) == {"增持", "减持"}
    sse_deal = read_load(loads("stock_sse_deal_daily")[-1])
    assert "成交金额" in set(sse_deal["单日情况"])
    assert "date" in loads("stock_szse_summary")[-1].params
    quantiles = read_load(loads("stock_a_ttm_lyr")[-1])["quantileInAllHistoryMiddlePeTtm"]
    assert quantiles.between(0, 1).all()
    etf = read_load(loads("fund_etf_scale_sse")[-1])
    assert etf["基金份额"].min() > 1e6  # 份, not 万份


# ------------------------------------------------------------------ size and determinism
def test_the_snapshot_stays_under_10_mb() -> None:
    on_disk = sum(p.stat().st_blocks * 512 for p in [DEMO_DIR, *DEMO_DIR.rglob("*")])  # what `du` counts
    assert on_disk < 10 * 1024 * 1024, f"data/demo uses {on_disk / 1024 / 1024:.1f} MiB on disk"
    apparent = sum(p.stat().st_size for p in DEMO_DIR.rglob("*") if p.is_file())
    assert apparent < 10 * 1024 * 1024


DETERMINISM_SOURCES = [
    "tool_trade_date_hist_sina",
    "macro_china_hgjck",
    "caam_autos",
    "paper_prices",
    "stock_margin_detail_szse",
    "fund_new_found_em",
    "stock_ggcg_em",
    "index_analysis_daily_sw",
]


@pytest.mark.integration  # akshare's functions over the simulated upstream
def test_regenerating_gives_the_same_loads(tmp_path: Path) -> None:
    root = tmp_path / "landing"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-m", "ingestion.demo", "--root", str(root), *DETERMINISM_SOURCES],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in DETERMINISM_SOURCES:
        fresh = [(ld.load_id, ld.content_hash, ld.available_at) for ld in list_loads(root, name)]
        committed = [(ld.load_id, ld.content_hash, ld.available_at) for ld in loads(name)]
        assert fresh == committed, f"{name}: regenerated loads differ from data/demo"
