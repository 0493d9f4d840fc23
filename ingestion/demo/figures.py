"""The published figures of the demo week and month (report_spec.md, "Published figures").

One list, used three ways: the generator builds the data around these numbers, the generator
writes them to ``data/demo/published_figures.json`` (the contract the marts test reads), and
``tests/test_demo_snapshot.py`` recomputes each one from the landed raw frames.

Entry fields: ``id``, ``label`` (the note's wording), ``mart``, ``where`` (column -> value),
``column``, ``expected``, ``tolerance`` (half the printed precision). Optional: ``op``
(``"=="`` by default; ``"<"``/``">"`` for the note's qualitative claims, compared with
``expected``) and ``aggregate`` (``"count_negative"``/``"count_positive"``: count the matching
rows whose ``column`` is below/above zero instead of reading one row).
"""

from __future__ import annotations

from typing import Any

WEEK = "2023-W15"
EXPORT_MONTH = "2023-03-01"
SIA_MONTH = "2023-02-01"
PAPER_DATE = "2023-04-07"

# Shenwan level-1: code -> (801 index code, name); the seed dbt_project/seeds/shenwan_industries.csv
SW_L1: dict[str, tuple[str, str]] = {
    "110000": ("801010", "农林牧渔"),
    "220000": ("801030", "基础化工"),
    "230000": ("801040", "钢铁"),
    "240000": ("801050", "有色金属"),
    "270000": ("801080", "电子"),
    "280000": ("801880", "汽车"),
    "330000": ("801110", "家用电器"),
    "340000": ("801120", "食品饮料"),
    "350000": ("801130", "纺织服饰"),
    "360000": ("801140", "轻工制造"),
    "370000": ("801150", "医药生物"),
    "410000": ("801160", "公用事业"),
    "420000": ("801170", "交通运输"),
    "430000": ("801180", "房地产"),
    "450000": ("801200", "商贸零售"),
    "460000": ("801210", "社会服务"),
    "480000": ("801780", "银行"),
    "490000": ("801790", "非银金融"),
    "510000": ("801230", "综合"),
    "610000": ("801710", "建筑材料"),
    "620000": ("801720", "建筑装饰"),
    "630000": ("801730", "电力设备"),
    "640000": ("801890", "机械设备"),
    "650000": ("801740", "国防军工"),
    "710000": ("801750", "计算机"),
    "720000": ("801760", "传媒"),
    "730000": ("801770", "通信"),
    "740000": ("801950", "煤炭"),
    "750000": ("801960", "石油石化"),
    "760000": ("801970", "环保"),
    "770000": ("801980", "美容护理"),
}
SW_BY_NAME = {name: code for code, (_, name) in SW_L1.items()}

# ------------------------------------------------------------------ exports, March 2023
EXPORTS_MAR = 3155.9  # 亿美元
EXPORTS_YOY_MAR = 14.8
IMPORTS_YOY_MAR = -1.4
BALANCE_MAR = 881.9
# partner -> (name, March yoy, February yoy); the change in pp is what the note prints for the last six
PARTNERS: dict[str, tuple[str, float, float]] = {
    "russia": ("俄罗斯", 136.43, 32.73),
    "africa": ("非洲", 46.48, 7.67),
    "asean": ("东盟", 35.43, 33.69),
    "japan": ("日本", -4.81, 17.11),
    "australia": ("澳大利亚", 8.40, -20.24),  # +28.64 pp
    "latin_america": ("拉丁美洲", 13.96, -12.10),  # +26.06 pp
    "canada": ("加拿大", -0.80, -25.30),  # +24.50 pp
    "us": ("美国", 2.24, -21.83),  # +24.07 pp
    "eu": ("欧盟", 7.30, -12.21),  # +19.51 pp
    "hong_kong": ("中国香港", -7.27, -21.32),  # +14.05 pp
}
PARTNER_PP = {"australia": 28.64, "latin_america": 26.06, "canada": 24.5, "us": 24.07, "eu": 19.51, "hong_kong": 14.05}
# product -> (name, March yoy, February yoy)
PRODUCTS: dict[str, tuple[str, float, float]] = {
    "mechanical_electrical": ("机电产品", 12.3, -3.2),
    "high_tech": ("高新技术产品", -10.4, -15.6),
    "integrated_circuits": ("集成电路", -3.0, -10.6),
    "autos": ("汽车", 123.8, 65.2),
    "bags": ("箱包", 90.1, 12.4),
    "shoes": ("鞋靴", 32.27, 2.35),
    "garments": ("服装", 31.9, -8.7),
    "toys": ("玩具", 30.9, -9.8),
    "furniture": ("家具", 13.7, -12.6),
}
MECH_ELEC_MAR = 1819.04  # 亿美元, 57.64 % of exports

