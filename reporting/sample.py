"""A small hand-made serving database for tests and offline previews of the report.

It holds the marts of ``docs/metrics.md`` (§ "Mart columns") and ``quality.check_results``,
filled with the published figures of 2023-W15 (report_spec § "Published figures") plus filler,
and a landing zone with a trading calendar and one manifest per registered source, so the
report can be rendered without a build: ``build_sample_warehouse(home)``, then point
``WAREHOUSE_HOME`` at ``home``. Options make a source stale or failed, or mark the data as demo.
Nothing here is real data beyond the published figures.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from ground.time_zone import SHANGHAI
from ingestion.registry import registry

WEEK = "2023-W15"
AS_OF = datetime(2023, 4, 14, 20, 0, tzinfo=SHANGHAI)
LOADED = datetime(2023, 4, 14, 19, 0, tzinfo=SHANGHAI)

HOLIDAYS = {
    date(2022, 1, 3), date(2022, 1, 31), *[date(2022, 2, d) for d in (1, 2, 3, 4)],
    date(2022, 4, 4), date(2022, 4, 5), date(2022, 5, 2), date(2022, 5, 3), date(2022, 5, 4), date(2022, 6, 3),
    date(2022, 9, 12), *[date(2022, 10, d) for d in (3, 4, 5, 6, 7)],
    date(2023, 1, 2), *[date(2023, 1, d) for d in (23, 24, 25, 26, 27)], date(2023, 4, 5),
    date(2023, 5, 1), date(2023, 5, 2), date(2023, 5, 3), date(2023, 6, 22), date(2023, 6, 23),
    date(2023, 9, 29), *[date(2023, 10, d) for d in (2, 3, 4, 5, 6)],
}  # fmt: skip

COMMON = "source_name varchar, loaded_at timestamptz, is_demo boolean"
DDL = {
    "mart_market_weekly": "week_id varchar, week_start date, week_end date, last_trading_day date, trading_days integer, "
    "index_code varchar, index_name varchar, close double, prev_close double, weekly_return_pct double, "
    "prev_weekly_return_pct double, ytd_return_pct double",
    "mart_industry_returns_weekly": "week_id varchar, week_end date, publish_date date, industry_code varchar, "
    "industry_name varchar, close double, weekly_return_pct double, rank_desc integer, industries integer, "
    "turnover_rate_pct double, pe double, pb double",
    "mart_turnover_weekly": "week_id varchar, week_start date, week_end date, trading_days integer, days_covered integer, "
    "avg_daily_turnover_cny_100m double, sse_avg_cny_100m double, szse_avg_cny_100m double, "
    "prev_avg_daily_turnover_cny_100m double, change_pct double",
    "mart_exports_monthly": "month date, dimension varchar, member varchar, member_name varchar, value_usd_100m double, "
    "yoy_pct double, yoy_pct_prev double, yoy_change_pp double, share_pct double, yoy_pct_published double, "
    "yoy_pct_computed double, yoy_disagrees boolean, published_at timestamptz",
    "mart_industry_cycle_monthly": "month date, category varchar, indicator varchar, indicator_name varchar, segment varchar, "
    "value double, unit varchar, mom_pct double, yoy_pct double, yoy_pct_prev double, yoy_change_pp double, "
    "yoy_3m_pct double, ytd_value double, ytd_yoy_pct double, yoy_pct_published double, yoy_pct_computed double, "
    "yoy_disagrees boolean, ytd_yoy_pct_published double, ytd_yoy_pct_computed double, ytd_yoy_disagrees boolean, "
    "published_at timestamptz",
    "mart_paper_prices_weekly": "week_id varchar, price_date date, product varchar, product_name varchar, price double, "
    "unit varchar, prev_price_date date, prev_price double, wow_pct double, published_at timestamptz",
    "mart_fund_flows_weekly": "week_id varchar, week_start date, week_end date, flow varchar, flow_name varchar, "
    "value double, unit varchar, trading_days integer, days_covered integer, prev_value double, change double",
    "mart_fund_flows_by_industry_weekly": "week_id varchar, flow varchar, industry_code varchar, "
    "industry_index_code varchar, industry_name varchar, value double, rank_desc integer, days_covered integer, "
    "stocks_covered integer",
    "mart_etf_flows_weekly": "week_id varchar, etf_group varchar, group_name varchar, category varchar, "
    "net_shares_change_100m double, net_subscription_cny_100m double, etfs_covered integer, days_covered integer",
    "mart_valuation_weekly": "week_id varchar, week_end date, value_date date, scope varchar, scope_code varchar, "
    "scope_name varchar, pe_ttm double, pe_ttm_prev double, pe_ttm_change double, pe_ttm_pctile_all double, "
    "pe_ttm_pctile_10y double, pb double, pb_prev double, pb_change double, pb_pctile_all double, pb_pctile_10y double",
    "mart_theme_returns_weekly": "week_id varchar, week_start date, week_end date, last_trading_day date, "
    "board_code varchar, board_name varchar, close_date date, close double, prev_close double, "
    "weekly_return_pct double, prev_weekly_return_pct double, rank_desc bigint, boards_ranked bigint, "
    "constituents bigint, list_date date",
    "mart_stock_flow_leaders_weekly": "week_id varchar, flow varchar, stock_code varchar, stock_name varchar, "
    "industry_code varchar, industry_index_code varchar, industry_name varchar, value double, rank_desc bigint, "
    "rank_asc bigint, leader_group varchar, stocks_ranked bigint, days_covered bigint",
    "mart_macro_backdrop_weekly": "week_id varchar, week_start date, week_end date, last_trading_day date, "
    "indicator varchar, indicator_name varchar, unit varchar, value_kind varchar, display_order integer, "
    "obs_date date, reference_month date, value double, prev_value double, prev_obs_date date, change double, "
    "change_pct double, change_pp double, pctile_52w double, published_at timestamptz",
    "mart_trade_structure_yearly": "period_kind varchar, period_label varchar, start_year integer, end_year integer, "
    "partner varchar, partner_name varchar, display_order integer, trade_usd_100m double, exports_usd_100m double, "
    "imports_usd_100m double, total_trade_usd_100m double, share_pct double, exports_share_pct double, "
    "base_period_label varchar, base_share_pct double, share_change_pp double, years_covered integer, "
    "published_at timestamptz",
}
CHECKS_DDL = (
    "create schema if not exists quality; create table quality.check_results (run_id varchar, checked_at timestamptz, "
    "source varchar, check_name varchar, passed boolean, severity varchar, loads_checked integer, loads_failed integer, "
    "summary varchar, failures json)"
)

SW = [
    ("110000", "801010", "农林牧渔"), ("220000", "801030", "基础化工"), ("230000", "801040", "钢铁"),
    ("240000", "801050", "有色金属"), ("270000", "801080", "电子"), ("280000", "801880", "汽车"),
    ("330000", "801110", "家用电器"), ("340000", "801120", "食品饮料"), ("350000", "801130", "纺织服饰"),
    ("360000", "801140", "轻工制造"), ("370000", "801150", "医药生物"), ("410000", "801160", "公用事业"),
    ("420000", "801170", "交通运输"), ("430000", "801180", "房地产"), ("450000", "801200", "商贸零售"),
    ("460000", "801210", "社会服务"), ("480000", "801780", "银行"), ("490000", "801790", "非银金融"),
    ("510000", "801230", "综合"), ("610000", "801710", "建筑材料"), ("620000", "801720", "建筑装饰"),
    ("630000", "801730", "电力设备"), ("640000", "801890", "机械设备"), ("650000", "801740", "国防军工"),
    ("710000", "801750", "计算机"), ("720000", "801760", "传媒"), ("730000", "801770", "通信"),
    ("740000", "801950", "煤炭"), ("750000", "801960", "石油石化"), ("760000", "801970", "环保"),
    ("770000", "801980", "美容护理"),
]  # fmt: skip


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI) if "+" not in text else datetime.fromisoformat(text)


def _filler(i: int, scale: float, offset: float = 0.0) -> float:
    """Deterministic filler values (no randomness: the fixture is the same on every machine)."""
    return round(offset + scale * math.sin(1.7 * i + 0.3), 2)


def trading_days(start: str = "2021-01-04", end: str = "2023-12-29") -> list[date]:
    return [d.date() for d in pd.bdate_range(start, end) if d.date() not in HOLIDAYS]


def week_rows(days: list[date]) -> list[tuple[str, date, date, int]]:
    weeks: dict[str, list[date]] = {}
    for d in days:
        y, w, _ = d.isocalendar()
        weeks.setdefault(f"{y}-W{w:02d}", []).append(d)
    out = []
    for wid, members in sorted(weeks.items()):
        start = members[0] - timedelta(days=members[0].weekday())
        out.append((wid, start, start + timedelta(days=6), len(members)))
    return out


# --------------------------------------------------------------------------- marts


def _market(demo: bool) -> list[tuple]:
    # code, name, close, W15 return, W14 return, ytd
    data = [
        ("000001", "上证指数", 3338.15, 0.32, 1.67, 8.06), ("399001", "深证成指", 11738.41, -1.39, 1.91, 6.56),
        ("000300", "沪深300", 4101.10, -0.76, 1.74, 5.93), ("399006", "创业板指", 2367.39, -0.77, 1.71, 0.86),
        ("000688", "科创50", 1061.61, -5.46, 2.67, 10.79), ("000905", "中证500", 6395.83, -0.43, 2.43, 9.81),
        ("000985", "中证全指", 5038.53, -0.54, 1.98, 7.01), ("399373", "大盘价值", 6601.23, 1.99, 0.89, 8.20),
        ("399377", "小盘价值", 5436.14, 0.94, 1.82, 9.40),
    ]  # fmt: skip
    rows = []
    for code, name, close, ret, prev, ytd in data:
        prev_close = round(close / (1 + ret / 100), 2)
        rows.append(
            (
                WEEK,
                date(2023, 4, 10),
                date(2023, 4, 16),
                date(2023, 4, 14),
                5,
                code,
                name,
                close,
                prev_close,
                ret,
                prev,
                ytd,
                "index_zh_a_hist",
                LOADED,
                demo,
            )
        )
        rows.append(
            (
                "2023-W14",
                date(2023, 4, 3),
                date(2023, 4, 9),
                date(2023, 4, 7),
                4,
                code,
                name,
                prev_close,
                round(prev_close / (1 + prev / 100), 2),
                prev,
                0.5,
                round(ytd - ret, 2),
                "index_zh_a_hist",
                LOADED,
                demo,
            )
        )
    return rows


def _industries(demo: bool) -> list[tuple]:
    fixed = {"有色金属": 4.21, "建筑装饰": 3.62, "传媒": 3.48, "计算机": -5.18, "食品饮料": -3.37, "医药生物": 2.05}
    returns = {name: fixed.get(name, _filler(i, 1.6, -0.4)) for i, (_, _, name) in enumerate(SW)}
    order = sorted(returns, key=lambda n: -returns[n])
    rows = []
    for i, (_, index_code, name) in enumerate(SW):
        rows.append(
            (
                WEEK,
                date(2023, 4, 16),
                date(2023, 4, 14),
                index_code,
                name,
                round(3000 + 100 * _filler(i, 5), 2),
                returns[name],
                order.index(name) + 1,
                len(SW),
                round(1 + abs(_filler(i, 2)), 2),
                round(20 + _filler(i, 8), 2),
                round(2 + _filler(i, 0.8), 2),
                "index_analysis_weekly_sw",
                LOADED,
                demo,
            )
        )
    return rows


def _turnover(demo: bool) -> list[tuple]:
    return [
        (WEEK, date(2023, 4, 10), date(2023, 4, 16), 5, 5, 11389.0, 4790.3, 6598.7, 12540.6, round((11389.0 / 12540.6 - 1) * 100, 2),
         "stock_sse_deal_daily,stock_szse_summary", LOADED, demo),
        ("2023-W14", date(2023, 4, 3), date(2023, 4, 9), 4, 4, 12540.6, 5210.1, 7330.5, 11002.3, 13.98,
         "stock_sse_deal_daily,stock_szse_summary", LOADED, demo),
    ]  # fmt: skip


FLOWS = [
    # flow, name, unit, W15 value, W14 value, source
    ("northbound_net_buy", "北向资金净买入", "亿元", 47.6, -35.2, "stock_hsgt_hist_em"),
    ("southbound_net_buy", "南向资金净买入", "亿港元", 64.0, 40.1, "stock_hsgt_hist_em"),
    ("margin_financing_net_buy", "融资净买入", "亿元", 89.8, 20.3, "stock_margin_account_info"),
    ("new_equity_fund_shares", "新成立偏股类基金", "亿份", 15.9, 19.1, "fund_new_found_em"),
    ("etf_net_subscription_shares", "ETF净申购（份额）", "亿份", 52.4, 31.0, "fund_etf_scale_sse,fund_scale_daily_szse"),
    ("stock_etf_net_subscription_shares", "股票型ETF净申购（份额）", "亿份", 86.7, 28.2, "fund_etf_scale_sse,fund_scale_daily_szse"),
    ("etf_net_subscription_value", "ETF净申购（金额）", "亿元", 19.2, -12.5, "fund_etf_scale_sse,fund_scale_daily_szse,fund_etf_hist_em"),
    ("shareholder_increase", "重要股东增持", "亿元", 25.8, 12.3, "stock_ggcg_em"),
    ("shareholder_decrease", "重要股东减持", "亿元", 49.3, 53.5, "stock_ggcg_em"),
    ("shareholder_net_change", "重要股东净增减持", "亿元", -23.5, -41.2, "stock_ggcg_em"),
    ("planned_reduction", "计划减持规模", "亿元", 38.4, 52.7, "planned_reductions"),
]  # fmt: skip


def _flows(demo: bool, weeks: list[tuple[str, date, date, int]]) -> list[tuple]:
    history = [w for w in weeks if "2023-W01" <= w[0] <= WEEK]
    rows = []
    values: dict[str, dict[str, float]] = {}
    for j, (wid, _, _, _) in enumerate(history):
        for i, (flow, *_rest) in enumerate(FLOWS):
            values.setdefault(flow, {})[wid] = round(30 * math.sin(0.9 * j + i) + (20 if i != 9 else -30), 1)
    for flow, _, _, now, before, _ in FLOWS:
        values[flow][WEEK], values[flow]["2023-W14"] = now, before
    ids = [w[0] for w in history]
    for flow, name, unit, _, _, source in FLOWS:
        for k, (wid, start, end, days) in enumerate(history):
            value = values[flow][wid]
            prev = values[flow][ids[k - 1]] if k else None
            covered = 4 if (wid == WEEK and flow == "margin_financing_net_buy") else days
            change = round(value - prev, 1) if prev is not None else None
            rows.append((wid, start, end, flow, name, value, unit, days, covered, prev, change, source, LOADED, demo))
    return rows


def _flows_by_industry(demo: bool) -> list[tuple]:
    fixed = {
        "northbound_net_buy": {"有色金属": 31.0, "公用事业": 15.1, "传媒": 12.4, "非银金融": -17.6, "家用电器": -8.7, "食品饮料": -6.5},
        "margin_financing_net_buy": {"传媒": 30.7, "食品饮料": 18.2, "计算机": 15.6, "电力设备": 9.1, "有色金属": -8.4,
                                     "汽车": -6.3, "钢铁": -4.1},
        "shareholder_net_change": {"机械设备": 1.9, "有色金属": 1.2, "食品饮料": 0.8, "电子": -8.9, "计算机": -5.1,
                                   "基础化工": -3.7},
    }  # fmt: skip
    scale = {"northbound_net_buy": 4.0, "margin_financing_net_buy": 3.0, "shareholder_net_change": 0.5}
    source = {
        "northbound_net_buy": "stock_hsgt_hold_stock_em,stock_industry_clf_hist_sw",
        "margin_financing_net_buy": "stock_margin_detail_sse,stock_margin_detail_szse,stock_industry_clf_hist_sw",
        "shareholder_net_change": "stock_ggcg_em,stock_industry_clf_hist_sw",
    }
    rows = []
    for flow, known in fixed.items():
        vals = {name: known.get(name, _filler(i, scale[flow])) for i, (_, _, name) in enumerate(SW)}
        order = sorted(vals, key=lambda n: -vals[n])
        for i, (code, index_code, name) in enumerate(SW):
            days = 4 if flow == "margin_financing_net_buy" else 5
            rows.append(
                (
                    WEEK,
                    flow,
                    code,
                    index_code,
                    name,
                    vals[name],
                    order.index(name) + 1,
                    days,
                    40 + 3 * i,
                    source[flow],
                    LOADED,
                    demo,
                )
            )
    return rows


def _etfs(demo: bool) -> list[tuple]:
    data = [
        ("csi300", "沪深300", "broad", -3.9), ("chinext", "创业板", "broad", -13.5), ("csi500", "中证500", "broad", -5.9),
        ("sse50", "上证50", "broad", -1.1), ("star_chinext50", "双创50", "broad", -6.5), ("star50", "科创50", "broad", -0.8),
        ("information_technology", "信息技术", "sector", -13.1), ("consumer", "消费", "sector", 11.8),
        ("healthcare", "医药", "sector", 78.7), ("brokers", "券商", "sector", 9.0),
        ("financials_real_estate", "金融地产", "sector", 10.4), ("defense", "军工", "sector", 1.3),
        ("materials", "原材料", "sector", 0.4), ("nev_smart_auto", "新能源&智能汽车", "sector", 17.4),
    ]  # fmt: skip
    return [
        (
            WEEK,
            code,
            name,
            cat,
            shares,
            round(shares * 0.62, 1),
            2 if code == "nev_smart_auto" else 1,
            5,
            "fund_etf_scale_sse,fund_scale_daily_szse,fund_etf_hist_em",
            LOADED,
            demo,
        )
        for code, name, cat, shares in data
    ]


def _valuation(demo: bool, weeks: list[tuple[str, date, date, int]]) -> list[tuple]:
    rows = []
    # ten years of weekly all-A PE(TTM), a smooth filler path ending at the published 14.7
    start = date(2013, 1, 4)
    fridays = []
    day = start
    while day <= date(2023, 4, 14):
        fridays.append(day)
        day += timedelta(days=7)
    n = len(fridays)
    series = [round(16 + 3.2 * math.sin(i / 40) + 1.5 * math.sin(i / 9), 2) for i in range(n)]
    series[-1], series[-2] = 14.7, 14.6
    for i, friday in enumerate(fridays):
        y, w, _ = friday.isocalendar()
        wid = f"{y}-W{w:02d}"
        prev = series[i - 1] if i else None
        earlier = series[:i]
        pct_all = round(sum(1 for v in earlier if v <= series[i]) / len(earlier) * 100, 2) if earlier else None
        if wid == WEEK:
            pct_all = 39.9
        rows.append(
            (
                wid,
                friday + timedelta(days=2),
                friday,
                "all_a",
                "000985",
                "全部A股（中证全指）",
                series[i],
                prev,
                round(series[i] - prev, 2) if prev is not None else None,
                pct_all,
                pct_all and min(100, pct_all + 5.4),
                1.62,
                1.61,
                0.01,
                28.5,
                30.1,
                "stock_zh_index_hist_csindex",
                LOADED,
                demo,
            )
        )
    rows.append(
        (
            WEEK,
            date(2023, 4, 16),
            date(2023, 4, 14),
            "all_a_median",
            "median",
            "全部A股（中位数）",
            30.52,
            30.81,
            -0.29,
            55.12,
            48.37,
            2.51,
            2.53,
            -0.02,
            31.4,
            22.9,
            "stock_a_ttm_lyr,stock_a_all_pb",
            LOADED,
            demo,
        )
    )
    for i, (_, index_code, name) in enumerate(SW):
        change = _filler(i, 0.6, -0.15)
        pe = round(22 + _filler(i, 12), 2)
        rows.append(
            (
                WEEK,
                date(2023, 4, 16),
                date(2023, 4, 14),
                "sw_l1",
                index_code,
                name,
                pe,
                round(pe - change, 2),
                change,
                round(50 + _filler(i, 45), 2),
                round(50 + _filler(i + 3, 45), 2),
                round(2.2 + _filler(i, 1.2), 2),
                round(2.2 + _filler(i, 1.2) - change / 10, 2),
                round(change / 10, 2),
                round(50 + _filler(i, 40), 2),
                round(50 + _filler(i + 5, 40), 2),
                "index_analysis_daily_sw",
                LOADED,
                demo,
            )
        )
    return rows


def _paper(demo: bool) -> list[tuple]:
    pub = _ts("2023-04-10T10:00")
    return [
        (
            WEEK,
            date(2023, 4, 7),
            "white_cardboard_index",
            "白卡纸价格指数",
            97.17,
            "点",
            date(2023, 3, 31),
            93.83,
            3.56,
            pub,
            "paper_prices",
            LOADED,
            demo,
        ),
        (
            WEEK,
            date(2023, 4, 7),
            "cultural_paper",
            "文化纸价格",
            5043.33,
            "元/吨",
            date(2023, 3, 31),
            5210.05,
            -3.20,
            pub,
            "paper_prices",
            LOADED,
            demo,
        ),
    ]


def _month_rows(
    month: date, category: str, source: str, published: datetime, demo: bool, data: Iterable[tuple]
) -> list[tuple]:
    rows = []
    for code, name, segment, value, unit, mom, yoy, prev, yoy3m, ytd, ytd_yoy in data:
        change = round(yoy - prev, 2) if yoy is not None and prev is not None else None
        rows.append(
            (
                month,
                category,
                code,
                name,
                segment,
                value,
                unit,
                mom,
                yoy,
                prev,
                change,
                yoy3m,
                ytd,
                ytd_yoy,
                yoy,
                None if yoy is None else round(yoy + 0.1, 2),
                False,
                ytd_yoy,
                None if ytd_yoy is None else round(ytd_yoy + 0.1, 2),
                False,
                published,
                source,
                LOADED,
                demo,
            )
        )
    return rows


def _cycle(demo: bool) -> list[tuple]:
    mar, feb = date(2023, 3, 1), date(2023, 2, 1)
    rows: list[tuple] = []
    autos = [
        ("caam_total_production", "汽车产量", None, 258.4, "万辆", 27.2, 15.3, 11.9, -2.38, 621.0, -2.0),
        ("caam_total_sales", "汽车销量", None, 245.1, "万辆", 24.0, 9.7, 13.5, -3.90, 607.6, -6.7),
        ("caam_passenger_production", "乘用车产量", None, 214.9, "万辆", 25.3, 14.3, 10.2, -1.5, 523.6, -3.3),
        ("caam_passenger_sales", "乘用车销量", None, 201.7, "万辆", 22.0, 8.2, 10.8, -2.9, 514.2, -7.7),
        ("caam_commercial_production", "商用车产量", None, 43.4, "万辆", 37.1, 20.4, 20.1, 3.1, 97.4, 5.4),
        ("caam_commercial_sales", "商用车销量", None, 43.4, "万辆", 34.2, 17.4, 24.6, 2.2, 93.4, 6.5),
        ("caam_truck_production", "货车产量", None, 38.7, "万辆", 36.8, 19.0, 18.3, 2.5, 86.9, 4.9),
        ("caam_truck_sales", "货车销量", None, 38.9, "万辆", 34.1, 17.0, 22.9, 1.8, 83.5, 5.8),
        ("caam_bus_production", "客车产量", None, 4.8, "万辆", 39.8, 33.4, 37.2, 8.2, 10.5, 9.4),
        ("caam_bus_sales", "客车销量", None, 4.5, "万辆", 35.1, 20.2, 41.3, 6.0, 9.9, 12.1),
        ("caam_nev_production", "新能源汽车产量", None, 67.4, "万辆", 22.1, 44.8, 48.8, 29.58, 165.0, 27.7),
        ("caam_nev_sales", "新能源汽车销量", None, 65.3, "万辆", 26.6, 34.8, 55.9, 28.88, 158.6, 26.2),
        ("caam_chinese_brand_sales", "中国品牌乘用车销量", None, 105.2, "万辆", 23.0, 16.4, 20.1, 4.1, 262.1, 2.3),
        ("caam_nev_penetration", "新能源汽车渗透率", None, 26.6, "%", None, None, None, None, None, None),
        ("caam_chinese_brand_share", "中国品牌乘用车份额", None, 52.1, "%", None, None, None, None, None, None),
    ]
    rows += _month_rows(mar, "autos", "caam_autos", _ts("2023-04-11T16:00"), demo, autos)
    for r in rows:
        if r[2] == "caam_chinese_brand_share":
            rows[rows.index(r)] = (*r[:10], 3.7, *r[11:])
    machinery = [
        ("ccma_excavator_sales", "挖掘机", None, 25578, "台", 95.2, -31.03, -12.39, -25.50, 57471, -25.53),
        ("ccma_loader_sales", "装载机", None, 13080, "台", 71.4, -14.60, 7.10, -8.95, 29283, -7.88),
    ]
    rows += _month_rows(mar, "machinery", "ccma_machinery", _ts("2023-04-10T16:00"), demo, machinery)
    sia = [
        ("sia_world", "全球", None, 396.8, "亿美元", None, -20.7, -18.5, None, None, None),
        ("sia_americas", "美洲", None, 99.5, "亿美元", None, -14.8, -12.4, None, None, None),
        ("sia_europe", "欧洲", None, 44.7, "亿美元", None, -0.90, 1.20, None, None, None),
        ("sia_japan", "日本", None, 39.0, "亿美元", None, 1.2, 0.7, None, None, None),
        ("sia_china", "中国", None, 109.7, "亿美元", None, -34.2, -31.6, None, None, None),
        ("sia_asia_pacific", "亚太", None, 213.6, "亿美元", None, -28.8, -26.2, None, None, None),
    ]
    rows += _month_rows(feb, "semiconductors", "sia_semiconductors", _ts("2023-04-07T09:00"), demo, sia)
    ic = [
        ("ic_exports", "集成电路出口", None, 131.05, "亿美元", None, -2.96, -10.56, -17.17, None, None),
        ("ic_imports", "集成电路进口", None, 306.72, "亿美元", None, -20.04, -19.07, -26.15, None, None),
    ]
    rows += _month_rows(mar, "ic_trade", "customs_ic_trade", _ts("2023-04-13T10:00"), demo, ic)
    tw = [
        ("tw_3034", "联咏", "IC设计", -26.37, -34.83), ("tw_2330", "台积电", "晶圆代工", -15.44, 11.06),
        ("tw_2303", "联电", "晶圆代工", -20.11, -18.64), ("tw_5347", "世界", "晶圆代工", -50.67, -41.48),
        ("tw_3105", "稳懋", "晶圆代工", -50.47, -52.08), ("tw_2408", "南科", "存储器", -68.15, -68.50),
        ("tw_2344", "华邦电", "存储器", -25.31, -33.23), ("tw_2337", "旺宏", "存储器", -33.67, -42.91),
        ("tw_3189", "景硕", "PCB", -30.52, -27.50), ("tw_2327", "国巨", "被动元件", -15.24, 2.30),
        ("tw_3008", "大立光", "光学", -11.91, -2.11),
    ]  # fmt: skip
    rows += _month_rows(
        mar, "taiwan_revenue", "taiwan_monthly_revenue", _ts("2023-04-10T18:00"), demo,
        [(c, n, s, None, "%", None, y, p, None, None, None) for c, n, s, y, p in tw],
    )  # fmt: skip
    # two years of monthly yoy for the chart (filler except March 2023)
    month = date(2021, 4, 1)
    i = 0
    while month < mar:
        published = datetime(month.year, month.month, 28, 16, 0, tzinfo=SHANGHAI) + timedelta(days=14)
        for code, name, unit, base, amp in (
            ("caam_total_sales", "汽车销量", "万辆", 5, 15),
            ("caam_nev_sales", "新能源汽车销量", "万辆", 90, 60),
            ("ccma_excavator_sales", "挖掘机", "台", -20, 25),
        ):
            yoy = round(base + amp * math.sin(i / 3.5), 2)
            if month == feb:
                yoy = {"caam_total_sales": 13.5, "caam_nev_sales": 55.9, "ccma_excavator_sales": -12.39}[code]
            category = "machinery" if code.startswith("ccma") else "autos"
            source = "ccma_machinery" if category == "machinery" else "caam_autos"
            rows += _month_rows(
                month,
                category,
                source,
                published,
                demo,
                [(code, name, None, 100.0, unit, None, yoy, None, None, None, None)],
            )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        i += 1
    return rows


def _exports(demo: bool) -> list[tuple]:
    mar, feb = date(2023, 3, 1), date(2023, 2, 1)
    published_total = _ts("2023-04-13T11:00")
    published_detail = _ts("2023-04-13T10:00")
    rows = []

    def add(
        month: date,
        dim: str,
        member: str,
        name: str,
        value: float | None,
        yoy: float | None,
        prev: float | None,
        share: float | None,
        published: datetime,
        source: str,
    ) -> None:
        change = round(yoy - prev, 2) if yoy is not None and prev is not None else None
        rows.append(
            (
                month,
                dim,
                member,
                name,
                value,
                yoy,
                prev,
                change,
                share,
                yoy,
                yoy,
                False,
                published,
                source,
                LOADED,
                demo,
            )
        )

    add(mar, "total", "exports", "出口", 3155.9, 14.8, -6.8, None, published_total, "macro_china_hgjck")
    add(mar, "total", "imports", "进口", 2274.0, -1.4, 4.2, None, published_total, "macro_china_hgjck")
    add(mar, "total", "trade_balance", "贸易差额", 881.9, None, None, None, published_total, "macro_china_hgjck")
    add(feb, "total", "exports", "出口", 2144.0, -6.8, -10.5, None, _ts("2023-03-07T11:00"), "macro_china_hgjck")
    add(feb, "total", "imports", "进口", 2027.1, 4.2, -21.3, None, _ts("2023-03-07T11:00"), "macro_china_hgjck")
    add(
        feb, "total", "trade_balance", "贸易差额", 116.9, None, None, None, _ts("2023-03-07T11:00"), "macro_china_hgjck"
    )
    partners = [
        ("russia", "俄罗斯", 90.0, 136.43, 32.73), ("africa", "非洲", 164.9, 46.48, 7.67), ("asean", "东盟", 564.9, 35.43, 33.69),
        ("japan", "日本", 129.3, -4.81, 17.11), ("australia", "澳大利亚", 62.5, 19.30, -9.34),
        ("latin_america", "拉丁美洲", 224.3, 23.29, -2.77), ("canada", "加拿大", 40.3, 11.20, -13.30),
        ("us", "美国", 440.9, -7.72, -31.79), ("eu", "欧盟", 478.4, 3.38, -16.13), ("hong_kong", "中国香港", 226.1, -4.43, -18.48),
    ]  # fmt: skip
    for code, name, value, yoy, prev in partners:
        add(
            mar,
            "partner",
            code,
            name,
            value,
            yoy,
            prev,
            round(value / 3155.9 * 100, 2),
            published_detail,
            "customs_exports_by_partner",
        )
    products = [
        ("mechanical_electrical", "机电产品", 1819.04, 12.3, -3.2), ("high_tech", "高新技术产品", 700.3, -10.4, -20.7),
        ("integrated_circuits", "集成电路", 131.05, -3.0, -10.6), ("autos", "汽车", 82.3, 123.8, 62.5),
        ("bags", "箱包", 32.4, 90.1, 13.0), ("shoes", "鞋靴", 43.6, 32.27, 3.1), ("garments", "服装", 110.3, 31.9, 1.2),
        ("toys", "玩具", None, 30.9, -12.4), ("furniture", "家具", None, 13.7, -8.0),
    ]  # fmt: skip
    for code, name, value, yoy, prev in products:
        share = round(value / 3155.9 * 100, 2) if value is not None else None
        add(mar, "product", code, name, value, yoy, prev, share, published_detail, "customs_exports_by_product")
    return rows


# --------------------------------------------------------------------------- landing and checks


def _themes(demo: bool) -> list[tuple]:
    """The note's three best concept themes of the week, then filler."""
    boards = [("影视", 12.46), ("西安自贸区", 10.93), ("IP流量变现", 9.61)]
    boards += [(f"概念{i:02d}", round(_filler(i, 4.0, -1.0), 2)) for i in range(12)]
    order = sorted(range(len(boards)), key=lambda i: -boards[i][1])
    rows = []
    for i, (name, ret) in enumerate(boards):
        close = 1000.0 + 10 * i
        rows.append((WEEK, date(2023, 4, 10), date(2023, 4, 16), date(2023, 4, 14), f"BK{900 + i:04d}", name,
                     date(2023, 4, 14), close, round(close / (1 + ret / 100), 2), ret, round(_filler(i, 2.0), 2),
                     order.index(i) + 1, len(boards), 20 + 7 * i, date(2023, 4, 14),
                     "stock_board_concept_hist_em,stock_board_concept_name_em", LOADED, demo))  # fmt: skip
    return rows


