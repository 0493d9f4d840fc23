"""Contender: the by-industry weekly flows in pandas, reading the landing Parquet files directly.

Written the way a careful analyst would: only the needed columns are read (pyarrow, one
``to_pandas`` per source), loads are concatenated in (available_at, load_id) order so the newest
version per key is ``duplicated(keep="last")``, point-in-time membership is a ``merge_asof``.
Stock codes are used as landed (6-digit strings); the dbt staging models normalise them with a
regular expression. See bench/scale/common.py for the semantics.

    python -m bench.scale.pandas_flows --landing DIR --week 2024-W52 --as-of 2024-12-28T08:00+08:00 --out x.parquet
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bench.scale.common import (
    RESULT_COLUMNS,
    Manifest,
    Timer,
    Week,
    calendar_weeks,
    contender_args,
    cutoff_for,
    last_published_day,
    parse_moment,
    seeds_file,
    started_weeks,
    visible_loads,
)

EMPTY_BY_STOCK = ["week_id", "stock_code", "industry_code", "value"]


def read_loads(loads: list[Manifest], columns: list[str]) -> pd.DataFrame:
    """The loads' columns concatenated oldest first, with ``_order`` = the load's position."""
    tables = []
    for order, load in enumerate(loads):
        table = pq.read_table(load.path, columns=columns)
        tables.append(table.append_column("_order", pa.array(np.full(table.num_rows, order, dtype=np.int32))))
    if not tables:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*columns, "_order"]})
    return pa.concat_tables(tables, promote_options="default").to_pandas(date_as_object=False)


def prune(loads: list[Manifest], first: date | None) -> list[Manifest]:
    """--scope week: only the loads that can hold periods on or after ``first`` (manifest period_max)."""
    return loads if first is None else [ld for ld in loads if ld.period_max is None or ld.period_max >= first]


def day64(day: date) -> np.datetime64:
    return np.datetime64(day, "ns")


def memberships(landing: Path, as_of: datetime) -> pd.DataFrame:
    """The newest visible Shenwan history (full_reload), level-1 code per (stock, valid_from)."""
    loads = visible_loads(landing, "stock_industry_clf_hist_sw", as_of)
    if not loads:
        return pd.DataFrame({"stock_code": [], "valid_from": pd.Series(dtype="datetime64[ns]"), "industry_code": []})
    newest = pq.read_table(loads[-1].path, columns=["symbol", "start_date", "industry_code"]).to_pandas(
        date_as_object=False
    )
    frame = pd.DataFrame(
        {
            "stock_code": newest["symbol"].astype(str),
            "valid_from": newest["start_date"].astype("datetime64[ns]"),
            "industry_code": newest["industry_code"].astype(str).str.zfill(6).str[:2] + "0000",
        }
    )
    return frame.sort_values("valid_from", kind="stable").reset_index(drop=True)


def classify(frame: pd.DataFrame, day_column: str, members: pd.DataFrame) -> pd.DataFrame:
    """Add industry_code: the stock's record with the latest valid_from <= day (NaN when none)."""
    left = frame.assign(**{day_column: frame[day_column].astype("datetime64[ns]")}).sort_values(
        day_column, kind="stable"
    )
    merged = pd.merge_asof(
        left, members, left_on=day_column, right_on="valid_from", by="stock_code", direction="backward"
    )
    return merged.drop(columns=["valid_from"])


def with_week(frame: pd.DataFrame, day_column: str, weeks: dict[str, Week]) -> pd.DataFrame:
    """Keep rows whose day falls in one of ``weeks`` (a started ISO week), adding week_id."""
    uniques = pd.Series(frame[day_column].unique())
    iso = uniques.dt.isocalendar()
    ids = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
    mapping = dict(zip(uniques, ids, strict=True))
    frame = frame.assign(week_id=frame[day_column].map(mapping))
    return frame[frame["week_id"].isin(weeks.keys())]