# ------------------------------------------------------------------ IC trade, March 2023
IC = {
    "exports": {"value": 131.05, "yoy": -2.96, "yoy_prev": -10.56, "yoy_3m": -17.17},
    "imports": {"value": 306.72, "yoy": -20.04, "yoy_prev": -19.07, "yoy_3m": -26.15},
}

# ------------------------------------------------------------------ CAAM, March 2023
# indicator -> (value, mom, yoy, yoy_3m, ytd, ytd_yoy); None = not published
CAAM: dict[str, tuple[float | None, ...]] = {
    "caam_total_production": (258.4, 27.2, 15.3, -2.38, None, None),
    "caam_total_sales": (245.1, 24.0, 9.7, -3.9, None, None),
    "caam_passenger_production": (214.9, 25.3, 14.3, None, None, None),
    "caam_passenger_sales": (201.7, 22.0, 8.2, None, None, None),
    "caam_commercial_production": (43.4, 37.1, 20.4, None, None, None),
    "caam_commercial_sales": (43.4, 34.2, 17.4, None, None, None),
    "caam_truck_production": (38.7, None, 19.0, None, None, None),
    "caam_truck_sales": (38.9, None, 17.0, None, None, None),
    "caam_bus_production": (4.8, None, 33.4, None, None, None),
    "caam_bus_sales": (4.5, None, 20.2, None, None, None),
    "caam_nev_production": (67.4, None, 44.8, 29.58, 165.0, 27.7),
    "caam_nev_sales": (65.3, None, 34.8, 28.88, 158.6, 26.2),
}
NEV_PENETRATION = 26.6
BRAND_SALES = 105.2
BRAND_SHARE = 52.1
BRAND_SHARE_PP = 3.7

# ------------------------------------------------------------------ CCMA, March 2023
CCMA = {
    "ccma_excavator_sales": {"value": 25578, "yoy": -31.03, "yoy_3m": -25.50, "ytd": 57471, "ytd_yoy": -25.53},
    "ccma_loader_sales": {"value": 13080, "yoy": -14.60, "yoy_3m": -8.95, "ytd": 29283, "ytd_yoy": -7.88},
}

# ------------------------------------------------------------------ SIA, February 2023 (亿美元)
SIA: dict[str, tuple[str, float, float]] = {
    "sia_world": ("全球", 396.8, -20.7),
    "sia_americas": ("美洲", 99.5, -14.8),
    "sia_europe": ("欧洲", 44.7, -0.90),
    "sia_japan": ("日本", 39.0, 1.2),
    "sia_china": ("中国", 109.7, -34.2),
    "sia_asia_pacific": ("亚太", 213.6, -28.8),
}

# ------------------------------------------------------------------ Taiwan, March 2023 revenue yoy
# code -> (name, segment, March yoy, change vs February in pp or None where the note gives none)
TAIWAN: dict[str, tuple[str, str, float, float | None]] = {
    "3034": ("联咏", "IC设计", -26.37, 8.46),
    "2330": ("台积电", "晶圆代工", -15.44, None),
    "2303": ("联电", "晶圆代工", -20.11, -1.47),
    "5347": ("世界", "晶圆代工", -50.67, -9.19),
    "3105": ("稳懋", "晶圆代工", -50.47, 1.61),
    "2408": ("南科", "存储器", -68.15, 0.35),
    "2344": ("华邦电", "存储器", -25.31, 7.92),
    "2337": ("旺宏", "存储器", -33.67, 9.24),
    "3189": ("景硕", "PCB", -30.52, -3.02),
    "2327": ("国巨", "被动元件", -15.24, None),
    "3008": ("大立光", "光学", -11.91, -9.80),
}

