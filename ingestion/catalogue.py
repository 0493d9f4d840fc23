"""The load catalogue: one row per load of a landing zone, in ``<landing>/_catalogue.duckdb``.

:func:`ingestion.landing.land_frame` records each new load here in the same step that writes its
two files (Parquet, then the manifest JSON, then this row), so reading which loads exist is one
small query instead of listing and parsing thousands of manifest files. The manifests stay the
durable record: the catalogue can always be rebuilt from them (``warehouse catalogue --rebuild``).

Every read checks the catalogue against the manifest *names* on disk (one directory listing per
source folder, no file is opened), so a load copied into the zone (the demo snapshot, a restored
backup), a load whose writer died between its manifest and its catalogue row, or a load removed
by hand (deleting its manifest drops it) is noticed and the catalogue corrected. A missing or
corrupt catalogue file is rebuilt from the manifests with a warning; the landing zone stays
readable either way.

Concurrency: DuckDB lets one process write a database file or several read it. Every access
holds ``<landing>/.landing.lock`` (an flock: shared to read, exclusive to write), and
``land_frame`` holds it exclusively from its "identical to the latest load?" check until its
catalogue row is written, so two processes landing the same content cannot both create a load.
A landing zone nobody may write (a read-only copy) is read from its manifests in memory.

Each process keeps the catalogue in memory and re-reads the file only when it changed (its size
and modification time, and those of its write-ahead log).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ground.settings import paths
from ingestion.landing import Load, read_manifest

CATALOGUE_FILE = "_catalogue.duckdb"
LOCK_FILE = ".landing.lock"
log = logging.getLogger(__name__)

DDL = """
create table if not exists loads (
    load_id varchar primary key,
    source varchar not null,
    params varchar not null,
    fetched_at varchar not null,
    available_at varchar not null,
    available_at_ts timestamptz not null,
    rows bigint not null,
    columns varchar not null,
    content_hash varchar not null,
    origin varchar,
    akshare_version varchar,
    file_name varchar,
    demo boolean,
    period_min date,
    period_max date,
    recorded_at timestamptz,
    conversions varchar
)
"""
COLUMNS = (
    "load_id, source, params, fetched_at, available_at, available_at_ts, rows, columns, content_hash, "
    "origin, akshare_version, file_name, demo, period_min, period_max, recorded_at, conversions"
)


class CatalogueUnavailable(RuntimeError):
    """The catalogue file cannot be written here (a read-only landing zone)."""


# ---------------------------------------------------------------------------------- the lock
class LandingLock:
    """``<landing>/.landing.lock``: shared for reading the catalogue, exclusive for writing a load.

    Re-entrant within a process (a thread that holds it exclusively may take it again, shared or
    exclusive); the kernel releases it when the process dies.
    """

    def __init__(self, root: Path) -> None:
        self.path = root / LOCK_FILE
        self._thread_lock = threading.RLock()
        self._handle = None
        self._mode = 0  # 0 none, fcntl.LOCK_SH or fcntl.LOCK_EX
        self._depth = 0

    @contextmanager
    def held(self, exclusive: bool) -> Iterator[None]:
        wanted = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        with self._thread_lock:
            outer = self._depth == 0
            if outer:
                self._acquire(wanted)
            elif wanted == fcntl.LOCK_EX and self._mode != fcntl.LOCK_EX:
                raise RuntimeError(f"{self.path}: cannot take the landing lock exclusively while holding it shared")
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if outer:
                    self._release()

    def _acquire(self, mode: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(self.path, "a+")  # noqa: SIM115 (held across the block)
        fcntl.flock(self._handle, mode)
        self._mode = mode

    def _release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
        self._handle = None
        self._mode = 0


def writable(root: Path) -> bool:
    return os.access(root, os.W_OK)


# ---------------------------------------------------------------------------------- rows
def _row(load: Load, recorded_at: datetime) -> tuple:
    return (
        load.load_id,
        load.source,
        json.dumps(load.params, ensure_ascii=False, sort_keys=True, default=str),
        load.fetched_at,
        load.available_at,
        load.available_at_dt,
        load.rows,
        json.dumps(load.columns, ensure_ascii=False),
        load.content_hash,
        load.origin,
        load.akshare_version,
        load.file_name,
        load.demo,
        load.period_min,
        load.period_max,
        recorded_at,
        json.dumps(load.conversions, ensure_ascii=False),
    )


def _load(row: tuple, root: str) -> Load:
    (load_id, source, params, fetched, available, _ts, rows, columns, digest, origin, version, file_name, demo) = row[
        :13
    ]
    period_min, period_max = row[13], row[14]
    return Load(
        load_id=load_id,
        source=source,
        params=json.loads(params),
        fetched_at=fetched,
        available_at=available,
        rows=rows,
        columns=json.loads(columns),
        content_hash=digest,
        origin=origin,
        akshare_version=version,
        file_name=file_name,
        demo=bool(demo),
        period_min=period_min.isoformat() if period_min else None,
        period_max=period_max.isoformat() if period_max else None,
        conversions=json.loads(row[16]) if row[16] else [],
        root=root,
    )


def _insert(con: duckdb.DuckDBPyConnection, loads: Iterable[Load]) -> int:
    now = datetime.now(UTC)
    rows = [_row(ld, now) for ld in loads]
    if not rows:
        return 0
    if len(rows) == 1:
        con.execute(f"insert or ignore into loads ({COLUMNS}) values ({', '.join('?' * 17)})", rows[0])
        return 1
    import pyarrow as pa

    names = [c.strip() for c in COLUMNS.split(",")]
    table = pa.table({name: [r[i] for r in rows] for i, name in enumerate(names)})
    con.register("new_loads", table)
    try:
        con.execute(f"insert or ignore into loads ({COLUMNS}) select {COLUMNS} from new_loads")
    finally:
        con.unregister("new_loads")
    return len(rows)


# ---------------------------------------------------------------------------------- the catalogue
@dataclass
class Reconciliation:
    """What a read found on disk that the catalogue did not say."""

    added: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


class Catalogue:
    """The loads of one landing zone (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / CATALOGUE_FILE
        self.lock = LandingLock(self.root)
        self._loads: dict[str, dict[str, Load]] = {}  # source -> load_id -> Load
        self._signature: tuple | None = None
        self._in_memory = False
        self._batch: list[Load] | None = None
        self.last_reconciliation = Reconciliation()

    # ------------------------------------------------------------------ reading
    def loads(self, source: str | None = None) -> list[Load]:
        """Every complete load (of ``source``), oldest first, as the manifests on disk say."""
        if not self.root.exists():
            return []
        folders = [source] if source else self._folders()
        self._refresh(folders)
        found = [ld for name in folders for ld in self._loads.get(name, {}).values()]
        found.sort(key=lambda ld: (ld.available_at, ld.load_id))
        return found

    def _folders(self) -> list[str]:
        return sorted(e.name for e in os.scandir(self.root) if e.is_dir() and not e.name.startswith((".", "_")))

    def _manifest_names(self, source: str) -> set[str]:
        folder = self.root / source
        try:
            return {e.name[:-5] for e in os.scandir(folder) if e.name.endswith(".json")}
        except FileNotFoundError:
            return set()

    def _refresh(self, folders: list[str]) -> None:
        """Bring the in-memory copy up to date with the file, then with the manifests on disk."""
        if not self._in_memory and not self.path.exists():
            if not self._should_create():
                self._in_memory = True  # a zone nobody registered (a read-only copy): read, never write
            elif any(self._manifest_names(name) for name in self._folders()):
                with self.lock.held(exclusive=True):
                    if not self.path.exists():
                        self._rebuild_loudly("is missing")
        if self._in_memory:
            self._reconcile(folders, write=False)
            return
        with self.lock.held(exclusive=False):
            problem = self._read_if_changed()
        if problem:
            with self.lock.held(exclusive=True):
                if self._read_if_changed():
                    self._rebuild_loudly(problem)
        on_disk = {name: self._manifest_names(name) for name in folders}
        if any(set(self._loads.get(name, {})) != names for name, names in on_disk.items()):
            with self.lock.held(exclusive=True):
                self._read_if_changed()
                self._reconcile(folders, write=True)

    def _should_create(self) -> bool:
        """Create a catalogue for a zone without one only if it is this warehouse's own landing zone."""
        try:
            own = self.root.resolve() == paths().landing.resolve()
        except OSError:
            own = False
        return own and writable(self.root)

    def _file_signature(self) -> tuple:
        parts = []
        for path in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                st = path.stat()
                parts.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except FileNotFoundError:
                parts.append(None)
        return tuple(parts)

    def _read_if_changed(self) -> str | None:
        """Re-read the file if it changed; return what is wrong with it (None when it read fine)."""
        signature = self._file_signature()
        if signature == self._signature and self._signature is not None:
            return None
        if signature[0] is None:  # no file yet: an empty zone, created at the first load
            self._loads, self._signature = {}, signature
            return None
        try:
            con = duckdb.connect(str(self.path), read_only=True)
            try:
                rows = con.execute(f"select {COLUMNS} from loads").fetchall()
            finally:
                con.close()
        except duckdb.Error as exc:
            return f"is corrupt or unreadable ({type(exc).__name__}: {str(exc).splitlines()[0]})"
        root = str(self.root)
        loads: dict[str, dict[str, Load]] = {}
        for row in rows:
            loads.setdefault(row[1], {})[row[0]] = _load(row, root)
        self._loads, self._signature = loads, signature
        return None

    def _reconcile(self, folders: list[str], write: bool) -> Reconciliation:
        """Record manifests the catalogue lacks; forget loads whose manifest is gone."""
        result = Reconciliation()
        new_loads: list[Load] = []
        for name in folders:
            names = self._manifest_names(name)
            known = self._loads.setdefault(name, {})
            for load_id in sorted(names - set(known)):
                load = read_manifest(self.root / name / f"{load_id}.json", self.root)
                new_loads.append(load)
                known[load_id] = load
                result.added.append(load_id)
            for load_id in sorted(set(known) - names):
                del known[load_id]
                result.dropped.append(load_id)
        if write and (result.added or result.dropped):
            try:
                con = self._connect_for_write()
                try:
                    if result.dropped:
                        con.executemany("delete from loads where load_id = ?", [[i] for i in result.dropped])
                    _insert(con, new_loads)
                finally:
                    con.close()
                self._signature = self._file_signature()
            except CatalogueUnavailable:
                self._in_memory = True
            if result.added:
                log.info("landing catalogue %s: recorded %d load(s) found on disk", self.path, len(result.added))
            if result.dropped:
                log.warning(
                    "landing catalogue %s: %d load(s) have no manifest any more and were dropped: %s",
                    self.path,
                    len(result.dropped),
                    ", ".join(result.dropped[:5]) + (" …" if len(result.dropped) > 5 else ""),
                )
        self.last_reconciliation = result
        return result

    # ------------------------------------------------------------------ writing
    def _connect_for_write(self) -> duckdb.DuckDBPyConnection:
        if not writable(self.root):
            raise CatalogueUnavailable(f"{self.root} is not writable")
        con = duckdb.connect(str(self.path))
        con.execute(DDL)
        con.execute("alter table loads add column if not exists conversions varchar")  # catalogues before it
        return con

    def record(self, load: Load) -> None:
        """Add one new load (the caller holds the lock exclusively, see :func:`land_frame`)."""
        self._loads.setdefault(load.source, {})[load.load_id] = load
        if self._in_memory or not self.path.exists():
            # the first load written into a zone without a catalogue file: record the zone whole
            if writable(self.root):
                self.rebuild()
            return
        if self._batch is not None:
            self._batch.append(load)
            return
        self._write([load])

    def _write(self, loads: list[Load]) -> None:
        with self.lock.held(exclusive=True):
            try:
                con = self._connect_for_write()
            except CatalogueUnavailable:
                self._in_memory = True
                return
            try:
                _insert(con, loads)
            finally:
                con.close()
            self._signature = self._file_signature()

    @contextmanager
    def batch(self) -> Iterator[Catalogue]:
        """Record the loads landed inside the block with one write at its end (bulk landing).

        Until then other processes see the new loads through their manifests (a read records
        them); a crash inside the block loses nothing but the catalogue rows, which the next read
        recreates from the manifests.
        """
        if self._batch is not None:
            yield self
            return
        self._batch = []
        try:
            yield self
        finally:
            pending, self._batch = self._batch, None
            if pending:
                self._write(pending)

    # ------------------------------------------------------------------ rebuilding
    def _rebuild_loudly(self, reason: str) -> int:
        count = self.rebuild()
        log.warning("landing catalogue %s %s: rebuilt from %d manifest(s)", self.path, reason, count)
        return count

    def rebuild(self) -> int:
        """Recreate the catalogue file from the manifests (written aside, then swapped in)."""
        loads: dict[str, dict[str, Load]] = {}
        for name in self._folders():
            for load_id in sorted(self._manifest_names(name)):
                load = read_manifest(self.root / name / f"{load_id}.json", self.root)
                loads.setdefault(name, {})[load_id] = load
        self._loads = loads
        if not writable(self.root):
            self._in_memory = True
            return sum(len(v) for v in loads.values())
        with self.lock.held(exclusive=True):
            fresh = self.path.with_name(f"{CATALOGUE_FILE}.rebuild-{os.getpid()}")
            for stale in (fresh, fresh.with_name(fresh.name + ".wal")):
                stale.unlink(missing_ok=True)
            con = duckdb.connect(str(fresh))
            try:
                con.execute(DDL)
                _insert(con, [ld for by_id in loads.values() for ld in by_id.values()])
            finally:
                con.close()
            if self.path.exists():
                self._move_aside_if_corrupt()
            self.path.with_name(self.path.name + ".wal").unlink(missing_ok=True)
            os.replace(fresh, self.path)
            self._signature = self._file_signature()
            self._in_memory = False
        return sum(len(v) for v in loads.values())

    def _move_aside_if_corrupt(self) -> None:
        try:
            duckdb.connect(str(self.path), read_only=True).close()
        except duckdb.Error:
            stamp = time.strftime("%Y%m%dT%H%M%S")
            aside = self.path.with_name(f"{CATALOGUE_FILE}.corrupt-{stamp}")
            os.replace(self.path, aside)
            log.warning("landing catalogue %s was corrupt; kept as %s", self.path, aside)

    def status(self) -> dict[str, object]:
        """What ``warehouse catalogue`` prints: the file, the loads it records, what a read corrected."""
        loads = self.loads()
        return {
            "catalogue": str(self.path),
            "exists": self.path.exists(),
            "loads": len(loads),
            "sources": len({ld.source for ld in loads}),
            "recorded_from_disk": len(self.last_reconciliation.added),
            "dropped": len(self.last_reconciliation.dropped),
        }


_CATALOGUES: dict[str, Catalogue] = {}
_GUARD = threading.Lock()


def catalogue_of(root: Path | None = None) -> Catalogue:
    """The (process-wide) catalogue of a landing zone; default: this warehouse's."""
    root = Path(root or paths().landing)
    key = str(root.absolute())
    with _GUARD:
        if key not in _CATALOGUES:
            _CATALOGUES[key] = Catalogue(root)
        return _CATALOGUES[key]
