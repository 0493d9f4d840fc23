"""The audit of a version, also what a reader can run: every mart present with the rows and
checksum its ``meta.version_marts`` records, and every Parquet file readable with the same rows
and columns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from warehouse.publish_write import fingerprint, quote, sql_literal
from warehouse.serving_versions import PublishError


def verify(con: duckdb.DuckDBPyConnection) -> int:
    """Check that this (read-only) connection sees one complete published version; return its number.

    In one connection: the newest row of ``meta.versions`` names the version, and every mart's
    rows and checksum equal what ``meta.version_marts`` recorded for it when it was published.
    """
    (number,) = con.execute("select max(version) from meta.versions").fetchall()[0]
    if number is None:
        raise PublishError("meta.versions is empty")
    expected = con.execute(
        "select mart, rows, checksum from meta.version_marts where version = ? order by mart", [number]
    ).fetchall()
    if not expected:
        raise PublishError(f"meta.version_marts has no marts for version {number}")
    present = {
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() and schema_name = 'marts'"
        ).fetchall()
    }
    listed = {mart for mart, _, _ in expected}
    if present != listed:
        raise PublishError(f"version {number}: marts {sorted(present)} differ from the recorded {sorted(listed)}")
    for mart, rows, checksum in expected:
        seen = fingerprint(con, f"marts.{quote(mart)}")
        if seen != (rows, checksum):
            raise PublishError(
                f"version {number}: marts.{mart} has {seen[0]} rows (checksum {seen[1]}), recorded {rows} ({checksum})"
            )
    return int(number)


def verify_parquet(folder: Path, con: duckdb.DuckDBPyConnection | None = None) -> int:
    """Check the Parquet files of a version folder against its ``version.json``; return its number.

    Pass a version folder (resolve ``serving/current`` once), not ``serving/``: each path through
    the ``current`` link is resolved anew, so two files read through it may belong to two versions.
    """
    record = json.loads((folder / "version.json").read_text(encoding="utf-8"))
    own = con is None
    con = con or duckdb.connect()
    try:
        for entry in record["marts"].values():
            path = folder / entry["parquet_file"]
            seen = fingerprint(con, f"read_parquet({sql_literal(str(path))})")
            if seen != (entry["rows"], entry["parquet_checksum"]):
                raise PublishError(f"{path}: {seen[0]} rows (checksum {seen[1]}), recorded {entry['rows']}")
    finally:
        if own:
            con.close()
    return int(record["version"])


def audit(staging: Path, record: dict[str, Any]) -> None:
    if not any(entry["rows"] for entry in record["marts"].values()):
        raise PublishError("audit failed: every mart is empty")
    con = duckdb.connect(str(staging / "warehouse.duckdb"), read_only=True)
    try:
        if verify(con) != record["version"]:
            raise PublishError("audit failed: meta.versions does not name the version being published")
        for mart, entry in record["marts"].items():
            path = staging / entry["parquet_file"]
            try:
                parquet_columns = [
                    r[0]
                    for r in con.execute(f"describe select * from read_parquet({sql_literal(str(path))})").fetchall()
                ]
            except duckdb.Error as exc:
                raise PublishError(f"audit failed: {path} is unreadable: {exc}") from exc
            table_columns = [r[0] for r in con.execute(f"describe marts.{quote(mart)}").fetchall()]
            if parquet_columns != table_columns:
                raise PublishError(f"audit failed: {path} has columns {parquet_columns}, marts.{mart} {table_columns}")
        verify_parquet(staging, con)
    finally:
        con.close()