def _stock_leaders(demo: bool) -> list[tuple]:
    """The stocks the note names, in its order, with filler values, and filler around them."""
    named = {
        "northbound_net_buy": [("601919", "中远海控", "交通运输", 14.6), ("688111", "金山办公", "计算机", 11.8),
                               ("601689", "拓普集团", "汽车", 9.3), ("600519", "贵州茅台", "食品饮料", -15.9),
                               ("601318", "中国平安", "非银金融", -13.2), ("603259", "药明康德", "医药生物", -10.4)],
        "margin_financing_net_buy": [("600519", "贵州茅台", "食品饮料", 24.6), ("300418", "昆仑万维", "传媒", 19.8),
                                     ("000977", "浪潮信息", "计算机", 15.2), ("601689", "拓普集团", "汽车", -8.1),
                                     ("601138", "工业富联", "电子", -5.3), ("688012", "中微公司", "电子", -3.4)],
    }  # fmt: skip
    sw = {name: (code, index_code) for code, index_code, name in SW}
    source = {
        "northbound_net_buy": "stock_hsgt_hold_stock_em,stock_industry_clf_hist_sw",
        "margin_financing_net_buy": "stock_margin_detail_sse,stock_industry_clf_hist_sw",
    }
    rows = []
    for flow, stocks in named.items():
        stocks = stocks + [(f"60{i:04d}", f"样本{i}", SW[i][2], v) for i, v in enumerate((3.1, 2.2, -1.4, -0.9))]
        ranked = sorted(stocks, key=lambda s: -s[3])
        for code, name, industry, value in stocks:
            desc = ranked.index((code, name, industry, value)) + 1
            asc = len(ranked) - desc + 1
            rows.append((WEEK, flow, code, name, sw[industry][0], sw[industry][1], industry, value, desc, asc,
                         "top" if value > 0 else "bottom", 248, 4 if flow == "margin_financing_net_buy" else 5,
                         source[flow], LOADED, demo))  # fmt: skip
    return rows


