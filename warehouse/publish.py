"""Write-audit-publish: copy the marts of the working database into a new serving version.

A build writes the working database. Only when every blocking check and dbt test has passed
does the ``serving/warehouse`` asset call :func:`publish`, which

1. writes a fresh database ``serving/versions/vNNNN/warehouse.duckdb`` beside the current one,
   holding the ``marts`` and ``quality`` schemas, the column comments, and ``meta.versions``;
2. exports every mart as Parquet into ``serving/versions/vNNNN/parquet/``;
3. audits the copy (every mart present and readable, row counts recorded);
4. fsyncs, then swaps the ``serving/current`` symlink to the new version in one rename.

``serving/warehouse.duckdb`` and ``serving/parquet`` are symlinks through ``current``, so a
reader opens either the old or the new version, never a half-written one, and the writer never
holds the published file open. The last ``KEEP`` versions stay; :func:`rollback` points
``current`` back at the previous one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.settings import REPO_ROOT, Paths, paths

KEEP = 5
PUBLISHED_SCHEMAS = ("marts", "quality")
VERSION_DIR = re.compile(r"^v(\d{4,})$")


class PublishError(RuntimeError):
    pass


@dataclass(frozen=True)
class Version:
    number: int
    path: Path

    @property
    def name(self) -> str:
        return f"v{self.number:04d}"


def _versions_dir(p: Paths) -> Path:
    return p.serving / "versions"


def versions(p: Paths | None = None) -> list[Version]:
    p = p or paths()
    root = _versions_dir(p)
    if not root.exists():
        return []
    found = []
    for child in root.iterdir():
        match = VERSION_DIR.match(child.name)
        if match and (child / "warehouse.duckdb").exists():
            found.append(Version(int(match.group(1)), child))
    return sorted(found, key=lambda v: v.number)


def current_version(p: Paths | None = None) -> Version | None:
    p = p or paths()
    link = p.serving / "current"
    if not link.is_symlink():
        return None
    target = (p.serving / os.readlink(link)).resolve()
    match = VERSION_DIR.match(target.name)
    return Version(int(match.group(1)), target) if match else None


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=5)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    for directory in [folder, *[p for p in folder.rglob("*") if p.is_dir()]]:
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _swap_symlink(link: Path, target: str) -> None:
    tmp = link.with_name(link.name + ".swap")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)
    fd = os.open(link.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _ensure_entry_links(p: Paths) -> None:
    for name, target in (("warehouse.duckdb", "current/warehouse.duckdb"), ("parquet", "current/parquet")):
        link = p.serving / name
        if not link.is_symlink():
            _swap_symlink(link, target)


def _copy_schema(con: duckdb.DuckDBPyConnection, schema: str) -> dict[str, int]:
    counts = {}
    tables = con.execute(
        "select table_name, comment from duckdb_tables() where database_name = 'build' and schema_name = ?", [schema]
    ).fetchall()
    views = con.execute(
        "select view_name from duckdb_views() where database_name = 'build' and schema_name = ? and not internal", [schema]
    ).fetchall()
    if not tables and not views:
        return counts
    con.execute(f"create schema if not exists {schema}")
    for (name,) in views:
        con.execute(f'create table {schema}."{name}" as select * from build.{schema}."{name}"')
    for name, comment in tables:
        con.execute(f'create table {schema}."{name}" as select * from build.{schema}."{name}"')
        if comment:
            con.execute(f"comment on table {schema}.\"{name}\" is '{comment.replace(chr(39), chr(39) * 2)}'")
    for name, column, comment in con.execute(
        "select table_name, column_name, comment from duckdb_columns() "
        "where database_name = 'build' and schema_name = ? and comment is not null",
        [schema],
    ).fetchall():
        escaped = comment.replace("'", "''")
        con.execute(f'comment on column {schema}."{name}"."{column}" is \'{escaped}\'')
    for name in [t[0] for t in tables] + [v[0] for v in views]:
        counts[f"{schema}.{name}"] = con.execute(f'select count(*) from {schema}."{name}"').fetchone()[0]
    return counts


def publish(*, week: str | None, as_of: str, p: Paths | None = None, keep: int = KEEP) -> Version:
    """Publish the working database's marts as a new serving version (see module docstring)."""
    p = p or paths()
    if not p.working_db.exists():
        raise PublishError(f"no working database at {p.working_db}; nothing to publish")
    existing = versions(p)
    number = (existing[-1].number + 1) if existing else 1
    version = Version(number, _versions_dir(p) / f"v{number:04d}")
    staging_dir = version.path.with_name(version.path.name + ".partial")
    if staging_dir.exists():
        shutil.rmtree(staging_dir)
    (staging_dir / "parquet").mkdir(parents=True)
    db_path = staging_dir / "warehouse.duckdb"
    previous = current_version(p)
    con = duckdb.connect(str(db_path))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{p.working_db}' as build (read_only)")
        counts: dict[str, int] = {}
        for schema in PUBLISHED_SCHEMAS:
            counts.update(_copy_schema(con, schema))
        marts = sorted(k.split(".", 1)[1] for k in counts if k.startswith("marts."))
        if not marts:
            raise PublishError("the working database has no marts; run dbt first")
        empty = [m for m in marts if counts[f"marts.{m}"] == 0]
        if empty:
            raise PublishError(f"audit failed: marts without rows: {', '.join(empty)}")
        con.execute("detach build")
        con.execute("create schema meta")
        con.execute(
            "create table meta.versions (version integer, week varchar, as_of timestamptz, built_at timestamptz, "
            "git_commit varchar, row_counts json)"
        )
        if previous is not None:
            con.execute(f"attach '{previous.path / 'warehouse.duckdb'}' as prev (read_only)")
            con.execute("insert into meta.versions select * from prev.meta.versions")
            con.execute("detach prev")
        con.execute(
            "insert into meta.versions values (?, ?, ?, ?, ?, ?)",
            [number, week, as_of, datetime.now(UTC), git_commit(), json.dumps(counts)],
        )
        con.execute("comment on table meta.versions is 'Every published version: week, as-of moment, build time, git commit, row counts.'")
        for mart in marts:
            target = staging_dir / "parquet" / f"{mart}.parquet"
            con.execute(f"copy marts.\"{mart}\" to '{target}' (format parquet, compression zstd)")
        con.execute("checkpoint")
    finally:
        con.close()
    _fsync_tree(staging_dir)
    os.replace(staging_dir, version.path)
    _ensure_entry_links(p)
    _swap_symlink(p.serving / "current", f"versions/{version.name}")
    _prune(p, keep)
    return version


def _prune(p: Paths, keep: int) -> None:
    current = current_version(p)
    for old in versions(p)[:-keep]:
        if current is None or old.number != current.number:
            shutil.rmtree(old.path, ignore_errors=True)


def rollback(p: Paths | None = None) -> Version:
    """Point ``current`` at the version before it."""
    p = p or paths()
    current = current_version(p)
    if current is None:
        raise PublishError("nothing is published, so there is nothing to roll back")
    earlier = [v for v in versions(p) if v.number < current.number]
    if not earlier:
        raise PublishError(f"{current.name} is the oldest kept version; there is nothing to roll back to")
    _swap_symlink(p.serving / "current", f"versions/{earlier[-1].name}")
    return earlier[-1]
