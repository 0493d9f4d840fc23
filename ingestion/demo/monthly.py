"""Monthly and weekly series: customs (headline, partners, products, IC), CAAM, CCMA, SIA,
Taiwan revenue, CPCA and paper prices.

Values are plain dicts ``{month: value}`` (month = first day). Where the note publishes a yoy,
the month a year earlier is derived from it, so the yoy computed from landed values agrees with
the published one; yoy_3m figures pin one base month more.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import numpy as np

from ingestion.demo import figures as F
from ingestion.demo.common import add_months, months, rng
from ingestion.demo.series import bridge, pct

D = date
MONTHS = months(D(2021, 1, 1), D(2023, 3, 1))  # what the demo lands
ALL_MONTHS = months(D(2020, 1, 1), D(2023, 3, 1))  # 2020 only feeds the published 2021 yoy
MAR23, FEB23, JAN23 = D(2023, 3, 1), D(2023, 2, 1), D(2023, 1, 1)
MAR22, FEB22, JAN22 = D(2022, 3, 1), D(2022, 2, 1), D(2022, 1, 1)
DEC22, DEC21 = D(2022, 12, 1), D(2021, 12, 1)

Series = dict[date, float]


def ago(month: date, n: int = 12) -> date:
    return add_months(month, -n)


def yoy(series: Series, month: date) -> float | None:
    base = series.get(ago(month))
    return None if base in (None, 0) else pct(series[month], base)


def ytd(series: Series, month: date) -> float:
    return sum(v for m, v in series.items() if m.year == month.year and m <= month)


def ytd_yoy(series: Series, month: date) -> float | None:
    if ago(month) not in series or D(month.year - 1, 1, 1) not in series:
        return None
    return pct(ytd(series, month), ytd(series, ago(month)))


def yoy_3m(series: Series, month: date) -> float:
    now = sum(series[add_months(month, -k)] for k in range(3))
    before = sum(series[add_months(month, -12 - k)] for k in range(3))
    return pct(now, before)


def seasonal(
    base: float, g: np.random.Generator, trend: float, noise: float, shape: list[float] | None = None
) -> Series:
    """A monthly series 2020-01..2023-03: base x seasonal shape x yearly trend x noise."""
    shape = shape or [1.0] * 12
    out = {}
    for m in ALL_MONTHS:
        years = (m.year - 2020) + (m.month - 1) / 12
        out[m] = base * shape[m.month - 1] * (1 + trend) ** years * float(np.exp(g.normal(0, noise)))
    return out


def rounded(series: Series, digits: int) -> Series:
    return {m: round(v, digits) for m, v in series.items()}


EXPORT_SHAPE = [0.98, 0.72, 0.88, 0.95, 1.0, 1.04, 1.05, 1.07, 1.1, 1.03, 1.08, 1.12]


# ------------------------------------------------------------------ customs headline (亿美元)
@cache
def customs_headline() -> dict[str, Series]:
    exports = {
        **dict(
            zip(
                months(D(2021, 1, 1), D(2021, 12, 1)),
                [2641.5, 2051.2, 2412.8, 2625.4, 2640.1, 2795.6, 2820.3, 2925.9, 3040.7, 2983.5, 3251.4, 3388.2],
                strict=True,
            )
        ),
        **dict(
            zip(
                months(D(2022, 1, 1), D(2022, 12, 1)),
                [
                    3225.8,
                    2160.4,
                    round(F.EXPORTS_MAR / (1 + F.EXPORTS_YOY_MAR / 100), 2),
                    2702.3,
                    3050.6,
                    3241.9,
                    3282.5,
                    3110.2,
                    3190.8,
                    2941.3,
                    2911.7,
                    2975.4,
                ],
                strict=True,
            )
        ),
        JAN23: 2838.6,
        FEB23: 2091.5,
        MAR23: F.EXPORTS_MAR,
    }
    imports_mar = round(F.EXPORTS_MAR - F.BALANCE_MAR, 2)
    imports = {
        **dict(
            zip(
                months(D(2021, 1, 1), D(2021, 12, 1)),
                [2019.6, 1702.4, 2288.7, 2220.5, 2209.8, 2312.4, 2258.1, 2351.6, 2365.2, 2152.8, 2526.3, 2471.9],
                strict=True,
            )
        ),
        **dict(
            zip(
                months(D(2022, 1, 1), D(2022, 12, 1)),
                [
                    2436.5,
                    1893.2,
                    round(imports_mar / (1 + F.IMPORTS_YOY_MAR / 100), 2),
                    2231.4,
                    2282.6,
                    2297.5,
                    2288.0,
                    2339.1,
                    2355.7,
                    2121.9,
                    2244.8,
                    2281.5,
                ],
                strict=True,
            )
        ),
        JAN23: 1921.8,
        FEB23: 1970.2,
        MAR23: imports_mar,
    }
    exp_2021 = [24.7, 154.9, 30.6, 32.3, 27.9, 32.2, 19.3, 25.6, 28.1, 27.1, 22.0, 20.9]
    imp_2021 = [28.9, 18.8, 38.1, 43.1, 51.1, 36.7, 28.1, 33.1, 17.6, 20.6, 31.7, 19.5]
    for k, m in enumerate(months(D(2020, 1, 1), D(2020, 12, 1))):
        exports[m] = round(exports[add_months(m, 12)] / (1 + exp_2021[k] / 100), 2)
        imports[m] = round(imports[add_months(m, 12)] / (1 + imp_2021[k] / 100), 2)
    return {"exports": dict(sorted(exports.items())), "imports": dict(sorted(imports.items()))}


def release_day(reference: date) -> date:
    """Release date of a month's customs figures (jin10): Jan-Feb together early March, else the 7th-13th."""
    nxt = add_months(reference, 1)
    day = {1: 13, 3: 7, 4: 13, 5: 9, 6: 7, 7: 13, 8: 7, 9: 7, 10: 13, 11: 7, 12: 7}.get(nxt.month, 7)
    out = nxt.replace(day=day)
    while out.weekday() >= 5:
        out += timedelta(days=1)
    return out


