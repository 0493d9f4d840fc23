"""The load metadata columns have one declaration (ingestion/load_metadata.py); everything else that
names them is generated from it or checked here against it: the landing views, the
``landing._loads`` table they read, the load catalogue against the ``Load`` record, dbt's sources
and every staging model."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
import yaml

from ground.settings import DBT_PROJECT_DIR, Paths
from ingestion.catalogue import COLUMNS as CATALOGUE_COLUMNS
from ingestion.catalogue import DDL as CATALOGUE_DDL
from ingestion.landing import Load, land_frame
from ingestion.load_metadata import LOAD_METADATA_COLUMNS, STAGING_METADATA, names
from ingestion.registry import get_source
from warehouse.landing_views import LOADS_DDL, refresh_source_view

from .conftest import hgjck_frame

HGJCK = get_source("macro_china_hgjck")
STAGING = sorted((DBT_PROJECT_DIR / "models" / "staging").rglob("stg_*.sql"))
# landing._loads columns that are not a field of the Load record but derived from one when the view is made
DERIVED_LOADS_COLUMNS = {"series", "rows_landed", "path", "quarantined", "file_size", "file_mtime_ns"}


def _view_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute("describe landing.macro_china_hgjck").fetchall()]


def _canonical(sql_type: str) -> str:
    """DuckDB's own name of a type (``timestamptz`` is ``TIMESTAMP WITH TIME ZONE``)."""
    return duckdb.connect().execute(f"select typeof(cast(null as {sql_type}))").fetchone()[0]


def _types(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute(f"describe {relation}").fetchall()}


def test_the_views_end_with_the_declared_columns_and_types(warehouse_home: Paths) -> None:
    frame = hgjck_frame(["2023-02", "2023-03"], [2.1e8, 3.1559e8], [1.9e8, 2.274e8], [-6.8, 14.8])
    load = land_frame(HGJCK, frame, {}, origin="test", fetched_at=datetime(2023, 4, 13, tzinfo=UTC)).load
    declared = [(c.name, _canonical(c.sql_type)) for c in LOAD_METADATA_COLUMNS]
    with duckdb.connect(str(warehouse_home.working_db)) as con:
        for loads in ([load], []):  # a view over landed files, and the empty view of a source without loads
            refresh_source_view(con, HGJCK, loads)
            columns = _view_columns(con)
            assert columns[-len(declared) :] == declared, f"view over {len(loads)} loads"
            assert not any(name.startswith("_") for name, _ in columns[: -len(declared)])
        refresh_source_view(con, HGJCK, [load])
        row = con.execute(f"select {', '.join(names())} from landing.macro_china_hgjck order by _row").fetchone()
    assert row[0] == load.load_id and row[-1] == 1
    assert row[names().index("_origin")] == "test" and row[names().index("_demo")] is False


def test_each_column_reads_a_landing_loads_column_of_its_type() -> None:
    con = duckdb.connect()
    con.execute("create schema quality")
    con.execute(LOADS_DDL)
    loads = _types(con, "landing._loads")
    for column in LOAD_METADATA_COLUMNS:
        if column.loads_column is None:
            assert column.name == "_row"  # the row number of the landed file itself
            continue
        assert column.loads_column in loads, f"{column.name}: landing._loads has no {column.loads_column}"
        assert loads[column.loads_column] == _canonical(column.sql_type), column.name
    fields_of_load = {f.name for f in fields(Load)}
    assert set(loads) - fields_of_load - {"rows_landed"} <= DERIVED_LOADS_COLUMNS | {"rows"}, (
        "a landing._loads column that is neither a Load field nor derived from one"
    )


def test_the_catalogue_holds_every_field_of_a_load() -> None:
    con = duckdb.connect()
    con.execute(CATALOGUE_DDL)
    table = list(_types(con, "loads"))
    assert table == [c.strip() for c in CATALOGUE_COLUMNS.split(",")]
    assert {f.name for f in fields(Load)} - {"root"} <= set(table)


def test_dbt_sources_document_the_declared_columns() -> None:
    sources = yaml.safe_load((DBT_PROJECT_DIR / "models" / "staging" / "__sources.yml").read_text(encoding="utf-8"))
    for table in sources["sources"][0]["tables"]:
        documented = [c["name"] for c in table["columns"] if c["name"].startswith("_")]
        assert documented == names(), table["name"]


def _unquoted(sql: str) -> str:
    sql = re.sub(r"\{#.*?#\}", "", sql, flags=re.S)  # Jinja comments
    sql = re.sub(r"--[^\n]*", "", sql)
    return re.sub(r"'[^']*'|\"[^\"]*\"", "''", sql)  # string literals and quoted raw column names


@pytest.mark.parametrize("model", STAGING, ids=lambda p: p.stem)
def test_staging_models_carry_the_declared_metadata(model: Path) -> None:
    sql = _unquoted(model.read_text(encoding="utf-8"))
    for landing_column, staging_column in STAGING_METADATA.items():
        assert re.search(rf"\b{landing_column} as {staging_column}\b", sql), (
            f"{model.name} does not select {landing_column} as {staging_column}"
        )
    used = set(re.findall(r"(?<![\w.])_[a-z][a-z_]*\b", sql))
    assert used <= set(names()), f"{model.name} reads undeclared metadata columns {sorted(used - set(names()))}"
