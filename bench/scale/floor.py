"""Contender: the floor — one hand-written DuckDB query over the same landing Parquet files.

The load metadata (available_at, the SZSE date parameter, period range) comes from the
manifests; then one query computes the answer. What makes it the floor:

- only the needed columns and files are read (``--scope week``: the loads whose manifest period
  range reaches the week, as dbt could with ``landing._loads.period_min/max``);
- the newest-version-per-key window runs only over loads whose period ranges overlap another
  load's (a key holds its period, and keys are unique within a load), so daily per-date loads
  need no dedup; ``--always-dedup`` runs it everywhere, as the staging models do;
- days map to weeks by an equi-join on a small day -> week table, not a range join;
- stock codes are used as landed (6-digit strings), no regular expression per row.

    python -m bench.scale.floor --landing DIR --week 2024-W52 --as-of 2024-12-28T08:00+08:00 --out x.parquet
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from bench.scale.common import (
    RESULT_COLUMNS,
    Timer,
    calendar_weeks,
    contender_args,
    cutoff_for,
    last_published_day,
    parse_moment,
    read_manifests,
    seeds_file,
    started_weeks,
)

DAILY = {
    # source: (code column, value column, date expression over the raw row r and load l)
    "stock_hsgt_hold_stock_em": ('"代码"', '"今日增持估计-市值" / 1e4', 'cast(r."日期" as date)'),
    "stock_margin_detail_sse": ('"标的证券代码"', '"融资余额" / 1e8', """strptime(r."信用交易日期", '%Y%m%d')::date"""),
    "stock_margin_detail_szse": ('"证券代码"', '"融资余额" / 1e8', "l.param_date"),
}


def lit(value: object) -> str:
    if isinstance(value, datetime):  # before date: a datetime is a date
        return f"timestamptz '{value.isoformat()}'"
    if isinstance(value, date):
        return f"date '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def file_list(paths: list[str]) -> str:
    return "[" + ", ".join(lit(p) for p in paths) + "]"


def load_table(con: duckdb.DuckDBPyConnection, landing: Path, sources: list[str]) -> None:
    """Table ``loads``: one row per load of ``sources`` (its manifest; the JSON files are small and many,
    so Python's json reads them faster than ``read_json`` over a glob)."""
    import pyarrow as pa

    rows = [(source, m) for source in sources for m in read_manifests(landing, source)]
    date_param = [m.params.get("date") for _, m in rows]
    table = pa.table(
        {
            "source": pa.array([s for s, _ in rows], pa.string()),
            "load_id": pa.array([m.load_id for _, m in rows], pa.string()),
            "path": pa.array([m.path for _, m in rows], pa.string()),
            "available_at": pa.array([m.available_at for _, m in rows], pa.timestamp("us", tz="UTC")),
            "param_date": pa.array(
                [date(int(d[:4]), int(d[4:6]), int(d[6:8])) if d else None for d in date_param], pa.date32()
            ),
            "period_min": pa.array([m.period_min for _, m in rows], pa.date32()),
            "period_max": pa.array([m.period_max for _, m in rows], pa.date32()),
        }
    )
    con.register("loads_arrow", table)
    con.execute("create temp table loads as select * from loads_arrow")
    con.unregister("loads_arrow")


def visible(con, source: str, as_of: datetime, first: date | None = None) -> list[tuple]:
    """(path, overlaps_another_load) of the visible loads of ``source`` (pruned to ``first`` on)."""
    rows = con.execute(
        """
        select path, coalesce(period_min <= max(period_max) over (
                   order by period_min, period_max rows between unbounded preceding and 1 preceding), false)
               or coalesce(period_max >= min(period_min) over (
                   order by period_min, period_max rows between 1 following and unbounded following), false)
        from loads
        where source = ? and available_at <= ? and (cast(? as date) is null or period_max is null or period_max >= ?)
        order by available_at, load_id
        """,
        [source, as_of, first, first],
    ).fetchall()
    return rows


def daily_rows(con, source: str, as_of: datetime, cutoff: datetime, first: date | None, always_dedup: bool) -> str:
    """SQL of (day, stock_code, value) rows of a daily source: visible, newest version, published."""
    code, value, day = DAILY[source]
    loads = visible(con, source, as_of, first)
    last_day = last_published_day(source, cutoff)
    extra = "and value is not null" if source == "stock_hsgt_hold_stock_em" else ""
    selects = []
    plain = [p for p, overlap in loads if not overlap and not always_dedup]
    deduped = [p for p, overlap in loads if overlap or always_dedup]
    needs_load = "l.param_date" in day
    if plain:
        join = "join loads l on l.path = r.filename" if needs_load else ""
        selects.append(
            f"""select * from (
                    select {day} as day, r.{code} as stock_code, r.{value} as value
                    from read_parquet({file_list(plain)}, filename = {str(needs_load).lower()}) r {join})
                where day <= {lit(last_day)} {extra}"""
        )
    if deduped:
        selects.append(
            f"""select day, stock_code, value from (
                    select {day} as day, r.{code} as stock_code, r.{value} as value
                    from read_parquet({file_list(deduped)}, filename = true) r
                    join loads l on l.path = r.filename
                    qualify row_number() over (partition by day, stock_code
                                               order by l.available_at desc, l.load_id desc) = 1)
                where day <= {lit(last_day)} {extra}"""
        )
    if not selects:
        return "select cast(null as date) as day, cast(null as varchar) as stock_code, cast(null as double) as value where false"
    return " union all ".join(selects)


def compute(
    landing: Path, week_id: str, as_of: datetime, scope: str, timer: Timer, threads: int | None, always_dedup: bool
):
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    if threads:
        con.execute(f"set threads = {threads}")
    load_table(
        con,
        landing,
        ["tool_trade_date_hist_sina", "stock_industry_clf_hist_sw", "stock_ggcg_em", *DAILY],
    )
    calendar = visible(con, "tool_trade_date_hist_sina", as_of)[-1][0]
    days = [
        d
        for (d,) in con.execute(
            f"select distinct cast(trade_date as date) from read_parquet({lit(calendar)})"
        ).fetchall()
    ]
    all_weeks = calendar_weeks(days)
    cutoff = cutoff_for(all_weeks, week_id, as_of)
    weeks = started_weeks(all_weeks, cutoff)
    first_nb = first_margin = None
    if scope == "week":
        target = next(w for w in weeks if w.week_id == week_id)
        weeks = [target]
        first_nb, first_margin = target.week_start, target.prev_week_last_trading_day or target.week_start
    con.execute(
        "create temp table weeks (week_id varchar, week_start date, week_end date, prev_last date, days date[])"
    )
    con.executemany(
        "insert into weeks values (?, ?, ?, ?, ?)",
        [(w.week_id, w.week_start, w.week_end, w.prev_week_last_trading_day, list(w.trading_days)) for w in weeks],
    )
    members_file = visible(con, "stock_industry_clf_hist_sw", as_of)[-1][0]
    ggcg = [p for p, _ in visible(con, "stock_ggcg_em", as_of, first_nb)]
    timer.lap("manifests")
    ggcg_last = last_published_day("stock_ggcg_em", cutoff)
    sql = f"""
    with
    week_days as (  -- every calendar day of the started weeks -> its week
        select unnest(generate_series(week_start, week_end, interval 1 day))::date as day, week_id from weeks
    ),
    members as (
        select symbol as stock_code, cast(start_date as date) as valid_from,
               lead(cast(start_date as date)) over (partition by symbol order by start_date) as valid_to,
               left(lpad(cast(industry_code as varchar), 6, '0'), 2) || '0000' as industry_code
        from read_parquet({lit(members_file)})
    ),
    -- ------------------------------------------------------------ northbound
    nb as (
        select d.week_id, r.day, r.stock_code, r.value
        from ({daily_rows(con, "stock_hsgt_hold_stock_em", as_of, cutoff, first_nb, always_dedup)}) r
        join week_days d on d.day = r.day
    ),
    nb_days as (select week_id, count(distinct day) as days_covered from nb group by week_id),
    nb_stock as (
        select nb.week_id, 'northbound_net_buy' as flow, nb.stock_code, m.industry_code, sum(nb.value) as value
        from nb join members m on m.stock_code = nb.stock_code
             and nb.day >= m.valid_from and (m.valid_to is null or nb.day < m.valid_to)
        group by all
    ),
    -- ------------------------------------------------------------ margin
    md as (
        {daily_rows(con, "stock_margin_detail_sse", as_of, cutoff, first_margin, always_dedup)}
        union all
        {daily_rows(con, "stock_margin_detail_szse", as_of, cutoff, first_margin, always_dedup)}
    ),
    md_week as (select d.week_id, md.* from md join week_days d on d.day = md.day),
    md_days as (select week_id, count(distinct day) as days_covered from md_week group by week_id),
    md_end as (
        select week_id, stock_code, max(day) as end_day, arg_max(value, day) as balance_end
        from md_week group by week_id, stock_code
    ),
    md_stock as (
        select e.week_id, 'margin_financing_net_buy' as flow, e.stock_code, m.industry_code,
               e.balance_end - s.value as value
        from md_end e
        join weeks w on w.week_id = e.week_id
        join md s on s.stock_code = e.stock_code and s.day = w.prev_last
        join members m on m.stock_code = e.stock_code
             and e.end_day >= m.valid_from and (m.valid_to is null or e.end_day < m.valid_to)
    ),
    -- ------------------------------------------------------------ major shareholders
    sh_raw as (
        select r."代码" as stock_code, r."股东名称" as holder, r."持股变动信息-增减" as direction_name,
               r."变动开始日" as start_day, r."变动截止日" as end_day, cast(r."公告日" as date) as announced,
               r."持股变动信息-变动数量" as shares, r."最新价" as price, l.available_at, l.load_id
        from read_parquet({file_list(ggcg) if ggcg else "[]"}, filename = true) r
        join loads l on l.path = r.filename
    ),
    sh_versions as (
        select *, first_value(price) over (
                      partition by stock_code, holder, direction_name, start_day, end_day, announced
                      order by available_at, load_id) as first_price
        from sh_raw
        qualify row_number() over (
                    partition by stock_code, holder, direction_name, start_day, end_day, announced
                    order by available_at desc, load_id desc) = 1
    ),
    sh as (select * from sh_versions where announced <= {lit(ggcg_last)}),
    sh_loads as (select max(available_at) as newest_load, min(announced) as first_date from sh),
    sh_stock as (
        select d.week_id, 'shareholder_net_change' as flow, sh.stock_code, m.industry_code,
               sum(case when direction_name = '减持' then -1 else 1 end * shares * first_price / 1e4) as value
        from sh
        join week_days d on d.day = sh.announced
        join members m on m.stock_code = sh.stock_code
             and sh.announced >= m.valid_from and (m.valid_to is null or sh.announced < m.valid_to)
        where direction_name in ('增持', '减持')
        group by all
    ),
    sh_days as (
        select w.week_id,
               len(list_filter(w.days, lambda x: timezone('Asia/Shanghai', x + time '20:00')
                                            <= least({lit(cutoff)}, l.newest_load))) as days_covered
        from weeks w, sh_loads l
        where w.week_end >= l.first_date
    ),
    -- ------------------------------------------------------------ by industry
    stocks as (
        select s.*, d.days_covered from nb_stock s join nb_days d using (week_id)
        union all
        select s.*, d.days_covered from md_stock s join md_days d using (week_id)
        union all
        select s.*, coalesce(d.days_covered, 0) from sh_stock s left join sh_days d
            on d.week_id = s.week_id and d.days_covered > 0
    ),
    industries as (
        select week_id, flow, industry_code, sum(value) as value, max(days_covered) as days_covered,
               count(distinct stock_code) as stocks_covered
        from stocks where value is not null
        group by all
    )
    select i.week_id, i.flow, i.industry_code, s.industry_index_code, s.industry_name, i.value,
           rank() over (partition by i.week_id, i.flow order by i.value desc) as rank_desc,
           i.days_covered, i.stocks_covered
    from industries i
    left join read_csv({lit(str(seeds_file()))}, all_varchar = true) s on s.industry_code = i.industry_code
    order by i.week_id, i.flow, i.industry_code
    """
    return con, sql


def main() -> None:
    args = contender_args(__doc__.splitlines()[0])
    timer = Timer()
    con, sql = compute(
        args.landing, args.week, parse_moment(args.as_of), args.scope, timer, args.threads, args.always_dedup
    )
    cols = ", ".join(RESULT_COLUMNS)
    con.execute(f"copy (select {cols} from ({sql})) to {lit(str(args.out))} (format parquet)")
    timer.lap("query")
    rows = con.execute(f"select count(*) from read_parquet({lit(str(args.out))})").fetchone()[0]
    timer.dump(args.out, rows=rows)


if __name__ == "__main__":
    main()