@cache
def jin10_releases() -> list[dict[str, object]]:
    """One row per customs release since January 2021: reference months, release day, yoy and balance."""
    h = customs_headline()
    refs: list[list[date]] = []
    for m in months(D(2020, 12, 1), MAR23):
        if m.month == 1:
            continue
        refs.append([ago(m, 1), m] if m.month == 2 else [m])
    out = []
    for group in refs:
        exp_now = sum(h["exports"][m] for m in group)
        exp_before = sum(h["exports"][ago(m)] for m in group) if all(ago(m) in h["exports"] for m in group) else None
        imp_now = sum(h["imports"][m] for m in group)
        imp_before = sum(h["imports"][ago(m)] for m in group) if all(ago(m) in h["imports"] for m in group) else None
        month = group[-1]
        if month == MAR23:
            exp_yoy, imp_yoy = F.EXPORTS_YOY_MAR, F.IMPORTS_YOY_MAR
        else:
            g = rng("jin10", month)
            exp_yoy = round(pct(exp_now, exp_before), 1) if exp_before else round(float(g.normal(18, 3)), 1)
            imp_yoy = round(pct(imp_now, imp_before), 1) if imp_before else round(float(g.normal(6, 3)), 1)
        out.append(
            {
                "months": group,
                "day": release_day(month),
                "exports_yoy": exp_yoy,
                "imports_yoy": imp_yoy,
                "balance": round(exp_now - imp_now, 1),
            }
        )
    return out


# ------------------------------------------------------------------ customs by partner and product (亿美元)
PARTNER_SHARE = {
    "russia": 0.02,
    "asean": 0.155,
    "africa": 0.05,
    "eu": 0.155,
    "us": 0.165,
    "japan": 0.048,
    "hong_kong": 0.088,
    "latin_america": 0.072,
    "australia": 0.022,
    "canada": 0.015,
}


