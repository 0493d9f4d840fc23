"""``data/demo/MANIFEST.md``: what the snapshot holds, per source."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ingestion.demo.common import DAILY_FROM
from ingestion.landing import list_loads
from ingestion.registry import SECTION_TITLES, registry

AGGREGATE = f"every month end since January 2021, then every trading day from {DAILY_FROM}"
PER_STOCK = (
    f"January 2021, the half-year ends of 2021-2022, the 2023 month ends, then every trading day from {DAILY_FROM}"
)
SNAPSHOTS = "every 6th week until February 2023, then weekly from 2023-W12"

# source -> (rows that carry published figures, how the loads were scheduled)
NOTES: dict[str, tuple[str, str]] = {
    "macro_china_hgjck": (
        "2023年03月份: exports 315,590,000 千美元 (3155.9 亿美元, yoy 14.8), imports 227,400,000 (yoy −1.4), "
        "surplus 881.9; Feb 2023 exports yoy < 0 (first rise since Sept 2022).",
        "full reloads after the December 2021, June 2022, December 2022 and each 2023 release (lag 13 days, 11:00).",
    ),
    "macro_china_exports_yoy": ("release 2023-04-13: 今值 14.8 (forecast −7.0).", "full reloads on four release days."),
    "macro_china_imports_yoy": ("release 2023-04-13: 今值 −1.4.", "full reloads on four release days."),
    "macro_china_trade_balance": ("release 2023-04-13: 今值 881.9 亿美元.", "full reloads on four release days."),
    "customs_exports_by_partner": (
        "2023-03 and 2023-02 出口同比 of all ten partners (Russia 136.43 ← 32.73, Africa 46.48 ← 7.67, "
        "ASEAN 35.43 ← 33.69, Japan −4.81 ← 17.11; Australia/LatAm/Canada/US/EU/HK improve by 28.64/26.06/"
        "24.5/24.07/19.51/14.05 pp); 2022-02/03 amounts derived from them so computed yoy agrees.",
        "curated: one backfill file (2021-01..2022-12) entered at the December release, then one file "
        "per monthly release (lag 13 days, 11:00 — registry changed from 20 days: GACC publishes the "
        "partner table with the headline release).",
    ),
    "customs_exports_by_product": (
        "2023-03: 机电产品 18,190,400 万美元 (1819.04 亿美元 = 57.64 % of exports, yoy 12.3, Feb −3.2), "
        "高新技术 −10.4, 集成电路 −3.0, 汽车 123.8, 箱包 90.1, 鞋靴 32.27, 服装 31.9, 玩具 30.9, 家具 13.7.",
        "curated: backfill file + one file per monthly release.",
    ),
    "customs_ic_trade": (
        "2023-03: exports 1,310,500 万美元 (yoy −2.96, Feb −10.56, yoy_3m −17.17 from Jan..Mar 2022/2023), "
        "imports 3,067,200 (yoy −20.04, Feb −19.07, yoy_3m −26.15).",
        "curated: backfill file + monthly files.",
    ),
    "car_market_total_cpca": (
        "none (cross-check of CAAM passenger cars).",
        "snapshots of the two-year wide table fetched at the December 2022, February 2023 and March 2023 "
        "releases (the January 2023 switch of year columns 2021年/2022年 → 2022年/2023年 is visible).",
    ),
    "car_market_fuel_cpca": ("none (cross-check).", "as car_market_total_cpca."),
    "caam_autos": (
        "2023-03 all seven categories: production/sales 258.4/245.1 (mom 27.2/24.0, yoy 15.3/9.7, yoy_3m −2.38/−3.9 "
        "computed from Jan..Mar), passenger 214.9/201.7, commercial 43.4/43.4, trucks 38.7/38.9, buses 4.8/4.5, NEV "
        "67.4/65.3 (yoy 44.8/34.8, yoy_3m 29.58/28.88 computed; Q1 165/158.6 with published ytd yoy 27.7/26.2), "
        "Chinese brands 105.16 万辆 = 52.13 % of passenger sales (+3.67 pp); 2023-02, 2023-01 and 2022-01..03 rows "
        "are set so that the computed mom/yoy_3m come out as published.",
        "curated: backfill + monthly files (lag 11 days, 16:00).",
    ),
    "ccma_machinery": (
        "2023-03 excavators 25,578 (yoy −31.03, yoy_3m −25.50 computed, Q1 57,471 with published ytd yoy −25.53), "
        "loaders 13,080 (−14.60, −8.95, 29,283, −7.88); Jan..Feb 2023, Jan..Mar 2022 and Dec 2021/2022 pinned "
        "(Feb yoy_3m −25.10 / −5.74 as the note says).",
        "curated: backfill + monthly files (lag 10 days, 16:00).",
    ),
    "sia_semiconductors": (
        "2023-02 (latest public month): 全球 39.68 十亿美元 (396.8 亿美元, −20.7), 美洲 9.95 (−14.8), 欧洲 4.47 (−0.90), "
        "日本 3.90 (+1.2), 中国 10.97 (−34.2), 亚太 21.36 (−28.8); 美洲+欧洲+日本+亚太 = 全球 every month.",
        "curated: backfill + monthly files (lag 36 days, 09:00).",
    ),
    "taiwan_monthly_revenue": (
        "2023-03 and 2023-02 营收同比 of 联咏, 台积电, 联电, 世界, 稳懋, 南科, 华邦电, 旺宏, 景硕, 国巨, 大立光 "
        "(change vs February as the note prints).",
        "curated: backfill + monthly files (lag 10 days, 18:00).",
    ),
    "paper_prices": (
        "2023-04-07: 白卡纸价格指数 97.17 (2023-03-31: 93.83, +3.56 %), 文化纸价格 5043.33 (5210.05, −3.20 %).",
        "curated: backfill file (2021..2022) + one file per week in 2023, available the Monday after the price "
        "date at 10:00; the 2023-04-14 prices are public only on 2023-04-17, so they are not in the snapshot.",
    ),
    "stock_hsgt_hist_em": (
        "北向资金 2023-04-10..14: 18.62, −6.15, 22.48, −3.97, 16.62 (Σ 47.60 亿元; 沪股通 + 深股通 = 北向); "
        "南向资金: 9.81, 21.34, 7.42, 15.87, 9.56 (Σ 64.00 亿港元); W14 northbound net outflow.",
        "full reloads on 2022-12-30 and 2023-04-14 at 17:00 (history from 2021-01-04).",
    ),
    "stock_hsgt_hold_stock_em": (
        "今日增持估计-市值 over 2023-04-10..14 sums by Shenwan industry to the note's northbound industry "
        "figures (有色金属 31.0, 公用事业 15.1, 传媒 12.4 … 非银金融 −17.6, 家用电器 −8.7, 食品饮料 −6.5; all 31 "
        "industries add up to 47.6); by stock, in the note's order, net buyers 中远海控 14.6 > 金山办公 11.8 > "
        "拓普集团 9.3 and net sellers 贵州茅台 −15.9 < 中国平安 −13.2 < 药明康德 −10.4 (亿元, synthetic).",
        f"daily snapshots (18:00) of the 248-stock universe: {PER_STOCK}.",
    ),
    "stock_margin_account_info": (
        "融资余额 2023-04-07 15,304.20 and 2023-04-13 15,394.04 亿元 (Δ 89.84 over the four visible days of "
        "W15); 2023-03-31..04-14 pinned.",
        "full reloads fetched 09:00 the day after 2022-12-30, 2023-03-31 "
        "and 2023-04-13 (margin data of day D is public at D+1 09:00, so Friday 2023-04-14 is absent).",
    ),
    "stock_margin_sse": (
        "none (SSE part of the two-market balance; SSE 元/1e8 + SZSE 亿元 = stock_margin_account_info).",
        "range loads 2021-01..2022-12, 2023 Q1, 2023-04-01..14 (data to 04-13).",
    ),
    "stock_margin_szse": (
        "none (SZSE part, 亿元).",
        "one row per load, no date column (the date is the `date` parameter).",
    ),
    "stock_margin_detail_sse": (
        "per-stock Δ融资余额 2023-04-07 → 2023-04-13 of the SSE half of the universe; with SZSE it sums by "
        "industry to 传媒 +30.7 (largest), 食品饮料 +21.0, 计算机 +17.9, 电力设备 +11.2 … 汽车 −7.3, 有色金属 −9.6 "
        "(all industries: +89.8); by stock, in the note's order, net buyers 贵州茅台 24.6 > 昆仑万维 19.8 > "
        "浪潮信息 15.2 and net sellers 拓普集团 −8.1 < 工业富联 −5.3 < 中微公司 −3.4 (亿元, SSE and SZSE, synthetic).",
        "per-stock schedule (see hold_stock), last date 2023-04-13, fetched D+1 09:00.",
    ),
    "stock_margin_detail_szse": (
        "as stock_margin_detail_sse, SZSE half.",
        "per-stock schedule; no date column (the `date` parameter).",
    ),
    "fund_new_found_em": (
        "equity-like funds (股票型, 混合型-偏股, 混合型-灵活, 指数型-股票) established 2023-04-10..13: 5.12 + 3.85 + 4.46 + 2.47 "
        "= 15.90 亿份; 2023-04-03..06: 6.31 + 4.02 + 3.58 + 2.76 + 2.43 = 19.10 亿份 (bond/FOF funds beside them are "
        "filler and excluded by type).",
        f"snapshots of the funds established in the last 7 weeks, {SNAPSHOTS}, fetched at 18:00 (a fund "
        "established on day D is public at D+1 18:00).",
    ),
    "fund_etf_scale_sse": (
        "基金份额 change 2023-04-07 → 2023-04-14 (份) of the seed SSE ETFs: 510300 −3.9e8, 510500 −5.9e8, 510050 −1.1e8, "
        "588000 +1.7e8, 512010 +78.7e8, 512000 +9.0e8, 512070 +10.4e8, 512660 +1.3e8, 512400 +0.4e8, "
        "515030 +25.0e8, 515700 −7.6e8 (新能源&智能汽车 +17.4 亿份); 511010/518880/513050 are filler (not in the seed).",
        f"{AGGREGATE} (18:00).",
    ),
    "fund_scale_daily_szse": (
        "2023-04-07 → 2023-04-14 change of 159915 −13.5e8, 159781 −6.5e8, 159939 −13.1e8, 159928 +11.8e8 份 "
        "(stock ETFs in total +86.7 亿份 with SSE); 159919/159920 filler.",
        "quarterly ranges (≤ 180 days) and 2023-04-01..14.",
    ),
    "fund_etf_hist_em": (
        "收盘 on 2023-04-14 of the 15 seed ETFs: Σ Δshares × close = 19.20 亿元 (512010 closes 0.757).",
        "two range loads per ETF: 2021-01-01..2023-03-31 and 2023-04-01..14 (16:00).",
    ),
    "stock_ggcg_em": (
        "records announced 2023-04-10..14, first seen in the 2023-04-14 20:00 load: 增持 Σ 变动数量 × 最新价 = 25.80 亿元 "
        "(机械设备, 有色金属, 食品饮料 lead), 减持 49.30 亿元 (电子, 计算机, 基础化工 lead), net −23.5; W14 records first "
        "seen in the 2023-04-07 load (net −35.6).",
        f"snapshots of the announcements of the last 7 weeks (20:00), {SNAPSHOTS}; 最新价 is the close of the "
        "load's day.",
    ),
    "planned_reductions": (
        "公告日期 2023-04-10..14: Σ 拟减持股数上限 × 参考价格 = 38.40 亿元 (W14: 54.9).",
        "curated: a backfill file to 2023-03-17, then one file per week (available Friday 20:00).",
    ),
    "stock_a_ttm_lyr": (
        "none (breadth view; filler with its own quantiles as fractions).",
        "full reloads 2022-12-30, 2023-03-31, "
        "2023-04-14 at 20:00 (history from 2021-01-04; quantiles computed over an internal series since 2013).",
    ),
    "stock_a_all_pb": ("none (filler).", "as stock_a_ttm_lyr."),
    "stock_zh_index_hist_csindex": (
        "滚动市盈率 14.60 on 2023-04-07 and 14.70 on 2023-04-14, at the 39.91st percentile of the 2,498 "
        "earlier daily values since 2013-01-04.",
        "range loads 2013-01-01..2022-12-31 (3,652 days), 2023 Q1, 2023-04-01..14 (18:00).",
    ),
    "index_analysis_daily_sw": (
        "市盈率 2023-04-07 → 2023-04-14 falls for 19 industries and rises for 12 (板块估值多数下跌).",
        "monthly range loads (≤ 31 days): January/April/July/October of 2021-2022, every month of 2023.",
    ),
    "index_analysis_weekly_sw": (
        "cross-section 2023-04-14: 医药生物 +3.21 % ranks first; 计算机 −4.52 and 食品饮料 −3.61 last.",
        "one load per week in 2023, the quarter-end weeks of 2021-2022 (18:00).",
    ),
    "index_zh_a_hist": (
        "收盘 2023-04-07 → 2023-04-14: 000985 5140.00 → 5112.24 (−0.54 %), 399006 2446.95 → 2428.09 (−0.77 %), 000300 "
        "4123.28 → 4092.00 (−0.76 %); 000001, 399373, 399377 rise, 000688 falls 2.5 %.",
        "two range loads per index: 2021-01-01..2023-03-31 and 2023-04-01..14 (16:00).",
    ),
    "stock_sse_deal_daily": (
        "成交金额/股票 of 2023-04-03..14 (with SZSE: 11,389.00 亿元 a day in W15, 12,108.47 in W14).",
        f"long layout; {AGGREGATE}, from 2021-12-31 on (the upstream starts 2021-12-27).",
    ),
    "stock_szse_summary": (
        "股票/成交金额 (元) of 2023-04-03..14, the SZSE part of the turnover figure.",
        f"{AGGREGATE}; no date column (the `date` parameter).",
    ),
    "stock_board_concept_name_em": (
        "20 synthetic concept boards; in 2023-W15 影视, 西安自贸区 and IP流量变现 lead (the note's three best "
        "themes, in its order; their returns 12.46 %, 10.93 %, 9.61 % are synthetic).",
        "the list taken after the close (15:45) on 2023-03-31, 2023-04-07 and every day of 2023-W15 (a load's "
        "period is the day it was fetched).",
    ),
    "stock_board_concept_hist_em": (
        "2023-04-07 and 2023-04-14 closes of every board (the weekly returns behind the ranking).",
        "per board: 2023-03-13 .. 2023-04-07 (fetched that evening) and the range the plan of 2023-W15 asks for "
        "(2023-04-03 .. 2023-04-16, fetched 2023-04-14 16:00).",
    ),
    "spot_hist_sge": ("none (synthetic Au99.99 path, 元/克).", "full reloads to 2023-03-31 and 2023-04-14."),
    "futures_foreign_hist": (
        "none (synthetic COMEX gold path, USD/oz).",
        "full reloads to 2023-03-31 and 2023-04-13 (a New York close counts from 06:00 the next morning).",
    ),
    "bond_zh_us_rate": (
        "none (synthetic China and US yields; US holidays NaN in the US columns, SSE holidays in the China ones).",
        "full reloads to 2023-03-31 and 2023-04-13 (counts from 08:00 the next morning).",
    ),
    "macro_usa_cpi_yoy": (
        "none (synthetic US CPI yoy 2021-01 .. 2023-03, March released 2023-04-12).",
        "full reloads after the February and March releases (21:30 on the release day).",
    ),
    "index_global_hist_em": ("none (synthetic US dollar index, UDI).", "full reloads to 2023-03-31 and 2023-04-13."),
    "customs_trade_by_partner_yearly": (
        "the shares the note gives: 东盟 13.4 % of China's trade in 2018-19 and 15.0 % in 2021-22, 欧盟 15.0 % → "
        "13.5 % (−1.5 pp) (Σ partner / Σ 总值 over each window); every amount is synthetic.",
        "curated: a backfill file for 2015-2021 entered at the 2021 release, then the 2022 file (14 January, 11:00).",
    ),
    "tool_trade_date_hist_sina": (
        "the SSE calendar: 2023-04-05 closed, so W14 = Apr 3, 4, 6, 7.",
        "full reloads 2021-01-04 (to 2021), 2021-12-20 (to 2022), 2022-12-20 (to 2023-12-29); "
        "2013-01-04 onwards, real 2021-2023 closures, approximate earlier ones; plus 1992-05-04, which "
        "akshare appends to every answer.",
    ),
    "stock_industry_clf_hist_sw": (
        "current level-1 industry of the 248 stocks (8 per industry); some stocks changed level 3 on "
        "2021-07-30 and level 1 on 2022-07-01, six listed in 2022.",
        "full reloads 2021-08-02, 2022-07-04, 2023-01-03.",
    ),
}


def _fmt_period(values: list[str | None]) -> str:
    present = [v for v in values if v]
    return min(present) if present else "—"


def write_manifest(root: Path, path: Path) -> Path:
    loads = list_loads(root)
    by_source: dict[str, list] = defaultdict(list)
    for load in loads:
        by_source[load.source].append(load)
    total_rows = sum(ld.rows for ld in loads)
    lines = [
        "# Embedded demo snapshot (synthetic data)",
        "",
        "**Everything here is synthetic demo data**, generated by `python -m ingestion.demo` (package",
        "`ingestion/demo/`; fixed seeds, so a rerun writes the same load ids and content hashes). It is not",
        "market data: values are plausible filler, except the published figures of the weekly note for",
        "2023-W15 (report_spec.md, “Published figures”), which the data reproduces exactly when computed per",
        "docs/metrics.md with a build as of **2023-04-14T20:00+08:00**. A few real names (贵州茅台, 台积电 …) label",
        "synthetic values the note talks about.",
        "",
        "- `landing/<source>/<load_id>.parquet + .json`: the landing zone, written with",
        '  `ingestion.landing.land_frame(..., origin="demo", demo=True)`; every load is available by the',
        "  as-of moment and is fetched at the publication moment (registry `publication`) of the newest",
        "  period it holds, so no load contains a period that was not public yet.",
        "- Each load took the path real data takes. An akshare source's load is what its akshare function",
        "  returned when called through `ingestion.fetching.Fetcher` with the load's parameters, over the",
        "  simulated upstream (`simulator/`) serving the generator's synthetic series in each host's wire",
        "  format: akshare's own columns, dtypes and row order (the landing conforms representations and",
        "  records it in the manifest's `conversions`). A curated load is what the parser of `warehouse",
        "  ingest` reads from the CSV file an analyst would drop (`file_name` in the manifest).",
        "- What akshare's code changes on the way, compared with the series the generator made: the Sina",
        "  calendar gains 1992-05-04 (akshare appends it to whatever Sina sends); new funds come in the",
        "  order akshare asks the page for (集中认购期 descending), shareholder changes in the order of the",
        "  report's `sortColumns`, Shenwan analysis rows sorted by 发布日期 by akshare; EM klines return",
        "  日期 as text and 成交量 as integers, the SSE overview 单日情况 as a Categorical (conformed at",
        "  the landing). No value changes: each host encodes numbers so that akshare's scaling gives them back.",
        "- `published_figures.json`: one entry per published figure (mart, filter, column, expected,",
        "  tolerance = half the printed precision) for the marts tests; optional keys: `op` (`<`/`>` for",
        "  the note's qualitative claims) and `aggregate` (`count_negative`/`count_positive` over rows).",
        "- `tests/test_demo_snapshot.py` recomputes every figure from these raw frames with pandas.",
        "",
        "Codes the marts use for the figures: partners `russia, asean, africa, eu, us, japan, hong_kong,",
        "latin_america, australia, canada`; products `mechanical_electrical, high_tech, integrated_circuits,",
        "autos, bags, shoes, garments, toys, furniture`; CAAM `caam_{total,passenger,commercial,truck,bus,nev}_",
        "{production,sales}`, `caam_nev_penetration`, `caam_chinese_brand_sales`, `caam_chinese_brand_share`",
        "(its `yoy_change_pp` = share − share a year earlier); CCMA `ccma_excavator_sales`, `ccma_loader_sales`;",
        "SIA `sia_{world,americas,europe,japan,china,asia_pacific}`; IC `ic_exports`, `ic_imports`; Taiwan",
        "`tw_<code>`; paper `white_cardboard_index`, `cultural_paper`; valuation `all_a` with `scope_code`",
        "`000985`.",
        "",
        "## Size and history",
        "",
        "The snapshot must stay under 10 MB (`du -sh data/demo`), and every load costs at least two file",
        "system blocks, so history is sampled rather than complete:",
        "",
        f"- per-date market-wide sources (SZSE summary, SSE deal overview, SZSE margin, SSE ETF shares): {AGGREGATE};",
        f"- per-stock daily sources (margin detail SSE/SZSE, northbound holdings): {PER_STOCK} — they",
        f"  start well before 2023 but are daily only from {DAILY_FROM};",
        f"- snapshot sources (new funds, shareholder changes): {SNAPSHOTS}, each holding the last 7 weeks;",
        "- full-reload sources: a few reloads, each the whole history up to then (from 2021-01-04; the calendar from 2013);",
        "- curated monthly sources: one backfill file for 2021-2022, then one file per release in 2023;",
        "- the backdrop sources (gold, US yields and CPI, the dollar index): two full reloads each, from 2021;",
        "  concept boards: 20 boards, histories from 2023-03-13, the board list on the days that rank 2023-W15;",
        "- the per-stock universe is 248 stocks (8 per Shenwan level-1 industry, 6xxxxx on SSE, 0xxxxx/3xxxxx",
        "  on SZSE); full-size data is not part of the demo.",
        "",
        f"Totals: {len(loads)} loads, {total_rows:,} rows.",
        "",
        "## Sources",
        "",
        "| source | section | loads | rows | periods | first / last available (UTC) |",
        "|---|---|---:|---:|---|---|",
    ]
    sources = registry()
    for name, source in sources.items():
        group = by_source.get(name, [])
        rows = sum(ld.rows for ld in group)
        first = _fmt_period([ld.period_min for ld in group])
        last = max((ld.period_max for ld in group if ld.period_max), default="—")
        avail = f"{group[0].available_at[:16]} / {group[-1].available_at[:16]}" if group else "—"
        lines.append(
            f"| `{name}` | {SECTION_TITLES[source.section]} | {len(group)} | {rows:,} | {first} .. {last} | {avail} |"
        )
    lines += ["", "## Published figures and filler, per source", ""]
    for name, source in sources.items():
        published, schedule = NOTES.get(name, ("—", "—"))
        lines += [
            f"### `{name}` — {source.title}",
            "",
            f"- Published-figure rows: {published}",
            f"- Loads: {schedule}",
            "- Everything else in the source is filler.",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
