"""Demo loads of the backdrop sources: concept boards (主题·风向), gold, US yields and CPI, the dollar
index (观策·论市) and the annual trade by partner (出口). Registered in ``sources.BUILDERS``.

Full-reload sources get a few reloads, each the whole history up to then; the board list is taken
after the close of its days; each board's history comes in two ranges, as the weekly plan asks.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ingestion.demo import outlook as OL
from ingestion.demo.common import LoadSpec, at, published_at, ymd
from ingestion.demo.sources import builder

D = date
# the last day of each reload of the full-reload sources (the history up to then)
RELOADS = (D(2023, 3, 31), D(2023, 4, 14))


def _reloads(source: str, frame: pd.DataFrame, column: str, params: dict, lasts: tuple[date, ...]) -> list[LoadSpec]:
    """One load per ``lasts`` day: the rows up to it, fetched when it became public."""
    days = pd.to_datetime(frame[column].astype(object)).dt.date
    out = []
    for last in lasts:
        part = frame[days <= last].reset_index(drop=True)
        newest = max(d for d in days if d <= last)
        out.append(LoadSpec(dict(params), part, published_at(source, newest)))
    return out


# ------------------------------------------------------------------ themes
@builder("stock_board_concept_name_em")
def concept_boards() -> list[LoadSpec]:
    return [LoadSpec({}, OL.board_list(day), at(day, "15:45")) for day in OL.board_list_days()]


@builder("stock_board_concept_hist_em")
def concept_board_bars() -> list[LoadSpec]:
    """Each board's recent history to 2023-04-07 (fetched that evening), then the range the plan of
    2023-W15 asks for (2023-04-03 .. 2023-04-16, fetched after the close of 04-14)."""
    out = []
    for code, bars in OL.board_bars().items():
        for start, end, last in (
            (OL.HISTORY_FROM, OL.W14_END, OL.W14_END),
            (D(2023, 4, 3), D(2023, 4, 16), OL.W15_END),
        ):
            part = bars[(bars["日期"] >= start) & (bars["日期"] <= last)].reset_index(drop=True)
            params = {"period": "daily", "adjust": "", "symbol": code, "start_date": ymd(start), "end_date": ymd(end)}
            out.append(LoadSpec(params, part, published_at("stock_board_concept_hist_em", last)))
    return out


# ------------------------------------------------------------------ gold, US rates, the dollar
@builder("spot_hist_sge")
def sge_gold() -> list[LoadSpec]:
    return _reloads("spot_hist_sge", OL.gold_cny(), "date", {"symbol": "Au99.99"}, RELOADS)


@builder("futures_foreign_hist")
def comex_gold() -> list[LoadSpec]:
    return _reloads("futures_foreign_hist", OL.gold_usd(), "date", {"symbol": "GC"}, RELOADS)


@builder("bond_zh_us_rate")
def treasury_yields() -> list[LoadSpec]:
    return _reloads("bond_zh_us_rate", OL.treasury_yields(), "日期", {"start_date": "19901219"}, RELOADS)


@builder("index_global_hist_em")
def dollar_index() -> list[LoadSpec]:
    return _reloads("index_global_hist_em", OL.dollar_index(), "日期", {"symbol": "美元指数"}, RELOADS)


@builder("macro_usa_cpi_yoy")
def us_cpi() -> list[LoadSpec]:
    """Reloads after the releases of February's and March's CPI (2023-04-12, 21:30)."""
    return _reloads("macro_usa_cpi_yoy", OL.us_cpi(), "发布日期", {}, (D(2023, 3, 14), D(2023, 4, 12)))


# ------------------------------------------------------------------ exports: trade by partner, yearly
@builder("customs_trade_by_partner_yearly")
def trade_by_partner_yearly() -> list[LoadSpec]:
    """A backfill file of 2015-2021 entered once, then the 2022 file after its release."""
    frame = OL.trade_by_partner()
    out = []
    for years, label in (([str(y) for y in range(2015, 2022)], "2015_2021"), (["2022"], "2022")):
        part = frame[frame["年份"].isin(years)].reset_index(drop=True)
        moment = published_at("customs_trade_by_partner_yearly", D(int(years[-1]), 12, 31))
        out.append(LoadSpec({}, part, moment, moment, file_name=f"customs_trade_by_partner_yearly_{label}.csv"))
    return out