def _pin_year_before(series: Series, month: date, published: float) -> None:
    series[ago(month)] = series[month] / (1 + published / 100)


@cache
def partners() -> dict[str, dict[str, Series]]:
    h = customs_headline()
    out = {}
    for code, share in PARTNER_SHARE.items():
        g = rng("partner", code)
        exports = {m: share * h["exports"][m] * float(np.exp(g.normal(0, 0.06))) for m in ALL_MONTHS}
        imports = {m: share * 0.9 * h["imports"][m] * float(np.exp(g.normal(0, 0.08))) for m in ALL_MONTHS}
        _, mar, feb = F.PARTNERS[code]
        _pin_year_before(exports, MAR23, mar)
        _pin_year_before(exports, FEB23, feb)
        out[code] = {
            "exports": rounded({m: v * 1e4 for m, v in exports.items()}, 0),
            "imports": rounded({m: v * 1e4 for m, v in imports.items()}, 0),
        }
    return out


PRODUCT_SHARE = {
    "mechanical_electrical": 0.575,
    "high_tech": 0.25,
    "autos": 0.022,
    "bags": 0.0095,
    "shoes": 0.015,
    "garments": 0.038,
    "toys": 0.0105,
    "furniture": 0.02,
}


@cache
def products() -> dict[str, Series]:
    h = customs_headline()
    out = {}
    for code, share in PRODUCT_SHARE.items():
        g = rng("product", code)
        series = {m: share * h["exports"][m] * float(np.exp(g.normal(0, 0.05))) for m in ALL_MONTHS}
        if code == "mechanical_electrical":
            series[MAR23] = F.MECH_ELEC_MAR
        if code == "autos":  # car exports doubled in a year
            for m in ALL_MONTHS:
                series[m] *= 0.45 + 0.55 * (ALL_MONTHS.index(m) / len(ALL_MONTHS)) ** 2 * 2.6
        _, mar, feb = F.PRODUCTS[code]
        _pin_year_before(series, MAR23, mar)
        _pin_year_before(series, FEB23, feb)
        out[code] = rounded({m: v * 1e4 for m, v in series.items()}, 0)
    out["integrated_circuits"] = ic_trade()["exports"]
    return out


# ------------------------------------------------------------------ IC trade (万美元)
@cache
def ic_trade() -> dict[str, Series]:
    out = {}
    plan = {
        "exports": {"base": 128.0, "jan": 93.20, "feb": 101.80, "dec22": 125.0, "dec21": 150.0},
        "imports": {"base": 350.0, "jan": 260.00, "feb": 245.30, "dec22": 330.0, "dec21": 430.0},
    }
    for direction, p in plan.items():
        fig = F.IC[direction]
        g = rng("ic", direction)
        s = seasonal(p["base"], g, 0.03, 0.06, [0.95, 0.8, 1.0, 0.97, 1.0, 1.02, 1.03, 1.05, 1.07, 1.0, 1.02, 1.06])
        s.update({JAN23: p["jan"], FEB23: p["feb"], MAR23: fig["value"], DEC22: p["dec22"], DEC21: p["dec21"]})
        s = {m: v * 1e4 for m, v in s.items()}
        s[MAR22] = round(s[MAR23] / (1 + fig["yoy"] / 100))
        s[FEB22] = round(s[FEB23] / (1 + fig["yoy_prev"] / 100))
        q1 = s[JAN23] + s[FEB23] + s[MAR23]
        s[JAN22] = round(q1 / (1 + fig["yoy_3m"] / 100) - s[FEB22] - s[MAR22])
        s = rounded(s, 0)
        assert round(yoy_3m(s, MAR23), 2) == fig["yoy_3m"], (direction, yoy_3m(s, MAR23))
        assert yoy_3m(s, FEB23) < fig["yoy_3m"]
        out[direction] = s
    return out


