"""Writing a new version folder: the ``marts`` and ``quality`` schemas copied from the working
database as tables (with their comments), ``meta.versions`` and ``meta.version_marts`` (rows and a
content checksum per mart), and every mart as Parquet."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ground.settings import REPO_ROOT
from warehouse.serving_versions import PublishError

PUBLISHED_SCHEMAS = ("marts", "quality")


# a mart's content fingerprint: rows and an order-independent xor of row hashes
FINGERPRINT_SQL = "select count(*), coalesce(bit_xor(hash(t)), 0) from {relation} t"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=5
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def copy_schema(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    """Copy every table and view of ``build.<schema>`` as a table, with comments; return the names."""
    tables = con.execute(
        "select table_name, comment from duckdb_tables() where database_name = 'build' and schema_name = ?", [schema]
    ).fetchall()
    views = con.execute(
        "select view_name, comment from duckdb_views() where database_name = 'build' and schema_name = ? "
        "and not internal",
        [schema],
    ).fetchall()
    if not tables and not views:
        return []
    con.execute(f"create schema if not exists {quote(schema)}")
    for name, comment in [*tables, *views]:
        relation = f"{quote(schema)}.{quote(name)}"
        con.execute(f"create table {relation} as select * from build.{relation}")
        if comment:
            con.execute(f"comment on table {relation} is {sql_literal(comment)}")
    for name, column, comment in con.execute(
        "select table_name, column_name, comment from duckdb_columns() "
        "where database_name = 'build' and schema_name = ? and comment is not null and comment <> ''",
        [schema],
    ).fetchall():
        con.execute(f"comment on column {quote(schema)}.{quote(name)}.{quote(column)} is {sql_literal(comment)}")
    return sorted(name for name, _ in [*tables, *views])


def fingerprint(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[int, int]:
    rows, checksum = con.execute(FINGERPRINT_SQL.format(relation=relation)).fetchall()[0]
    return int(rows), int(checksum)


META_DDL = """
create schema meta;
create table meta.versions (
    version integer, week varchar, as_of timestamptz, built_at timestamptz, git_commit varchar, row_counts json
);
comment on table meta.versions is 'This published version (the highest number) and the versions published before it: ISO week, as-of moment, build time, git commit, row counts.';
create table meta.version_marts (
    version integer, mart varchar, rows bigint, checksum ubigint, parquet_file varchar, parquet_checksum ubigint
);
comment on table meta.version_marts is 'Per mart of this version: rows and content checksum (bit_xor of row hashes) in this database and in its Parquet export. A reader that finds them equal sees one complete version.';
"""


def write_version(
    staging: Path, working_db: Path, number: int, week: str | None, as_of: str, history: list[dict[str, Any]]
) -> dict[str, Any]:
    """Write the database and Parquet files of a version into ``staging``; return its record."""
    con = duckdb.connect(str(staging / "warehouse.duckdb"))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach {sql_literal(str(working_db))} as build (read_only)")
        counts: dict[str, int] = {}
        names: dict[str, list[str]] = {}
        for schema in PUBLISHED_SCHEMAS:
            names[schema] = copy_schema(con, schema)
        con.execute("detach build")
        if not names["marts"]:
            raise PublishError("the working database has no marts; run dbt first")
        marts: dict[str, dict[str, Any]] = {}
        for schema, tables in names.items():
            for name in tables:
                rows, checksum = fingerprint(con, f"{quote(schema)}.{quote(name)}")
                counts[f"{schema}.{name}"] = rows
                if schema == "marts":
                    marts[name] = {"rows": rows, "checksum": checksum}
        for name, entry in marts.items():
            relative = f"parquet/{name}.parquet"
            target = staging / relative
            con.execute(f"copy marts.{quote(name)} to {sql_literal(str(target))} (format parquet, compression zstd)")
            _, parquet_checksum = fingerprint(con, f"read_parquet({sql_literal(str(target))})")
            entry.update(parquet_file=relative, parquet_checksum=parquet_checksum)
        record = {
            "version": number,
            "week": week,
            "as_of": as_of,
            "built_at": datetime.now(UTC).isoformat(),
            "git_commit": git_commit(),
            "row_counts": counts,
        }
        con.execute(META_DDL)
        con.executemany(
            "insert into meta.versions values (?, ?, ?, ?, ?, ?)",
            [
                [h["version"], h["week"], h["as_of"], h["built_at"], h["git_commit"], json.dumps(h["row_counts"])]
                for h in [*history, record]
            ],
        )
        con.executemany(
            "insert into meta.version_marts values (?, ?, ?, ?, ?, ?)",
            [
                [number, name, e["rows"], e["checksum"], e["parquet_file"], e["parquet_checksum"]]
                for name, e in sorted(marts.items())
            ],
        )
        con.execute("checkpoint")
    finally:
        con.close()
    return {**record, "duckdb_version": duckdb.__version__, "marts": marts, "history": history}
