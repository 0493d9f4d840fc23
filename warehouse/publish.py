"""Write-audit-publish: copy the marts of the working database into a new serving version.

A build writes the working database. Only when every blocking check and dbt test has passed
does the ``serving/warehouse`` asset call :func:`publish`, which, holding ``serving/.publish.lock``,

1. **writes** a fresh folder ``serving/versions/vNNNN.partial/`` beside the published ones: a
   database ``warehouse.duckdb`` with the ``marts`` and ``quality`` schemas (views materialised
   as tables), the table and column comments, ``meta.versions`` (this version and the versions
   it succeeds: version, week, as-of moment, built_at, git commit, row counts) and
   ``meta.version_marts`` (per mart: rows and a content checksum), plus every mart as Parquet in
   ``parquet/<mart>.parquet`` and the same record as ``version.json``;
2. **audits** the copy from a fresh read-only connection, as a reader will see it: every mart
   present, its rows and checksum equal to ``meta.version_marts``, every Parquet file readable
   with the same rows and columns; at least one mart must have rows;
3. **publishes**: makes the files read-only, fsyncs them and their folders, renames the folder
   to ``vNNNN`` and swaps the ``serving/current`` symlink to it with one ``rename(2)``.

``serving/warehouse.duckdb``, ``serving/parquet`` and ``serving/version.json`` are symlinks through
``current``, so a reader that opens one of them gets either the old or the new version, never a
half-written one. The writer never opens a published file (the history comes from the previous
``version.json``), so a reader, even one that wrongly opened the file read-write, cannot block a
publish. A crash at any point leaves ``current`` on the last good version; a stale ``.partial``
folder is removed by the next publish. ``KEEP`` versions stay: the current one and the versions
it succeeds (its rollback chain, newest first), then, if room is left, rolled-back versions;
versions that were never current (a publish killed between its rename and the swap) go first
(see :func:`retained`). A reader that still has a pruned version open keeps reading it: the file
is unlinked, not overwritten. :func:`rollback` points ``current`` back at the version published
before the current one.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import stat
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb

from ground.settings import REPO_ROOT, Paths, paths

KEEP = 5
PUBLISHED_SCHEMAS = ("marts", "quality")
VERSION_DIR = re.compile(r"^v(\d{4,})$")
ANY_VERSION_DIR = re.compile(r"^v(\d{4,})(\.partial)?$")
LOCK_TIMEOUT_SECONDS = 600.0
ENTRY_LINKS = {
    "warehouse.duckdb": "current/warehouse.duckdb",
    "parquet": "current/parquet",
    "version.json": "current/version.json",
}
# a mart's content fingerprint: rows and an order-independent xor of row hashes
FINGERPRINT_SQL = "select count(*), coalesce(bit_xor(hash(t)), 0) from {relation} t"


class PublishError(RuntimeError):
    pass


@dataclass(frozen=True)
class Version:
    number: int
    path: Path

    @property
    def name(self) -> str:
        return f"v{self.number:04d}"

    @property
    def database(self) -> Path:
        return self.path / "warehouse.duckdb"

    @property
    def parquet(self) -> Path:
        return self.path / "parquet"

    @cached_property
    def record(self) -> dict[str, Any] | None:
        """The version's ``version.json`` (None for a version written before it existed)."""
        try:
            return json.loads((self.path / "version.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None

    def lineage(self) -> list[int]:
        """This version and the versions published before it (rolled-back ones excluded)."""
        record = self.record
        if record is None:
            return [self.number]
        return [h["version"] for h in record.get("history", [])] + [self.number]


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _versions_dir(p: Paths) -> Path:
    return p.serving / "versions"


def versions(p: Paths | None = None) -> list[Version]:
    """Every complete published version, oldest first."""
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
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=5
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# --- file system primitives ---------------------------------------------------------------------


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _seal_tree(folder: Path) -> None:
    """Make every file read-only and flush files, then folders, to disk."""
    directories = [folder]
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            directories.append(path)
        elif path.is_file():
            os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    for directory in reversed(directories):
        _fsync_dir(directory)


def _swap_symlink(link: Path, target: str) -> None:
    """Point ``link`` at ``target`` atomically (a new symlink renamed over the old one)."""
    tmp = link.with_name(link.name + ".swap")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)
    _fsync_dir(link.parent)


def _ensure_entry_links(p: Paths) -> None:
    for name, target in ENTRY_LINKS.items():
        link = p.serving / name
        if link.is_symlink() and os.readlink(link) == target:
            continue
        if link.exists() and not link.is_symlink() and link.is_dir():
            raise PublishError(f"{link} is a folder; move it away so it can become a link to {target}")
        _swap_symlink(link, target)


@contextmanager
def _publish_lock(p: Paths, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Serialise publishes and rollbacks of one serving folder (an flock, released on exit or crash)."""
    p.serving.mkdir(parents=True, exist_ok=True)
    lock_path = p.serving / ".publish.lock"
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise PublishError(f"another publish holds {lock_path} for more than {timeout:.0f} s") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _log_event(p: Paths, event: dict[str, Any]) -> None:
    """Append one line to ``serving/publish.log`` (publishes and rollbacks, for the record)."""
    line = json.dumps({"at": datetime.now(UTC).isoformat(), **event}, ensure_ascii=False) + "\n"
    with open(p.serving / "publish.log", "a", encoding="utf-8") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())


def _clear_stale(root: Path) -> None:
    """Remove what an interrupted publish left: ``*.partial`` folders and a half-made swap link."""
    for child in root.iterdir():
        if child.name.endswith(".partial") and child.is_dir():
            shutil.rmtree(child)
    for swap in root.parent.glob("*.swap"):
        if swap.is_symlink():
            swap.unlink()


def _next_number(root: Path) -> int:
    numbers = [int(m.group(1)) for c in root.iterdir() if (m := ANY_VERSION_DIR.match(c.name))]
    return max(numbers, default=0) + 1


# --- write ----------------------------------------------------------------------------------------


def _copy_schema(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
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
            con.execute(f"comment on table {relation} is {_literal(comment)}")
    for name, column, comment in con.execute(
        "select table_name, column_name, comment from duckdb_columns() "
        "where database_name = 'build' and schema_name = ? and comment is not null and comment <> ''",
        [schema],
    ).fetchall():
        con.execute(f"comment on column {quote(schema)}.{quote(name)}.{quote(column)} is {_literal(comment)}")
    return sorted(name for name, _ in [*tables, *views])


def _fingerprint(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[int, int]:
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


def _write_version(
    staging: Path, working_db: Path, number: int, week: str | None, as_of: str, history: list[dict[str, Any]]
) -> dict[str, Any]:
    """Write the database and Parquet files of a version into ``staging``; return its record."""
    con = duckdb.connect(str(staging / "warehouse.duckdb"))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach {_literal(str(working_db))} as build (read_only)")
        counts: dict[str, int] = {}
        names: dict[str, list[str]] = {}
        for schema in PUBLISHED_SCHEMAS:
            names[schema] = _copy_schema(con, schema)
        con.execute("detach build")
        if not names["marts"]:
            raise PublishError("the working database has no marts; run dbt first")
        marts: dict[str, dict[str, Any]] = {}
        for schema, tables in names.items():
            for name in tables:
                rows, checksum = _fingerprint(con, f"{quote(schema)}.{quote(name)}")
                counts[f"{schema}.{name}"] = rows
                if schema == "marts":
                    marts[name] = {"rows": rows, "checksum": checksum}
        for name, entry in marts.items():
            relative = f"parquet/{name}.parquet"
            target = staging / relative
            con.execute(f"copy marts.{quote(name)} to {_literal(str(target))} (format parquet, compression zstd)")
            _, parquet_checksum = _fingerprint(con, f"read_parquet({_literal(str(target))})")
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


# --- audit (also what a reader can run) ------------------------------------------------------------


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
        seen = _fingerprint(con, f"marts.{quote(mart)}")
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
            seen = _fingerprint(con, f"read_parquet({_literal(str(path))})")
            if seen != (entry["rows"], entry["parquet_checksum"]):
                raise PublishError(f"{path}: {seen[0]} rows (checksum {seen[1]}), recorded {entry['rows']}")
    finally:
        if own:
            con.close()
    return int(record["version"])


def _audit(staging: Path, record: dict[str, Any]) -> None:
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
                    r[0] for r in con.execute(f"describe select * from read_parquet({_literal(str(path))})").fetchall()
                ]
            except duckdb.Error as exc:
                raise PublishError(f"audit failed: {path} is unreadable: {exc}") from exc
            table_columns = [r[0] for r in con.execute(f"describe marts.{quote(mart)}").fetchall()]
            if parquet_columns != table_columns:
                raise PublishError(f"audit failed: {path} has columns {parquet_columns}, marts.{mart} {table_columns}")
        verify_parquet(staging, con)
    finally:
        con.close()


# --- publish, prune, roll back ---------------------------------------------------------------------


def publish(*, week: str | None, as_of: str, p: Paths | None = None, keep: int = KEEP) -> Version:
    """Publish the working database's marts as a new serving version (see module docstring)."""
    p = p or paths()
    if not p.working_db.exists():
        raise PublishError(f"no working database at {p.working_db}; nothing to publish")
    with _publish_lock(p):
        root = _versions_dir(p)
        root.mkdir(parents=True, exist_ok=True)
        _clear_stale(root)
        number = _next_number(root)
        version = Version(number, root / f"v{number:04d}")
        staging = root / f"{version.name}.partial"
        (staging / "parquet").mkdir(parents=True)
        previous = current_version(p)
        history: list[dict[str, Any]] = []
        if previous is not None and previous.record is not None:
            keys = ("version", "week", "as_of", "built_at", "git_commit", "row_counts")
            history = [*previous.record.get("history", []), {k: previous.record.get(k) for k in keys}]
        try:
            record = _write_version(staging, p.working_db, number, week, as_of, history)
            (staging / "version.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
            _audit(staging, record)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _seal_tree(staging)
        os.replace(staging, version.path)
        _fsync_dir(root)
        _swap_symlink(p.serving / "current", f"versions/{version.name}")
        _ensure_entry_links(p)
        _log_event(p, {"event": "publish", "version": number, "previous": previous.number if previous else None})
        _prune(p, keep)
    return version


def _made_current(p: Paths) -> set[int] | None:
    """Versions ``publish.log`` records as made current (published or rolled back to); None without a log."""
    try:
        lines = (p.serving / "publish.log").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    numbers = set()
    for line in lines:
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a crash
        if event.get("event") in ("publish", "rollback") and isinstance(event.get("version"), int):
            numbers.add(event["version"])
    return numbers


def retained(p: Paths | None = None, keep: int = KEEP) -> list[Version]:
    """The versions a prune keeps, by priority: the current version, the versions of its rollback
    chain (newest first), rolled-back versions (newest first), and last the versions that were never
    current (left by a publish killed before its swap). Version numbers alone do not decide: four
    rollbacks and a publish must not prune the version that publish replaced."""
    p = p or paths()
    current = current_version(p)
    on_disk = versions(p)
    if current is None:
        return on_disk[-max(keep, 1) :]
    chain = set(current.lineage())
    made_current = _made_current(p)

    def priority(version: Version) -> tuple[int, int]:
        if version.number == current.number:
            tier = 0
        elif version.number in chain:
            tier = 1
        elif made_current is None or version.number in made_current:
            tier = 2
        else:
            tier = 3
        return tier, -version.number

    return sorted(sorted(on_disk, key=priority)[: max(keep, 1)], key=lambda v: v.number)


def _prune(p: Paths, keep: int) -> None:
    kept = {v.number for v in retained(p, keep)}
    for old in versions(p):
        if old.number not in kept:
            shutil.rmtree(old.path, ignore_errors=True)


def rollback(p: Paths | None = None) -> Version:
    """Point ``current`` at the version published before it (one that was itself current)."""
    p = p or paths()
    with _publish_lock(p):
        current = current_version(p)
        if current is None:
            raise PublishError("nothing is published, so there is nothing to roll back")
        kept = {v.number: v for v in versions(p)}
        lineage = current.lineage() if current.record is not None else list(kept)
        earlier = [n for n in lineage if n < current.number and n in kept]
        if not earlier:
            raise PublishError(f"no version published before {current.name} is kept; there is nothing to roll back to")
        target = kept[max(earlier)]
        _swap_symlink(p.serving / "current", f"versions/{target.name}")
        _ensure_entry_links(p)
        _log_event(p, {"event": "rollback", "version": target.number, "previous": current.number})
    return target