# ------------------------------------------------------------------ CAAM (万辆)
# (production, sales) by component; March and February 2023 and their base months are pinned
CAAM_PINS = {
    # category: {month: (production, sales)}
    "passenger": {
        MAR23: (214.94, 201.74),
        FEB23: (171.50, 165.36),
        JAN23: (133.48, 147.60),
        MAR22: (round(214.94 / 1.143, 2), round(201.74 / 1.082, 2)),
        FEB22: (155.45, 148.71),
    },
    "truck": {
        MAR23: (38.66, 38.86),
        FEB23: (28.26, 28.98),
        JAN23: (22.05, 15.26),
        MAR22: (round(38.66 / 1.19, 2), round(38.86 / 1.17, 2)),
        FEB22: (24.12, 22.95),
        JAN22: (31.20, 35.52),
    },
    "bus": {
        MAR23: (4.78, 4.50),
        FEB23: (3.42, 3.33),
        JAN23: (2.61, 2.04),
        MAR22: (round(4.78 / 1.334, 2), round(4.50 / 1.202, 2)),
        FEB22: (2.35, 2.16),
        JAN22: (2.90, 2.61),
    },
    "nev": {
        MAR23: (67.40, 65.30),
        FEB23: (55.10, 52.50),
        JAN23: (42.50, 40.80),
        MAR22: (round(67.40 / 1.448, 2), round(65.30 / 1.348, 2)),
        FEB22: (36.80, 33.40),
    },
    "brand": {MAR23: (float("nan"), 105.16), MAR22: (float("nan"), 90.34)},
}
CAAM_NAMES = {
    "total": "汽车",
    "passenger": "乘用车",
    "commercial": "商用车",
    "truck": "货车",
    "bus": "客车",
    "nev": "新能源汽车",
    "brand": "中国品牌乘用车",
}
CAAM_SHAPE = [1.05, 0.78, 1.0, 0.85, 0.92, 1.05, 1.0, 1.02, 1.1, 1.06, 1.0, 1.15]


@cache
def caam() -> dict[str, dict[str, Series]]:
    """category -> {"production": series, "sales": series} (万辆, 3 decimals)."""
    comp: dict[str, dict[str, Series]] = {}
    bases = {
        "passenger": (175.0, 0.04),
        "truck": (32.0, -0.06),
        "bus": (3.6, -0.02),
        "nev": (18.0, 0.9),
        "brand": (80.0, 0.07),
    }
    for cat, (base, trend) in bases.items():
        g = rng("caam", cat)
        prod = seasonal(base, g, trend, 0.05, CAAM_SHAPE)
        sales = {m: v * float(np.exp(g.normal(-0.01, 0.03))) for m, v in prod.items()}
        for m, (p, s) in CAAM_PINS[cat].items():
            prod[m], sales[m] = p, s
        comp[cat] = {"production": prod, "sales": sales}
    # brand share of passenger sales ~ 44-50 %, production unpublished
    g = rng("caam", "brand_share")
    for m in ALL_MONTHS:
        if m not in CAAM_PINS["brand"]:
            comp["brand"]["sales"][m] = comp["passenger"]["sales"][m] * (
                0.42 + 0.07 * ALL_MONTHS.index(m) / 39 + g.normal(0, 0.01)
            )
        comp["brand"]["production"][m] = float("nan")
    # yoy_3m pins: solve January 2022 of passenger (total) and of NEV
    for what, target_total in (("production", -2.38), ("sales", -3.9)):
        total_q1_23 = sum(comp[c][what][m] for c in ("passenger", "truck", "bus") for m in (JAN23, FEB23, MAR23))
        need = total_q1_23 / (1 + target_total / 100)
        others = sum(comp[c][what][m] for c in ("passenger", "truck", "bus") for m in (FEB22, MAR22))
        others += comp["truck"][what][JAN22] + comp["bus"][what][JAN22]
        comp["passenger"][what][JAN22] = round(need - others, 2)
    for what, target in (("production", F.CAAM["caam_nev_production"][3]), ("sales", F.CAAM["caam_nev_sales"][3])):
        q1 = sum(comp["nev"][what][m] for m in (JAN23, FEB23, MAR23))
        comp["nev"][what][JAN22] = round(
            q1 / (1 + target / 100) - comp["nev"][what][FEB22] - comp["nev"][what][MAR22], 3
        )
    out: dict[str, dict[str, Series]] = {}
    for cat in ("passenger", "truck", "bus", "nev", "brand"):
        out[cat] = {w: {m: (round(v, 3) if v == v else v) for m, v in s.items()} for w, s in comp[cat].items()}
    out["commercial"] = {
        w: {m: round(out["truck"][w][m] + out["bus"][w][m], 3) for m in ALL_MONTHS} for w in ("production", "sales")
    }
    out["total"] = {
        w: {m: round(out["passenger"][w][m] + out["commercial"][w][m], 3) for m in ALL_MONTHS}
        for w in ("production", "sales")
    }
    _check_caam(out)
    return {cat: out[cat] for cat in CAAM_NAMES}