# ------------------------------------------------------------------ paper, 2023-04-07
PAPER = {
    "white_cardboard_index": ("白卡纸价格指数", 97.17, 3.56),
    "cultural_paper": ("文化纸价格", 5043.33, -3.20),
}

# ------------------------------------------------------------------ fund flows, week 2023-W15
NORTHBOUND = 47.6  # 亿元
SOUTHBOUND = 64.0  # 亿港元
MARGIN_NET = 89.8  # 亿元, Monday..Thursday
NEW_FUNDS = 15.9  # 亿份
NEW_FUNDS_PREV = 19.1
ETF_VALUE = 19.2  # 亿元
STOCK_ETF_SHARES = 86.7  # 亿份
ETF_GROUPS: dict[str, float] = {
    "csi300": -3.9,
    "chinext": -13.5,
    "csi500": -5.9,
    "sse50": -1.1,
    "star_chinext50": -6.5,
    "information_technology": -13.1,
    "consumer": 11.8,
    "healthcare": 78.7,
    "brokers": 9.0,
    "financials_real_estate": 10.4,
    "defense": 1.3,
    "materials": 0.4,
    "nev_smart_auto": 17.4,
}
ETF_GROUP_NAMES = {
    "csi300": "沪深300",
    "chinext": "创业板",
    "csi500": "中证500",
    "sse50": "上证50",
    "star_chinext50": "双创50",
    "information_technology": "信息技术",
    "consumer": "消费",
    "healthcare": "医药",
    "brokers": "券商",
    "financials_real_estate": "金融地产",
    "defense": "军工",
    "materials": "原材料",
    "nev_smart_auto": "新能源&智能汽车",
}
NORTHBOUND_INDUSTRY = {
    "有色金属": 31.0,
    "公用事业": 15.1,
    "传媒": 12.4,
    "非银金融": -17.6,
    "家用电器": -8.7,
    "食品饮料": -6.5,
}
NORTHBOUND_TOP = ["有色金属", "公用事业", "传媒"]
NORTHBOUND_BOTTOM = ["非银金融", "家用电器", "食品饮料"]  # rank 31, 30, 29
MARGIN_INDUSTRY_TOP = ["传媒", "食品饮料", "计算机"]
MARGIN_MEDIA = 30.7
SHAREHOLDER_INCREASE = 25.8
SHAREHOLDER_DECREASE = 49.3
SHAREHOLDER_NET = -23.5
PLANNED_REDUCTION = 38.4
TURNOVER = 11389.0  # 亿元, average per trading day
INDEX_RETURNS = {"000985": -0.54, "399006": -0.77, "000300": -0.76}
INDEX_LABELS = {"000985": "Wind全A(中证全指)周涨跌幅", "399006": "创业板指周涨跌幅", "000300": "沪深300周涨跌幅"}
PE_ALL_A = 14.7
PE_ALL_A_PREV = 14.6
PE_ALL_A_CHANGE = 0.1
PE_ALL_A_PCTILE = 39.9
BEST_INDUSTRY = "医药生物"

# ------------------------------------------------------------------ themes, stocks, trade structure (the note's words)
# 主题·风向: 「本周涨幅居前的主要为影视、西安自贸区、IP流量变现」 (weekly returns are synthetic)
THEMES_TOP = ["影视", "西安自贸区", "IP流量变现"]
# 个股: the stocks the note names, in its order (flows synthetic, see stocks.py)
NORTHBOUND_STOCKS_TOP = {"601919": "中远海控", "688111": "金山办公", "601689": "拓普集团"}
NORTHBOUND_STOCKS_BOTTOM = {"600519": "贵州茅台", "601318": "中国平安", "603259": "药明康德"}
MARGIN_STOCKS_TOP = {"600519": "贵州茅台", "300418": "昆仑万维", "000977": "浪潮信息"}
MARGIN_STOCKS_BOTTOM = {"601689": "拓普集团", "601138": "工业富联", "688012": "中微公司"}
# 出口 structure: share of China's total trade, 2021-22 against 2018-19 (%)
TRADE_WINDOW = "2021-2022"
TRADE_BASE_WINDOW = "2018-2019"
ASEAN_SHARE_BEFORE = 13.4
ASEAN_SHARE_AFTER = 15.0
EU_SHARE_AFTER = 13.5
EU_SHARE_CHANGE_PP = -1.5