def northbound(landing: Path, as_of: datetime, cutoff: datetime, weeks: dict[str, Week], members, first: date | None):
    loads = prune(visible_loads(landing, "stock_hsgt_hold_stock_em", as_of), first)
    raw = read_loads(loads, ["代码", "今日增持估计-市值", "日期"])
    frame = pd.DataFrame(
        {
            "stock_code": raw["代码"].astype(str),
            "flow_date": raw["日期"].astype("datetime64[ns]"),
            "value": raw["今日增持估计-市值"] / 1e4,
        }
    )
    frame = frame[~frame.duplicated(["flow_date", "stock_code"], keep="last")]
    last_day = day64(last_published_day("stock_hsgt_hold_stock_em", cutoff))
    frame = with_week(frame[(frame["flow_date"] <= last_day) & frame["value"].notna()], "flow_date", weeks)
    days = frame.groupby("week_id")["flow_date"].nunique().rename("days_covered").reset_index()
    frame = classify(frame, "flow_date", members)
    by_stock = frame.groupby(["week_id", "stock_code", "industry_code"], as_index=False)["value"].sum()
    return by_stock, days


def margin(landing: Path, as_of: datetime, cutoff: datetime, weeks: dict[str, Week], members, first: date | None):
    parts = []
    for source, code_column, date_column in (
        ("stock_margin_detail_sse", "标的证券代码", "信用交易日期"),
        ("stock_margin_detail_szse", "证券代码", None),
    ):
        loads = prune(visible_loads(landing, source, as_of), first)
        raw = read_loads(loads, [code_column, "融资余额"] + ([date_column] if date_column else []))
        if date_column:  # SSE: a YYYYMMDD column
            text = raw[date_column].astype(str)
            uniques = pd.Series(text.unique())
            parsed = dict(zip(uniques, pd.to_datetime(uniques.str.strip(), format="%Y%m%d"), strict=True))
            trade_date = text.map(parsed).astype("datetime64[ns]")
        else:  # SZSE: the date is the call's parameter
            per_load = pd.to_datetime(pd.Series([ld.params.get("date") for ld in loads], dtype=object), format="%Y%m%d")
            trade_date = pd.Series(per_load.to_numpy()[raw["_order"].to_numpy()], index=raw.index)
        frame = pd.DataFrame(
            {"trade_date": trade_date, "stock_code": raw[code_column].astype(str), "balance": raw["融资余额"] / 1e8}
        )
        frame = frame[~frame.duplicated(["trade_date", "stock_code"], keep="last")]
        parts.append(frame[frame["trade_date"] <= day64(last_published_day(source, cutoff))])
    detail = pd.concat(parts, ignore_index=True)
    in_weeks = with_week(detail, "trade_date", weeks)
    days = in_weeks.groupby("week_id")["trade_date"].nunique().rename("days_covered").reset_index()
    last = in_weeks.sort_values("trade_date", kind="stable").drop_duplicates(["week_id", "stock_code"], keep="last")
    prev_day = {w.week_id: w.prev_week_last_trading_day for w in weeks.values()}
    last = last.assign(prev_day=pd.to_datetime(last["week_id"].map(prev_day)).astype("datetime64[ns]"))
    start = detail.rename(columns={"trade_date": "prev_day", "balance": "balance_start"})
    joined = last.merge(start, on=["stock_code", "prev_day"], how="inner")
    joined["value"] = joined["balance"] - joined["balance_start"]
    joined = classify(joined, "trade_date", members)
    return joined[EMPTY_BY_STOCK], days