def _backdrop(demo: bool, weeks: list[tuple[str, date, date, int]]) -> list[tuple]:
    """Gold, US rates, CPI, the real-rate proxy and the dollar over the last 30 weeks (filler)."""
    history = [w for w in weeks if w[0] <= WEEK][-30:]
    specs = [
        ("gold_usd", "COMEX黄金", "美元/盎司", "price", 1, 1850.0, 8.0, "futures_foreign_hist"),
        ("gold_cny", "上海金Au99.99", "元/克", "price", 2, 420.0, 2.0, "spot_hist_sge"),
        ("us_10y_yield", "美国10年期国债收益率", "%", "rate", 3, 3.7, 0.05, "bond_zh_us_rate"),
        ("us_2y_yield", "美国2年期国债收益率", "%", "rate", 4, 4.3, 0.06, "bond_zh_us_rate"),
        ("us_cpi_yoy", "美国CPI同比", "%", "rate", 5, 6.5, -0.05, "macro_usa_cpi_yoy"),
        ("real_rate_proxy", "美国实际利率代理(10年期收益率−CPI同比)", "%", "rate", 6, -2.8, 0.1, "bond_zh_us_rate,macro_usa_cpi_yoy"),
        ("dollar_index", "美元指数", "点", "price", 7, 105.0, -0.12, "index_global_hist_em"),
    ]  # fmt: skip
    rows = []
    for indicator, name, unit, kind, order, base, step, source in specs:
        values = [round(base + step * k + step * 3 * math.sin(k), 4) for k in range(len(history))]
        for k, (wid, start, end, _days) in enumerate(history):
            value, prev = values[k], values[k - 1] if k else None
            last = end - timedelta(days=2)
            earlier = values[max(0, k - 52) : k]
            pctile = round(sum(v <= value for v in earlier) / len(earlier) * 100, 2) if earlier else None
            delta = round(value - prev, 4) if prev is not None else None
            rows.append((wid, start, end, last, indicator, name, unit, kind, order, last - timedelta(days=1),
                         date(2023, 3, 1) if indicator in ("us_cpi_yoy", "real_rate_proxy") else None, value, prev,
                         last - timedelta(days=8) if prev is not None else None,
                         delta if kind == "price" else None,
                         round((value / prev - 1) * 100, 4) if kind == "price" and prev else None,
                         delta if kind == "rate" else None, pctile, LOADED, source, LOADED, demo))  # fmt: skip
    return rows