def _e(
    id_: str, label: str, mart: str, where: dict[str, Any], column: str, expected: float, tol: float, **extra: Any
) -> dict[str, Any]:
    return {
        "id": id_,
        "label": label,
        "mart": mart,
        "where": where,
        "column": column,
        "expected": expected,
        "tolerance": tol,
        **extra,
    }


def _tol(value: float, printed: str | None = None) -> float:
    """Half the printed precision of ``printed`` (default: the value as the note prints it)."""
    text = printed if printed is not None else repr(value)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return round(0.5 * 10 ** (-decimals), decimals + 1)


def published_figures(sw_pe_counts: tuple[int, int]) -> list[dict[str, Any]]:
    """Every published figure as a marts test entry. ``sw_pe_counts`` = (industries whose PE fell, rose)."""
    out: list[dict[str, Any]] = []
    ex, cyc = "mart_exports_monthly", "mart_industry_cycle_monthly"
    m = {"month": EXPORT_MONTH}

    # exports headline
    out += [
        _e(
            "exports_value",
            "3月出口金额(亿美元)",
            ex,
            {**m, "dimension": "total", "member": "exports"},
            "value_usd_100m",
            EXPORTS_MAR,
            0.05,
        ),
        _e(
            "exports_yoy",
            "3月出口同比(%)",
            ex,
            {**m, "dimension": "total", "member": "exports"},
            "yoy_pct",
            EXPORTS_YOY_MAR,
            0.05,
        ),
        _e(
            "exports_yoy_prev_negative",
            "出口同比自2022年9月以来首次转正(2月同比<0)",
            ex,
            {**m, "dimension": "total", "member": "exports"},
            "yoy_pct_prev",
            0.0,
            0.0,
            op="<",
        ),
        _e(
            "imports_yoy",
            "3月进口同比(%)",
            ex,
            {**m, "dimension": "total", "member": "imports"},
            "yoy_pct",
            IMPORTS_YOY_MAR,
            0.05,
        ),
        _e(
            "trade_balance",
            "3月贸易顺差(亿美元)",
            ex,
            {**m, "dimension": "total", "member": "trade_balance"},
            "value_usd_100m",
            BALANCE_MAR,
            0.05,
        ),
    ]
    for code, (name, yoy, prev) in PARTNERS.items():
        where = {**m, "dimension": "partner", "member": code}
        if code in PARTNER_PP:
            pp = PARTNER_PP[code]
            out.append(
                _e(
                    f"partner_{code}_yoy_change_pp",
                    f"对{name}出口同比改善(百分点)",
                    ex,
                    where,
                    "yoy_change_pp",
                    pp,
                    _tol(pp, f"{pp:g}"),
                )
            )
        else:
            out.append(_e(f"partner_{code}_yoy", f"对{name}出口3月同比(%)", ex, where, "yoy_pct", yoy, 0.005))
            out.append(
                _e(f"partner_{code}_yoy_prev", f"对{name}出口2月同比(%)", ex, where, "yoy_pct_prev", prev, 0.005)
            )
    pw = {**m, "dimension": "product"}
    out += [
        _e(
            "product_mech_elec_value",
            "3月机电产品出口(亿美元)",
            ex,
            {**pw, "member": "mechanical_electrical"},
            "value_usd_100m",
            MECH_ELEC_MAR,
            0.005,
        ),
        _e(
            "product_mech_elec_share",
            "机电产品占出口总额(%)",
            ex,
            {**pw, "member": "mechanical_electrical"},
            "share_pct",
            57.64,
            0.005,
        ),
        _e(
            "product_mech_elec_yoy_prev",
            "机电产品2月同比(%)",
            ex,
            {**pw, "member": "mechanical_electrical"},
            "yoy_pct_prev",
            -3.2,
            0.05,
        ),
    ]
    for code, (name, yoy, _prev) in PRODUCTS.items():
        printed = {"shoes": "32.27"}.get(code, f"{yoy:.1f}")
        out.append(
            _e(
                f"product_{code}_yoy",
                f"{name}出口3月同比(%)",
                ex,
                {**pw, "member": code},
                "yoy_pct",
                yoy,
                _tol(yoy, printed),
            )
        )

    # IC trade
    for direction, fig in IC.items():
        where = {**m, "category": "ic_trade", "indicator": f"ic_{direction}"}
        label = "集成电路出口" if direction == "exports" else "集成电路进口"
        out += [
            _e(f"ic_{direction}_value", f"3月{label}(亿美元)", cyc, where, "value", fig["value"], 0.005),
            _e(f"ic_{direction}_yoy", f"3月{label}同比(%)", cyc, where, "yoy_pct", fig["yoy"], 0.005),
            _e(f"ic_{direction}_yoy_prev", f"2月{label}同比(%)", cyc, where, "yoy_pct_prev", fig["yoy_prev"], 0.005),
            _e(f"ic_{direction}_yoy_3m", f"{label}三个月滚动同比(%)", cyc, where, "yoy_3m_pct", fig["yoy_3m"], 0.005),
        ]

    # CAAM
    names = {
        "total": "汽车",
        "passenger": "乘用车",
        "commercial": "商用车",
        "truck": "货车",
        "bus": "客车",
        "nev": "新能源汽车",
    }
    for indicator, (value, mom, yoy, yoy3m, ytd, ytd_yoy) in CAAM.items():
        cat = indicator.split("_")[1]
        what = "产量" if indicator.endswith("production") else "销量"
        where = {**m, "category": "autos", "indicator": indicator}
        label = f"3月{names[cat]}{what}"
        out.append(_e(f"{indicator}_value", f"{label}(万辆)", cyc, where, "value", value, 0.05))
        if mom is not None:
            out.append(_e(f"{indicator}_mom", f"{label}环比(%)", cyc, where, "mom_pct", mom, 0.05))
        out.append(_e(f"{indicator}_yoy", f"{label}同比(%)", cyc, where, "yoy_pct", yoy, 0.05))
        if yoy3m is not None:
            out.append(
                _e(
                    f"{indicator}_yoy_3m",
                    f"{label}三个月滚动同比(%)",
                    cyc,
                    where,
                    "yoy_3m_pct",
                    yoy3m,
                    _tol(yoy3m, f"{yoy3m:g}"),
                )
            )
        if ytd is not None:
            out.append(
                _e(
                    f"{indicator}_ytd",
                    f"一季度{names[cat]}{what}(万辆)",
                    cyc,
                    where,
                    "ytd_value",
                    ytd,
                    0.5 if ytd == 165.0 else 0.05,
                )
            )
            out.append(
                _e(f"{indicator}_ytd_yoy", f"一季度{names[cat]}{what}同比(%)", cyc, where, "ytd_yoy_pct", ytd_yoy, 0.05)
            )
    out += [
        _e(
            "caam_nev_penetration",
            "新能源汽车市场占有率(%)",
            cyc,
            {**m, "category": "autos", "indicator": "caam_nev_penetration"},
            "value",
            NEV_PENETRATION,
            0.05,
        ),
        _e(
            "caam_chinese_brand_sales",
            "中国品牌乘用车销量(万辆)",
            cyc,
            {**m, "category": "autos", "indicator": "caam_chinese_brand_sales"},
            "value",
            BRAND_SALES,
            0.05,
        ),
        _e(
            "caam_chinese_brand_share",
            "中国品牌乘用车市场份额(%)",
            cyc,
            {**m, "category": "autos", "indicator": "caam_chinese_brand_share"},
            "value",
            BRAND_SHARE,
            0.05,
        ),
        _e(
            "caam_chinese_brand_share_pp",
            "中国品牌乘用车份额同比变化(百分点)",
            cyc,
            {**m, "category": "autos", "indicator": "caam_chinese_brand_share"},
            "yoy_change_pp",
            BRAND_SHARE_PP,
            0.05,
        ),
    ]

    # CCMA
    for indicator, fig in CCMA.items():
        name = "挖掘机" if "excavator" in indicator else "装载机"
        where = {**m, "category": "machinery", "indicator": indicator}
        out += [
            _e(f"{indicator}_value", f"3月{name}销量(台)", cyc, where, "value", fig["value"], 0.5),
            _e(f"{indicator}_yoy", f"3月{name}销量同比(%)", cyc, where, "yoy_pct", fig["yoy"], 0.005),
            _e(f"{indicator}_yoy_3m", f"{name}销量三个月滚动同比(%)", cyc, where, "yoy_3m_pct", fig["yoy_3m"], 0.005),
            _e(f"{indicator}_ytd", f"一季度{name}累计销量(台)", cyc, where, "ytd_value", fig["ytd"], 0.5),
            _e(
                f"{indicator}_ytd_yoy", f"一季度{name}累计销量同比(%)", cyc, where, "ytd_yoy_pct", fig["ytd_yoy"], 0.005
            ),
        ]

    # SIA (February)
    for indicator, (name, value, yoy) in SIA.items():
        where = {"month": SIA_MONTH, "category": "semiconductors", "indicator": indicator}
        out.append(_e(f"{indicator}_value", f"2月{name}半导体销售额(亿美元)", cyc, where, "value", value, 0.05))
        out.append(
            _e(
                f"{indicator}_yoy",
                f"2月{name}半导体销售额同比(%)",
                cyc,
                where,
                "yoy_pct",
                yoy,
                0.005 if indicator == "sia_europe" else 0.05,
            )
        )

    # Taiwan
    for code, (name, _segment, yoy, pp) in TAIWAN.items():
        where = {**m, "category": "taiwan_revenue", "indicator": f"tw_{code}"}
        out.append(_e(f"tw_{code}_yoy", f"{name}3月营收同比(%)", cyc, where, "yoy_pct", yoy, 0.005))
        if pp is not None:
            out.append(
                _e(
                    f"tw_{code}_yoy_change_pp",
                    f"{name}营收同比较上月变化(百分点)",
                    cyc,
                    where,
                    "yoy_change_pp",
                    pp,
                    0.005,
                )
            )

    # paper
    for product, (name, price, wow) in PAPER.items():
        where = {"week_id": WEEK, "price_date": PAPER_DATE, "product": product}
        out.append(
            _e(f"paper_{product}_price", f"{name}(4月7日)", "mart_paper_prices_weekly", where, "price", price, 0.005)
        )
        out.append(
            _e(f"paper_{product}_wow", f"{name}周环比(%)", "mart_paper_prices_weekly", where, "wow_pct", wow, 0.005)
        )

    # fund flows
    ff = "mart_fund_flows_weekly"
    w = {"week_id": WEEK}
    out += [
        _e(
            "northbound_net_buy",
            "北上资金本周净流入(亿元)",
            ff,
            {**w, "flow": "northbound_net_buy"},
            "value",
            NORTHBOUND,
            0.05,
        ),
        _e(
            "southbound_net_buy",
            "南向资金本周净流入(亿港元)",
            ff,
            {**w, "flow": "southbound_net_buy"},
            "value",
            SOUTHBOUND,
            0.5,
        ),
        _e(
            "margin_financing_net_buy",
            "融资资金前四个交易日净流入(亿元)",
            ff,
            {**w, "flow": "margin_financing_net_buy"},
            "value",
            MARGIN_NET,
            0.05,
        ),
        _e(
            "margin_financing_days_covered",
            "融资数据覆盖交易日数(前四个交易日)",
            ff,
            {**w, "flow": "margin_financing_net_buy"},
            "days_covered",
            4,
            0,
        ),
        _e(
            "new_equity_fund_shares",
            "新成立偏股类公募基金(亿份)",
            ff,
            {**w, "flow": "new_equity_fund_shares"},
            "value",
            NEW_FUNDS,
            0.05,
        ),
        _e(
            "new_equity_fund_shares_prev",
            "上周新成立偏股类公募基金(亿份)",
            ff,
            {**w, "flow": "new_equity_fund_shares"},
            "prev_value",
            NEW_FUNDS_PREV,
            0.05,
        ),
        _e(
            "new_equity_fund_shares_change",
            "新成立偏股类基金较前期变化(亿份)",
            ff,
            {**w, "flow": "new_equity_fund_shares"},
            "change",
            round(NEW_FUNDS - NEW_FUNDS_PREV, 1),
            0.05,
        ),
        _e(
            "etf_net_subscription_value",
            "ETF净申购对应净流入(亿元)",
            ff,
            {**w, "flow": "etf_net_subscription_value"},
            "value",
            ETF_VALUE,
            0.05,
        ),
        _e(
            "stock_etf_net_subscription_shares",
            "股票型ETF净申购(亿份)",
            ff,
            {**w, "flow": "stock_etf_net_subscription_shares"},
            "value",
            STOCK_ETF_SHARES,
            0.05,
        ),
        _e(
            "shareholder_increase",
            "重要股东增持(亿元)",
            ff,
            {**w, "flow": "shareholder_increase"},
            "value",
            SHAREHOLDER_INCREASE,
            0.05,
        ),
        _e(
            "shareholder_decrease",
            "重要股东减持(亿元)",
            ff,
            {**w, "flow": "shareholder_decrease"},
            "value",
            SHAREHOLDER_DECREASE,
            0.05,
        ),
        _e(
            "shareholder_net_change",
            "重要股东净减持(亿元)",
            ff,
            {**w, "flow": "shareholder_net_change"},
            "value",
            SHAREHOLDER_NET,
            0.05,
        ),
        _e(
            "planned_reduction",
            "本周公告的计划减持规模(亿元)",
            ff,
            {**w, "flow": "planned_reduction"},
            "value",
            PLANNED_REDUCTION,
            0.05,
        ),
    ]
    for group, value in ETF_GROUPS.items():
        out.append(
            _e(
                f"etf_{group}",
                f"{ETF_GROUP_NAMES[group]}ETF净申购(亿份)",
                "mart_etf_flows_weekly",
                {**w, "etf_group": group},
                "net_shares_change_100m",
                value,
                0.05,
            )
        )

    fi = "mart_fund_flows_by_industry_weekly"
    for name, value in NORTHBOUND_INDUSTRY.items():
        where = {**w, "flow": "northbound_net_buy", "industry_code": SW_BY_NAME[name]}
        out.append(_e(f"northbound_{SW_BY_NAME[name]}", f"北上资金净买入{name}(亿元)", fi, where, "value", value, 0.05))
    for rank, name in enumerate(NORTHBOUND_TOP, start=1):
        where = {**w, "flow": "northbound_net_buy", "industry_code": SW_BY_NAME[name]}
        out.append(_e(f"northbound_rank_{rank}", f"北上资金净买入第{rank}:{name}", fi, where, "rank_desc", rank, 0))
    for rank, name in zip((31, 30, 29), NORTHBOUND_BOTTOM, strict=True):
        where = {**w, "flow": "northbound_net_buy", "industry_code": SW_BY_NAME[name]}
        out.append(
            _e(f"northbound_rank_{rank}", f"北上资金净卖出第{32 - rank}:{name}", fi, where, "rank_desc", rank, 0)
        )
    where = {**w, "flow": "margin_financing_net_buy", "industry_code": SW_BY_NAME["传媒"]}
    out.append(_e("margin_720000", "融资资金净买入传媒(亿元)", fi, where, "value", MARGIN_MEDIA, 0.05))
    for rank, name in enumerate(MARGIN_INDUSTRY_TOP, start=1):
        where = {**w, "flow": "margin_financing_net_buy", "industry_code": SW_BY_NAME[name]}
        out.append(_e(f"margin_rank_{rank}", f"融资资金净买入第{rank}:{name}", fi, where, "rank_desc", rank, 0))

    # market review
    out.append(
        _e(
            "turnover_avg",
            "本周日均成交(亿元)",
            "mart_turnover_weekly",
            w,
            "avg_daily_turnover_cny_100m",
            TURNOVER,
            0.5,
        )
    )
    out.append(
        _e(
            "turnover_lower_than_last_week",
            "日均成交较上周回落(变化%<0)",
            "mart_turnover_weekly",
            w,
            "change_pct",
            0.0,
            0.0,
            op="<",
        )
    )
    for code, value in INDEX_RETURNS.items():
        out.append(
            _e(
                f"index_{code}_weekly_return",
                INDEX_LABELS[code] + "(%)",
                "mart_market_weekly",
                {**w, "index_code": code},
                "weekly_return_pct",
                value,
                0.005,
            )
        )
    best = SW_L1[SW_BY_NAME[BEST_INDUSTRY]][0]
    out.append(
        _e(
            "industry_best",
            "申万一级行业周涨幅第一:医药生物",
            "mart_industry_returns_weekly",
            {**w, "industry_code": best},
            "rank_desc",
            1,
            0,
        )
    )

    # valuation
    va = "mart_valuation_weekly"
    aw = {**w, "scope": "all_a", "scope_code": "000985"}
    out += [
        _e("pe_all_a", "全部A股PE(TTM)", va, aw, "pe_ttm", PE_ALL_A, 0.05),
        _e("pe_all_a_prev", "上周全部A股PE(TTM)", va, aw, "pe_ttm_prev", PE_ALL_A_PREV, 0.05),
        _e("pe_all_a_change", "全部A股PE(TTM)较上周变化", va, aw, "pe_ttm_change", PE_ALL_A_CHANGE, 0.05),
        _e("pe_all_a_pctile", "全部A股PE(TTM)历史分位数(%)", va, aw, "pe_ttm_pctile_all", PE_ALL_A_PCTILE, 0.05),
    ]
    # themes, stock leaders and the trade structure
    out += _theme_and_structure_figures(w)
    down, up = sw_pe_counts
    sw = {**w, "scope": "sw_l1"}
    out += [
        _e(
            "sw_l1_pe_down_count",
            "申万一级行业PE下跌家数(板块估值多数下跌)",
            va,
            sw,
            "pe_ttm_change",
            down,
            0,
            aggregate="count_negative",
        ),
        _e("sw_l1_pe_up_count", "申万一级行业PE上涨家数", va, sw, "pe_ttm_change", up, 0, aggregate="count_positive"),
    ]
    return out