def _check_caam(c: dict[str, dict[str, Series]]) -> None:
    key = {
        "total": "total",
        "passenger": "passenger",
        "commercial": "commercial",
        "truck": "truck",
        "bus": "bus",
        "nev": "nev",
    }
    for indicator, (value, mom, yoy_pub, y3m, ytd_pub, _ytd_yoy) in F.CAAM.items():
        cat = key[indicator.split("_")[1]]
        what = "production" if indicator.endswith("production") else "sales"
        s = c[cat][what]
        assert abs(s[MAR23] - value) < 0.05, (indicator, s[MAR23])
        if mom is not None:
            assert abs(pct(s[MAR23], s[FEB23]) - mom) < 0.05, (indicator, pct(s[MAR23], s[FEB23]))
        assert abs(pct(s[MAR23], s[MAR22]) - yoy_pub) < 0.5, (indicator, pct(s[MAR23], s[MAR22]))
        if y3m is not None:
            tol = 0.005 if round(y3m, 1) != y3m else 0.05
            assert abs(yoy_3m(s, MAR23) - y3m) < tol, (indicator, yoy_3m(s, MAR23))
        if ytd_pub is not None:
            assert abs(ytd(s, MAR23) - ytd_pub) < 0.05, (indicator, ytd(s, MAR23))
    sales = c["total"]["sales"][MAR23]
    assert abs(c["nev"]["sales"][MAR23] / sales * 100 - F.NEV_PENETRATION) < 0.05
    share = c["brand"]["sales"][MAR23] / c["passenger"]["sales"][MAR23] * 100
    share_before = c["brand"]["sales"][MAR22] / c["passenger"]["sales"][MAR22] * 100
    assert abs(share - F.BRAND_SHARE) < 0.05 and abs(share - share_before - F.BRAND_SHARE_PP) < 0.05, (
        share,
        share_before,
    )


def caam_published_yoy(cat: str, what: str, month: date) -> float | None:
    """The yoy CAAM prints: the note's where given, else the computed one to one decimal."""
    pins = {
        ("total", "production"): 15.3,
        ("total", "sales"): 9.7,
        ("passenger", "production"): 14.3,
        ("passenger", "sales"): 8.2,
        ("commercial", "production"): 20.4,
        ("commercial", "sales"): 17.4,
        ("truck", "production"): 19.0,
        ("truck", "sales"): 17.0,
        ("bus", "production"): 33.4,
        ("bus", "sales"): 20.2,
        ("nev", "production"): 44.8,
        ("nev", "sales"): 34.8,
        ("brand", "sales"): 16.4,
    }
    if month == MAR23 and (cat, what) in pins:
        return pins[(cat, what)]
    s = caam()[cat][what]
    value = yoy(s, month)
    return None if value is None or value != value else round(value, 1)