def _trade_structure(demo: bool) -> list[tuple]:
    """Shares of China's trade, 2021-2022 against 2018-2019: the note's ASEAN and EU figures, then filler."""
    data = [("asean", "东盟", 1, 13.4, 15.0), ("eu", "欧盟", 2, 15.0, 13.5), ("us", "美国", 3, 12.8, 12.2),
            ("latin_america", "拉丁美洲", 13, 6.7, 7.4), ("japan", "日本", 4, 7.0, 5.8)]  # fmt: skip
    published = datetime(2023, 1, 14, 11, 0, tzinfo=SHANGHAI)
    rows = []
    for label, start, end, base in (("2018-2019", 2018, 2019, None), ("2021-2022", 2021, 2022, "2018-2019")):
        total = 46000.0 if start == 2018 else 61800.0
        rows.append(("window", label, start, end, "world", "总值", 0, total, total * 0.55, total * 0.45, total, 100.0,
                     55.0, base, 100.0 if base else None, 0.0 if base else None, 2, published,
                     "customs_trade_by_partner_yearly", LOADED, demo))  # fmt: skip
        for partner, name, order, before, after in data:
            share = after if base else before
            trade = round(total * share / 100, 1)
            rows.append(("window", label, start, end, partner, name, order, trade, round(trade * 0.6, 1),
                         round(trade * 0.4, 1), total, share, round(share * 0.6, 2), base,
                         before if base else None, round(after - before, 4) if base else None, 2, published,
                         "customs_trade_by_partner_yearly", LOADED, demo))  # fmt: skip
    return rows


