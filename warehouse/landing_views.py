"""DuckDB views over the landing zone: how dbt sees the raw data.

For each source the landing asset creates ``landing.<source>`` in the working database: the raw
columns of every non-quarantined load, exactly as landed, plus the load metadata columns declared in :mod:`ingestion.load_metadata`
(``_load_id``, ``_params``, ``_series``: the parameters naming the series without call dates,
``_fetched_at``, ``_available_at``, ``_origin``, ``_demo``, ``_row``).
The list of files is pinned when the view is created, so the checks and dbt in one run see the
same loads; ``landing._loads`` lists them with their metadata from the load catalogue. dbt
staging then keeps, per key, the latest version available at the build's as-of moment.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

import duckdb

from expectations.store import ensure_schema, quarantined_load_ids
from ingestion.landing import LandingError, Load, params_key, verify_load
from ingestion.load_metadata import empty_view_select, view_select
from ingestion.registry import Source
from warehouse.run_settings import reset_rebuild_plan

SQL_TYPES = {"string": "varchar", "float": "double", "int": "bigint", "date": "date"}

LOADS_DDL = """
create schema if not exists landing;
create table if not exists landing._loads (
    load_id varchar primary key,
    source varchar,
    params json,
    series json,
    fetched_at timestamptz,
    available_at timestamptz,
    origin varchar,
    file_name varchar,
    demo boolean,
    rows_landed bigint,
    period_min date,
    period_max date,
    akshare_version varchar,
    path varchar,
    quarantined boolean
);
-- the landing file as it was when the view was last created (a file verified then is not read again)
alter table landing._loads add column if not exists file_size bigint;
alter table landing._loads add column if not exists file_mtime_ns bigint;
"""


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _file_stat(load: Load) -> tuple[int, int] | None:
    try:
        st = os.stat(load.parquet_path)
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns


def unreadable_loads(con: duckdb.DuckDBPyConnection, source: Source, loads: Sequence[Load]) -> list[str]:
    """Landing files of ``loads`` that are missing or corrupt, each problem naming its file.

    A file whose size and modification time are those it had when the view was last created was
    read whole then; only new or changed files have their Parquet footer read again (at scale
    the loads of ten years would otherwise be re-read every week).
    """
    con.execute(LOADS_DDL)
    verified = {
        load_id: (size, mtime)
        for load_id, size, mtime in con.execute(
            "select load_id, file_size, file_mtime_ns from landing._loads where source = ?", [source.name]
        ).fetchall()
    }
    problems = []
    for load in loads:
        known = verified.get(load.load_id)
        if known is not None and known == _file_stat(load):
            continue
        try:
            verify_load(load)
        except LandingError as exc:
            problems.append(str(exc))
    return problems


def _insert_loads(con: duckdb.DuckDBPyConnection, source: Source, loads: Sequence[Load], quarantined: set[str]) -> None:
    """One bulk insert into ``landing._loads`` (row-by-row inserts cost about a millisecond each)."""
    import pyarrow as pa

    stats = [_file_stat(ld) for ld in loads]
    table = pa.table(
        {
            "load_id": [ld.load_id for ld in loads],
            "source": [ld.source for ld in loads],
            "params": [ld.params_key for ld in loads],
            "series": [params_key(source.series_params(ld.params)) for ld in loads],
            "fetched_at": pa.array([ld.fetched_at for ld in loads], pa.string()),
            "available_at": pa.array([ld.available_at for ld in loads], pa.string()),
            "origin": [ld.origin for ld in loads],
            "file_name": pa.array([ld.file_name for ld in loads], pa.string()),
            "demo": [ld.demo for ld in loads],
            "rows_landed": pa.array([ld.rows for ld in loads], pa.int64()),
            "period_min": pa.array([ld.period_min for ld in loads], pa.string()),
            "period_max": pa.array([ld.period_max for ld in loads], pa.string()),
            "akshare_version": pa.array([ld.akshare_version for ld in loads], pa.string()),
            "path": [str(ld.parquet_path) for ld in loads],
            "quarantined": [ld.load_id in quarantined for ld in loads],
            "file_size": pa.array([st[0] if st else None for st in stats], pa.int64()),
            "file_mtime_ns": pa.array([st[1] if st else None for st in stats], pa.int64()),
        }
    )
    con.register("_new_loads", table)
    try:
        con.execute(
            """
            insert into landing._loads (
                load_id, source, params, series, fetched_at, available_at, origin, file_name, demo, rows_landed,
                period_min, period_max, akshare_version, path, quarantined, file_size, file_mtime_ns
            )
            select load_id, source, cast(params as json), cast(series as json), cast(fetched_at as timestamptz),
                   cast(available_at as timestamptz), origin, file_name, demo, rows_landed,
                   cast(period_min as date), cast(period_max as date), akshare_version, path, quarantined,
                   file_size, file_mtime_ns
            from _new_loads
            """
        )
    finally:
        con.unregister("_new_loads")


def refresh_source_view(con: duckdb.DuckDBPyConnection, source: Source, loads: Sequence[Load]) -> list[Load]:
    """(Re)create ``landing.<source>`` over ``loads`` minus quarantined ones; return the loads used."""
    con.execute(LOADS_DDL)
    ensure_schema(con)
    quarantined = quarantined_load_ids(con, source.name)
    con.execute("delete from landing._loads where source = ?", [source.name])
    if loads:
        _insert_loads(con, source, loads, quarantined)

    reset_rebuild_plan(con)  # a plan made for the landed data before this no longer applies
    usable = [ld for ld in loads if ld.load_id not in quarantined and ld.rows > 0]
    view = f"landing.{quote(source.name)}"
    if usable:
        files = ", ".join(_literal(str(ld.parquet_path)) for ld in usable)
        # union_by_name makes DuckDB read every file's footer whenever the view is bound (3.5 s for
        # 2,500 per-stock loads, in every process that queries it); when every manifest records the
        # same columns and types, the first file's schema is every file's, and binding reads one
        union_by_name = "true" if len({json.dumps(ld.columns) for ld in usable}) > 1 else "false"
        con.execute(
            f"""
            create or replace view {view} as
            select r.* exclude (filename, file_row_number), {view_select()}
            from read_parquet([{files}], filename = true, file_row_number = true, union_by_name = {union_by_name}) r
            join landing._loads l on l.path = r.filename
            """
        )
    else:
        columns = ", ".join(
            f"cast(null as {SQL_TYPES[c.type]}) as {quote(c.name)}" for c in source.columns if c.name is not None
        )
        con.execute(
            f"""
            create or replace view {view} as
            select {columns}, {empty_view_select()}
            where false
            """
        )
    return usable