def caam_published_ytd_yoy(cat: str, what: str, month: date) -> float | None:
    if month == MAR23 and cat == "nev":
        return F.CAAM[f"caam_nev_{what}"][5]
    s = caam()[cat][what]
    value = ytd_yoy(s, month)
    return None if value is None or value != value else round(value, 1)


# ------------------------------------------------------------------ CCMA (台)
CCMA_PINS = {
    "挖掘机": {
        JAN23: 16881,
        FEB23: 15012,
        MAR23: 25578,
        JAN22: 22920,
        FEB22: 17135,
        MAR22: 37087,
        DEC21: 29228,
        DEC22: 20000,
    },
    "装载机": {
        JAN23: 6703,
        FEB23: 9500,
        MAR23: 13080,
        JAN22: 8245,
        FEB22: 8600,
        MAR22: 15316,
        DEC21: 9893,
        DEC22: 9000,
    },
}
CCMA_PUBLISHED = {  # (month, yoy, ytd yoy) the publisher prints
    "挖掘机": {MAR23: (-31.03, -25.53), FEB23: (-12.39, -22.94)},
    "装载机": {MAR23: (-14.60, -7.88), FEB23: (None, -5.30)},
}


@cache
def ccma() -> dict[str, Series]:
    out = {}
    shapes = [0.75, 0.85, 1.9, 1.2, 0.95, 0.85, 0.7, 0.7, 0.9, 0.85, 0.9, 1.0]
    for kind, base, trend in (("挖掘机", 36000.0, -0.24), ("装载机", 11500.0, -0.08)):
        g = rng("ccma", kind)
        s = seasonal(base, g, trend, 0.07, shapes)
        s.update(CCMA_PINS[kind])
        out[kind] = {m: float(round(v)) for m, v in s.items()}
    for indicator, kind in (("ccma_excavator_sales", "挖掘机"), ("ccma_loader_sales", "装载机")):
        fig, s = F.CCMA[indicator], out[kind]
        assert s[MAR23] == fig["value"] and ytd(s, MAR23) == fig["ytd"]
        assert round(yoy_3m(s, MAR23), 2) == fig["yoy_3m"], (kind, yoy_3m(s, MAR23))
        assert abs(pct(s[MAR23], s[MAR22]) - fig["yoy"]) < 0.05
    return out


# ------------------------------------------------------------------ SIA (十亿美元)
SIA_REGIONS = {"美洲": 0.235, "欧洲": 0.092, "日本": 0.08, "亚太": 0.593}
SIA_PINS = {  # region: {month: value}
    "美洲": {FEB23: 9.95, JAN23: 9.90},
    "欧洲": {FEB23: 4.47, JAN23: 4.40},
    "日本": {FEB23: 3.90, JAN23: 3.80},
    "亚太": {FEB23: 21.36, JAN23: 21.90},
    "中国": {FEB23: 10.97, JAN23: 11.20},
}
SIA_YOY = {  # published yoy, February and January 2023
    "全球": {FEB23: -20.7, JAN23: -18.5},
    "美洲": {FEB23: -14.8, JAN23: -12.4},
    "欧洲": {FEB23: -0.90, JAN23: 1.6},
    "日本": {FEB23: 1.2, JAN23: 0.7},
    "中国": {FEB23: -34.2, JAN23: -31.6},
    "亚太": {FEB23: -28.8, JAN23: -26.2},
}
SIA_MONTHS = months(D(2020, 1, 1), D(2023, 2, 1))