def _theme_and_structure_figures(w: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for rank, name in enumerate(THEMES_TOP, start=1):
        out.append(
            _e(
                f"theme_rank_{rank}",
                f"本周涨幅居前的主题第{rank}:{name}",
                "mart_theme_returns_weekly",
                {**w, "board_name": name},
                "rank_desc",
                rank,
                0,
            )
        )
    leaders = "mart_stock_flow_leaders_weekly"
    for flow, label, groups in (
        (
            "northbound_net_buy",
            "北上资金",
            ((NORTHBOUND_STOCKS_TOP, "rank_desc", "净买入"), (NORTHBOUND_STOCKS_BOTTOM, "rank_asc", "净卖出")),
        ),
        (
            "margin_financing_net_buy",
            "融资",
            ((MARGIN_STOCKS_TOP, "rank_desc", "净买入"), (MARGIN_STOCKS_BOTTOM, "rank_asc", "净卖出")),
        ),
    ):
        short = "northbound" if flow == "northbound_net_buy" else "margin"
        for stocks, column, word in groups:
            for rank, (code, name) in enumerate(stocks.items(), start=1):
                out.append(
                    _e(
                        f"{short}_stock_{column}_{rank}",
                        f"{label}{word}规模第{rank}的个股:{name}",
                        leaders,
                        {**w, "flow": flow, "stock_code": code},
                        column,
                        rank,
                        0,
                    )
                )
    ts = "mart_trade_structure_yearly"
    asean = {"period_label": TRADE_WINDOW, "partner": "asean"}
    eu = {"period_label": TRADE_WINDOW, "partner": "eu"}
    out += [
        _e(
            "trade_share_asean_before",
            "对东南亚国家进出口占比(2018-19年均值,%)",
            ts,
            asean,
            "base_share_pct",
            ASEAN_SHARE_BEFORE,
            0.05,
        ),
        _e(
            "trade_share_asean_after",
            "对东南亚国家进出口占比(2021-22年均值,%)",
            ts,
            asean,
            "share_pct",
            ASEAN_SHARE_AFTER,
            0.05,
        ),
        _e("trade_share_eu_after", "对欧盟进出口占比(2021-22年均值,%)", ts, eu, "share_pct", EU_SHARE_AFTER, 0.05),
        _e(
            "trade_share_eu_change_pp",
            "对欧盟进出口占比变化(百分点)",
            ts,
            eu,
            "share_change_pp",
            EU_SHARE_CHANGE_PP,
            0.05,
        ),
    ]
    return out