def shareholders(landing: Path, as_of: datetime, cutoff: datetime, weeks: dict[str, Week], members, first):
    loads = prune(visible_loads(landing, "stock_ggcg_em", as_of), first)
    columns = [
        "代码",
        "最新价",
        "股东名称",
        "持股变动信息-增减",
        "持股变动信息-变动数量",
        "变动开始日",
        "变动截止日",
        "公告日",
    ]
    raw = read_loads(loads, columns)
    frame = pd.DataFrame(
        {
            "stock_code": raw["代码"].astype(str),
            "holder": raw["股东名称"],
            "direction_name": raw["持股变动信息-增减"],
            "start": raw["变动开始日"],
            "end": raw["变动截止日"],
            "announced": raw["公告日"].astype("datetime64[ns]"),
            "shares": raw["持股变动信息-变动数量"],
            "price": raw["最新价"],
            "order": raw["_order"],
        }
    )
    key = ["stock_code", "holder", "direction_name", "start", "end", "announced"]
    # the price of the first load that held the record (groupby drops NaN keys: group on text)
    key_text = [frame[c].astype(str) for c in key]
    frame["first_price"] = frame.groupby(key_text, sort=False)["price"].transform("first")
    frame = frame[~pd.concat(key_text, axis=1).duplicated(keep="last").to_numpy()]
    frame = frame[frame["announced"] <= day64(last_published_day("stock_ggcg_em", cutoff))]
    if frame.empty:
        return pd.DataFrame(columns=EMPTY_BY_STOCK), pd.DataFrame(columns=["week_id", "days_covered"])
    newest_load = loads[int(frame["order"].max())].available_at
    first_date = frame["announced"].min().date()
    frame = frame[frame["direction_name"].isin(["增持", "减持"])]
    sign = np.where(frame["direction_name"] == "减持", -1.0, 1.0)
    frame = with_week(frame.assign(value=sign * frame["shares"] * frame["first_price"] / 1e4), "announced", weeks)
    frame = classify(frame, "announced", members)
    by_stock = frame.groupby(["week_id", "stock_code", "industry_code"], as_index=False)["value"].sum(min_count=1)
    # trading days of the week published (that day 20:00) by min(cutoff, the newest load)
    last_day = last_published_day("stock_ggcg_em", min(cutoff, newest_load))
    rows = [
        (w.week_id, sum(1 for d in w.trading_days if d <= last_day)) for w in weeks.values() if w.week_end >= first_date
    ]
    days = pd.DataFrame(rows, columns=["week_id", "days_covered"])
    return by_stock, days[days["days_covered"] > 0]


def compute(landing: Path, week_id: str, as_of: datetime, scope: str, timer: Timer | None = None) -> pd.DataFrame:
    timer = timer or Timer()
    industries = pd.read_csv(seeds_file(), dtype=str)
    calendar = visible_loads(landing, "tool_trade_date_hist_sina", as_of)[-1]
    days = pq.read_table(calendar.path, columns=["trade_date"]).column(0).to_pylist()
    all_weeks = calendar_weeks(days)
    cutoff = cutoff_for(all_weeks, week_id, as_of)
    weeks = {w.week_id: w for w in started_weeks(all_weeks, cutoff)}
    first_nb = first_margin = None
    if scope == "week":
        target = weeks[week_id]
        weeks = {week_id: target}
        first_nb, first_margin = target.week_start, target.prev_week_last_trading_day or target.week_start
    members = memberships(landing, as_of)
    timer.lap("calendar+memberships")
    nb, nb_days = northbound(landing, as_of, cutoff, weeks, members, first_nb)
    timer.lap("northbound")
    mg, mg_days = margin(landing, as_of, cutoff, weeks, members, first_margin)
    timer.lap("margin")
    sh, sh_days = shareholders(landing, as_of, cutoff, weeks, members, first_nb)
    timer.lap("shareholders")

    parts = []
    for flow, by_stock, flow_days, how in (
        ("northbound_net_buy", nb, nb_days, "inner"),
        ("margin_financing_net_buy", mg, mg_days, "inner"),
        ("shareholder_net_change", sh, sh_days, "left"),
    ):
        frame = by_stock.dropna(subset=["industry_code", "value"]).merge(flow_days, on="week_id", how=how)
        parts.append(frame.assign(flow=flow, days_covered=frame["days_covered"].fillna(0).astype("int64")))
    stocks = pd.concat(parts, ignore_index=True)
    result = stocks.groupby(["week_id", "flow", "industry_code"], as_index=False).agg(
        value=("value", "sum"), days_covered=("days_covered", "max"), stocks_covered=("stock_code", "nunique")
    )
    result = result.merge(industries, on="industry_code", how="left")
    ranks = result.groupby(["week_id", "flow"])["value"].rank(method="min", ascending=False)
    result["rank_desc"] = ranks.astype("int64")
    timer.lap("industries")
    return result[RESULT_COLUMNS].sort_values(["week_id", "flow", "industry_code"]).reset_index(drop=True)


def main() -> None:
    args = contender_args(__doc__.splitlines()[0])
    timer = Timer()
    result = compute(args.landing, args.week, parse_moment(args.as_of), args.scope, timer)
    result.to_parquet(args.out, index=False)
    timer.dump(args.out, rows=len(result))


if __name__ == "__main__":
    main()