def _land_calendar(landing: Path, days: list[date]) -> None:
    from ingestion.landing import land_frame
    from ingestion.registry import get_source

    land_frame(get_source("tool_trade_date_hist_sina"), pd.DataFrame({"trade_date": days}), origin="sample",
               fetched_at=datetime(2021, 1, 1, tzinfo=UTC), root=landing)  # fmt: skip


def _manifests(landing: Path, days: tuple[date, ...], demo: bool, stale: dict[str, str]) -> None:
    """One manifest per registered source, reaching the period each should have by the cut-off."""
    from reporting.provenance import expected_period

    for number, (name, source) in enumerate(registry().items()):
        if name == "tool_trade_date_hist_sina":
            continue
        expected = expected_period(source, AS_OF, days)
        latest = stale.get(name) or (expected.isoformat() if expected else "2023-01-01")
        load_id = f"20230414T110000000000Z-sample{number:04d}"
        manifest = {
            "load_id": load_id, "source": name, "params": {}, "fetched_at": "2023-04-14T03:00:00+00:00",
            "available_at": "2023-04-14T11:00:00+00:00", "rows": 100 + len(name), "columns": [],
            "content_hash": name, "origin": "sample", "akshare_version": "1.19.5" if source.kind == "akshare" else None,
            "file_name": None, "demo": demo, "period_min": "2021-01-01", "period_max": latest,
        }  # fmt: skip
        folder = landing / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{load_id}.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _checks(con: duckdb.DuckDBPyConnection, failed: Iterable[str]) -> None:
    failed = set(failed)
    rows = []
    for name in registry():
        bad = name in failed
        summary = (
            f"{name}: 1 failed (blocking)\n- [critical] 第3行「价格」为负数"
            if bad
            else f"{name}: 1 new loads checked, all expectations met"
        )
        rows.append(("sample-run", datetime(2023, 4, 14, 12, 0, tzinfo=UTC), name, "great_expectations", not bad,
                     "ERROR" if bad else "OK", 1, 1 if bad else 0, summary, "[]"))  # fmt: skip
    _insert(con, "quality.check_results", rows)


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Bulk insert through a DataFrame (DuckDB's executemany is slow row by row)."""
    columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
    frame = pd.DataFrame(rows, columns=columns)
    con.register("_rows", frame)
    con.execute(f"insert into {table} by name select * from _rows")
    con.unregister("_rows")


def build_sample_warehouse(
    home: Path,
    *,
    demo: bool = False,
    stale: dict[str, str] | None = None,
    failed: Iterable[str] = (),
    daily: bool = False,
) -> Path:
    """Write the sample warehouse under ``home``; return the serving database path.

    ``stale`` maps a source to the latest period its manifest claims (older than it should be);
    ``failed`` lists sources whose last check failed; ``daily`` adds a ``mart_fund_flows_daily``.
    """
    home = Path(home)
    landing = home / "landing"
    days = trading_days()
    _land_calendar(landing, days)
    _manifests(landing, tuple(days), demo, stale or {})
    db = home / "serving" / "warehouse.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    if db.exists():
        db.unlink()
    weeks = week_rows(days)
    con = duckdb.connect(str(db))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute("create schema marts")
        for mart, columns in DDL.items():
            con.execute(f"create table marts.{mart} ({columns}, {COMMON})")
        fill = {
            "mart_market_weekly": _market(demo),
            "mart_industry_returns_weekly": _industries(demo),
            "mart_turnover_weekly": _turnover(demo),
            "mart_exports_monthly": _exports(demo),
            "mart_industry_cycle_monthly": _cycle(demo),
            "mart_paper_prices_weekly": _paper(demo),
            "mart_fund_flows_weekly": _flows(demo, weeks),
            "mart_fund_flows_by_industry_weekly": _flows_by_industry(demo),
            "mart_etf_flows_weekly": _etfs(demo),
            "mart_valuation_weekly": _valuation(demo, weeks),
            "mart_theme_returns_weekly": _themes(demo),
            "mart_stock_flow_leaders_weekly": _stock_leaders(demo),
            "mart_macro_backdrop_weekly": _backdrop(demo, weeks),
            "mart_trade_structure_yearly": _trade_structure(demo),
        }
        for mart, rows in fill.items():
            _insert(con, f"marts.{mart}", rows)
        if daily:
            con.execute(
                "create table marts.mart_fund_flows_daily (week_id varchar, trade_date date, flow varchar, "
                f"flow_name varchar, value double, unit varchar, {COMMON})"
            )
            daily_rows = []
            for k, d in enumerate(x for x in days if date(2023, 3, 20) <= x <= date(2023, 4, 14)):
                y, w, _ = d.isocalendar()
                for flow, name in (
                    ("northbound_net_buy", "北向资金净买入"),
                    ("margin_financing_net_buy", "融资净买入"),
                ):
                    if flow == "margin_financing_net_buy" and d == date(2023, 4, 14):
                        continue  # published the next morning
                    daily_rows.append((f"{y}-W{w:02d}", d, flow, name, round(25 * math.sin(k * 1.3), 1), "亿元",
                                       "stock_hsgt_hist_em", LOADED, demo))  # fmt: skip
            _insert(con, "marts.mart_fund_flows_daily", daily_rows)
        con.execute(CHECKS_DDL)
        _checks(con, failed)
        con.execute("checkpoint")
    finally:
        con.close()
    return db