@cache
def sia() -> dict[str, Series]:
    g = rng("sia")
    world = {}
    level = 36.0
    for m in SIA_MONTHS:
        level *= float(np.exp(g.normal(0.012 if m < D(2022, 5, 1) else -0.018, 0.012)))
        world[m] = level
    out: dict[str, Series] = {}
    for region, share in SIA_REGIONS.items():
        out[region] = {m: round(world[m] * share * float(np.exp(g.normal(0, 0.02))), 2) for m in SIA_MONTHS}
    out["中国"] = {m: round(out["亚太"][m] * 0.54 * float(np.exp(g.normal(0, 0.02))), 2) for m in SIA_MONTHS}
    for region, pins in SIA_PINS.items():
        for m, value in pins.items():
            out[region][m] = value
            out[region][ago(m)] = round(value / (1 + SIA_YOY[region][m] / 100), 2)
    out["全球"] = {m: round(sum(out[r][m] for r in SIA_REGIONS), 2) for m in SIA_MONTHS}
    for region, name in ((r, r) for r in SIA_YOY):
        for m, published in SIA_YOY[name].items():
            assert abs(pct(out[region][m], out[region][ago(m)]) - published) < 0.5, (region, m)
    return out


def sia_published_yoy(region: str, month: date) -> float:
    if month in SIA_YOY[region]:
        return SIA_YOY[region][month]
    return round(pct(sia()[region][month], sia()[region][ago(month)]), 1)


# ------------------------------------------------------------------ Taiwan monthly revenue (新台币千元)
TAIWAN_EXTRA: dict[str, tuple[str, str, float, float]] = {  # name, segment, March yoy, February yoy
    "2454": ("联发科", "IC设计", -35.21, -31.18),
    "3037": ("欣兴", "PCB", -13.42, -4.51),
    "3406": ("玉晶光", "光学", -14.85, 5.20),
    "3019": ("亚洲光学", "光学", -12.52, 3.84),
    "3481": ("群创", "面板/LED", -38.21, -42.53),
    "2448": ("晶电", "面板/LED", -30.44, -35.12),
    "2409": ("友达", "面板/LED", -34.93, -40.61),
    "2393": ("亿光", "面板/LED", -22.64, -18.23),
}
TAIWAN_FEB = {"2330": 10.97, "2327": 2.13}
TAIWAN_LEVEL = {
    "3034": 8.1e6,
    "2330": 1.454e8,
    "2303": 1.83e7,
    "5347": 3.2e6,
    "3105": 1.21e6,
    "2408": 2.31e6,
    "2344": 6.5e6,
    "2337": 2.8e6,
    "3189": 2.3e6,
    "2327": 9.1e6,
    "3008": 3.3e6,
    "2454": 3.2e7,
    "3037": 9.5e6,
    "3406": 1.5e6,
    "3019": 9.0e5,
    "3481": 1.82e7,
    "2448": 1.0e6,
    "2409": 2.1e7,
    "2393": 1.7e6,
}


def taiwan_companies() -> dict[str, tuple[str, str, float, float]]:
    """code -> (name, segment, March yoy, February yoy)."""
    out = {}
    for code, (name, segment, mar, pp) in F.TAIWAN.items():
        feb = round(mar - pp, 2) if pp is not None else TAIWAN_FEB[code]
        out[code] = (name, segment, mar, feb)
    out.update(TAIWAN_EXTRA)
    return out


@cache
def taiwan() -> dict[str, Series]:
    out = {}
    for code, (_name, _segment, mar, feb) in taiwan_companies().items():
        g = rng("taiwan", code)
        s = seasonal(
            TAIWAN_LEVEL[code] * 0.8,
            g,
            0.08,
            0.06,
            [1.0, 0.88, 1.0, 1.0, 1.02, 1.03, 1.05, 1.06, 1.05, 1.04, 1.03, 1.0],
        )
        # 2023 fell from the 2022 level
        for m in (JAN23, FEB23, MAR23):
            s[m] = s[ago(m)] * 0.8
        s[MAR23] = TAIWAN_LEVEL[code]
        s[FEB23] = TAIWAN_LEVEL[code] * 0.9
        _pin_year_before(s, MAR23, mar)
        _pin_year_before(s, FEB23, feb)
        out[code] = rounded(s, 0)
    return out


