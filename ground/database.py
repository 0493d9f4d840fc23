"""Connections to the two DuckDB files.

* the **working** database: written by builds only (landing views, quality tables, dbt models);
  one writer at a time, so connections retry briefly while another process holds the lock;
* the **serving** database: the published copy, opened read-only by every reader.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ground.settings import paths

LOCK_RETRY_SECONDS = 30.0


def _connect(path: Path, read_only: bool, retry_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + retry_seconds
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            con.execute("set TimeZone = 'UTC'")
            return con
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


@contextmanager
def working(path: Path | None = None, retry_seconds: float = LOCK_RETRY_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the working database, closed on exit."""
    path = Path(path or paths().working_db)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(path, read_only=False, retry_seconds=retry_seconds)
    try:
        yield con
    finally:
        con.close()


class NotPublishedError(FileNotFoundError):
    """No version of the warehouse has been published yet."""


def resolve_serving(path: Path | None = None) -> Path:
    """The database file of the version the serving link points at right now.

    Readers open this resolved path rather than the link, so that the connection (and DuckDB's
    ``.wal`` lookup beside it) belongs to one version folder, whatever a publish swaps meanwhile.
    """
    path = Path(path or paths().serving_db)
    if not path.exists():
        raise NotPublishedError(
            f"no published warehouse at {path}; run `warehouse build --week <week>` or `make demo` first"
        )
    return path.resolve()


@contextmanager
def serving(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published database (the version current when it opened).

    The connection keeps reading that version even after later publishes or pruning (a pruned
    file is unlinked, not overwritten); open a new connection to see a newer version.
    """
    for attempt in range(3):
        target = resolve_serving(path)
        try:
            con = _connect(target, read_only=True, retry_seconds=5.0)
            break
        except duckdb.IOException:
            # pruned between resolving the link and opening the file: resolve again
            if attempt == 2 or target.exists():
                raise
    try:
        yield con
    finally:
        con.close()


SANDBOX_REFUSED = (
    "refused: `warehouse query` is read-only and reads only the published database "
    "(schemas marts, quality, meta): no files, no ATTACH, no extensions, no settings"
)


@contextmanager
def sandboxed(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published database that can touch no file (``warehouse query``).

    Opened read-only on the current version, then ``enable_external_access = false`` (no
    ``COPY … TO``, ``read_csv``/``read_parquet`` of any path, ``ATTACH``, ``INSTALL``/``LOAD``,
    ``EXPORT DATABASE``) and ``lock_configuration = true`` (no ``SET``/``RESET`` to undo it).
    Extension autoloading is off. Spilling goes to a private temporary folder removed on exit,
    never into the version folder.
    """
    import shutil
    import tempfile

    spill = tempfile.mkdtemp(prefix="warehouse-query-")
    try:
        with serving(path) as con:
            # nothing that can reach a file is loaded behind the query's back
            con.execute("set autoinstall_known_extensions = false")
            con.execute("set autoload_known_extensions = false")
            con.execute("set temp_directory = ?", [spill])
            con.execute("set enable_external_access = false")
            con.execute("set lock_configuration = true")
            yield con
    finally:
        shutil.rmtree(spill, ignore_errors=True)