def taiwan_published_yoy(code: str, month: date) -> float:
    _name, _segment, mar, feb = taiwan_companies()[code]
    if month == MAR23:
        return mar
    if month == FEB23:
        return feb
    return round(pct(taiwan()[code][month], taiwan()[code][ago(month)]), 2)


# ------------------------------------------------------------------ CPCA (万辆)
CPCA_SETS = [
    ("狭义乘用车", "产量"),
    ("狭义乘用车", "批发"),
    ("狭义乘用车", "零售"),
    ("狭义乘用车", "出口"),
    ("广义乘用车", "产量"),
    ("广义乘用车", "批发"),
    ("广义乘用车", "零售"),
    ("广义乘用车", "出口"),
]


@cache
def cpca() -> dict[tuple[str, str], Series]:
    c = caam()
    out: dict[tuple[str, str], Series] = {}
    for symbol, indicator in [*CPCA_SETS, ("整体市场", "新能源")]:
        g = rng("cpca", symbol, indicator)
        wide = 1.0 if symbol == "狭义乘用车" else 1.035
        series = {}
        for m in ALL_MONTHS:
            if indicator == "产量":
                v = c["passenger"]["production"][m] * 0.985 * wide
            elif indicator == "批发":
                v = c["passenger"]["sales"][m] * 0.975 * wide
            elif indicator == "零售":
                v = c["passenger"]["sales"][m] * 0.9 * wide * float(np.exp(g.normal(0, 0.05)))
            elif indicator == "出口":
                v = 10.0 * (1.05 ** ALL_MONTHS.index(m)) ** 0.9 * wide
            else:
                v = c["nev"]["sales"][m] * 0.93
            series[m] = round(v * float(np.exp(g.normal(0, 0.01))), 2)
        out[(symbol, indicator)] = series
    return out


# ------------------------------------------------------------------ paper prices (weekly, Fridays)
def fridays(start: date, end: date) -> list[date]:
    out, day = [], start + timedelta(days=(4 - start.weekday()) % 7)
    while day <= end:
        out.append(day)
        day += timedelta(days=7)
    return out


@cache
def paper() -> dict[str, dict[date, float]]:
    weeks = fridays(D(2021, 1, 4), D(2023, 4, 7))
    g = rng("paper")
    (_, card_price, card_wow), (_, culture_price, culture_wow) = (
        F.PAPER["white_cardboard_index"],
        F.PAPER["cultural_paper"],
    )
    mar31, apr7 = D(2023, 3, 31), D(2023, 4, 7)
    card = bridge(
        weeks,
        {
            weeks[0]: 112.5,
            D(2021, 5, 14): 151.3,
            D(2021, 12, 31): 101.2,
            D(2022, 6, 24): 108.6,
            D(2022, 12, 30): 96.4,
            mar31: round(card_price / (1 + card_wow / 100), 2),
            apr7: card_price,
        },
        0.012,
        g,
    )
    culture = bridge(
        weeks,
        {
            weeks[0]: 5480.0,
            D(2021, 5, 14): 6520.0,
            D(2021, 12, 31): 5630.0,
            D(2022, 6, 24): 6150.0,
            D(2022, 12, 30): 5890.0,
            mar31: round(culture_price / (1 + culture_wow / 100), 2),
            apr7: culture_price,
        },
        0.008,
        g,
    )
    out = {
        "白卡纸价格指数": dict(zip(weeks, np.round(card, 2), strict=True)),
        "文化纸价格": dict(zip(weeks, np.round(culture, 2), strict=True)),
    }
    assert round(pct(out["白卡纸价格指数"][apr7], out["白卡纸价格指数"][mar31]), 2) == card_wow
    assert round(pct(out["文化纸价格"][apr7], out["文化纸价格"][mar31]), 2) == culture_wow
    return out
