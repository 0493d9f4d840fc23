"""The immutable landing zone.

Every load (one akshare call with one parameter set, or one curated file) is written once as
``<landing>/<source>/<load_id>.parquet`` holding exactly the frame the source returned
(Chinese column names and all), followed by ``<load_id>.json``, its manifest row. The JSON is
written last, so a load exists only once both files are complete; a crash in between leaves
an orphan Parquet file that nothing reads. Files are made read-only after writing. Then the load
is recorded in the zone's catalogue (``ingestion/catalogue.py``), which is what readers list.

Landing content identical to the latest load of the same source and parameters creates no new
load: :func:`land_frame` returns the existing one with ``created=False``. Content landed with an
explicit ``available_at`` repeats a load only with the same content and moment: the same file
landed again with ``--available-at`` (a backfill first landed without it) is a new load. The comparison
and the write happen under the landing lock (the catalogue's) and the source's lock (an flock on
``<source>/.lock``), so two identical ingests at the same moment land once; holding it, a writer
also sweeps what a killed or failed writer left (``*.tmp`` files, a Parquet file without its
manifest), and a write that fails removes its own partial files.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ground.settings import paths
from ingestion.conform import Conversion, conform
from ingestion.periods import period_range
from ingestion.registry import Source


class LandingError(RuntimeError):
    """A landing file is missing, unreadable or corrupt; the message names the file."""


@dataclass(frozen=True)
class Load:
    """One manifest row."""

    load_id: str
    source: str
    params: dict[str, Any]
    fetched_at: str
    available_at: str
    rows: int
    columns: list[list[str]]
    content_hash: str
    origin: str
    akshare_version: str | None = None
    file_name: str | None = None
    demo: bool = False
    period_min: str | None = None
    period_max: str | None = None
    conversions: list[dict[str, str]] = field(default_factory=list)
    root: str = field(default="", compare=False)

    @property
    def parquet_path(self) -> Path:
        return Path(self.root) / self.source / f"{self.load_id}.parquet"

    @property
    def manifest_path(self) -> Path:
        return Path(self.root) / self.source / f"{self.load_id}.json"

    @property
    def params_key(self) -> str:
        return params_key(self.params)

    @property
    def available_at_dt(self) -> datetime:
        return datetime.fromisoformat(self.available_at)

    def describe(self) -> str:
        origin = self.file_name or self.origin
        return f"load {self.load_id} of {self.source} ({origin}, params {self.params_key})"


@dataclass(frozen=True)
class LandResult:
    load: Load
    created: bool


def params_key(params: dict[str, Any]) -> str:
    return json.dumps(params, ensure_ascii=False, sort_keys=True, default=str)


@cache
def akshare_version() -> str | None:
    """The installed akshare version, read without importing akshare."""
    try:
        return metadata.version("akshare")
    except metadata.PackageNotFoundError:
        return None


def content_hash(frame: pd.DataFrame) -> str:
    """A hash of column names, dtypes and values (row order included)."""
    digest = hashlib.sha256()
    digest.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()], ensure_ascii=False).encode())
    digest.update(str(len(frame)).encode())
    for column in frame.columns:
        series = frame[column]
        if series.dtype == object:
            series = series.map(lambda v: None if v is None or (isinstance(v, float) and v != v) else repr(v))
        digest.update(pd.util.hash_pandas_object(series, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _to_arrow(frame: pd.DataFrame) -> pa.Table:
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # a column mixing types (text in a numeric column): keep it, as text, for the checks to see
        fixed = frame.copy()
        for column in fixed.columns:
            if fixed[column].dtype == object:
                fixed[column] = fixed[column].map(lambda v: None if v is None or v != v else str(v))
        return pa.Table.from_pandas(fixed, preserve_index=False)


def _write_once(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + TMP_SUFFIX)
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    os.chmod(path, 0o444)


LOCK_NAME = ".lock"
TMP_SUFFIX = ".tmp"


def sweep_debris(folder: Path) -> list[Path]:
    """Remove what an interrupted write left in a source folder: ``*.tmp`` files and Parquet files
    without their manifest (a load exists only once its ``.json`` is written). Call it holding
    :func:`source_lock`, so no live writer's files are taken for debris."""
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.is_file()]  # one listing, no stat per file
    except FileNotFoundError:
        return []
    manifests = {name.removesuffix(".json") for name in names if name.endswith(".json")}
    debris = [
        folder / name
        for name in names
        if name.endswith(TMP_SUFFIX) or (name.endswith(".parquet") and name.removesuffix(".parquet") not in manifests)
    ]
    for path in debris:
        path.unlink(missing_ok=True)
    return debris


@contextmanager
def source_lock(root: Path, source_name: str) -> Iterator[Path]:
    """Hold the source's landing lock (an flock on ``<root>/<source>/.lock``, released on exit or
    when the process dies) after sweeping the folder's debris; yield the folder."""
    folder = Path(root) / source_name
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_NAME, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            sweep_debris(folder)
            yield folder
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {moment} has no time zone")
    return moment.astimezone(UTC)


def land_frame(
    source: Source,
    frame: pd.DataFrame,
    params: dict[str, Any] | None = None,
    *,
    origin: str,
    fetched_at: datetime | None = None,
    available_at: datetime | None = None,
    file_name: str | None = None,
    demo: bool = False,
    root: Path | None = None,
) -> LandResult:
    """Write one load of ``source`` (or return the latest load when the content is unchanged)."""
    from ingestion.catalogue import catalogue_of  # here: the catalogue module imports this one

    root = Path(root or paths().landing)
    params = dict(params or {})
    frame, conversions = conform(source, frame)
    digest = content_hash(frame)
    catalogue = catalogue_of(root)
    # exclusive from the "identical to an earlier load?" check until the catalogue row is
    # written: two processes landing the same content cannot both create a load
    with catalogue.lock.held(exclusive=True), source_lock(root, source.name):
        same = _identical_load(root, source.name, params, digest, _utc(available_at) if available_at else None)
        if same is not None:
            return LandResult(same, created=False)
        load = _write_load(
            source, frame, params, digest, conversions, root, origin, fetched_at, available_at, file_name, demo
        )
        catalogue.record(load)
    return LandResult(load, created=True)


def _write_load(
    source: Source,
    frame: pd.DataFrame,
    params: dict[str, Any],
    digest: str,
    conversions: list[Conversion],
    root: Path,
    origin: str,
    fetched_at: datetime | None,
    available_at: datetime | None,
    file_name: str | None,
    demo: bool,
) -> Load:
    """Write the Parquet file, then the manifest; on any error remove what was written."""
    fetched = _utc(fetched_at)
    available = _utc(available_at) if available_at else fetched
    load_id = f"{fetched:%Y%m%dT%H%M%S%f}Z-" + hashlib.sha256((digest + params_key(params)).encode()).hexdigest()[:10]
    table = _to_arrow(frame)
    first, last = period_range(source, frame, params, fetched)
    load = Load(
        load_id=load_id,
        source=source.name,
        params=params,
        fetched_at=fetched.isoformat(),
        available_at=available.isoformat(),
        rows=len(frame),
        columns=[[f.name, str(f.type)] for f in table.schema],
        content_hash=digest,
        origin=origin,
        akshare_version=akshare_version() if source.kind == "akshare" else None,
        file_name=file_name,
        demo=demo,
        period_min=first.isoformat() if first else None,
        period_max=last.isoformat() if last else None,
        conversions=[c.as_dict() for c in conversions],
        root=str(root),
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    manifest = {k: v for k, v in asdict(load).items() if k != "root"}
    try:
        _write_once(load.parquet_path, sink.getvalue().to_pybytes())
        _write_once(load.manifest_path, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    except BaseException:
        sweep_debris(load.parquet_path.parent)  # the .tmp files and a Parquet file without manifest
        raise
    return load


def read_manifest(path: Path, root: Path) -> Load:
    """One manifest file as a Load; a corrupt one raises LandingError naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Load(**data, root=str(root))
    except (json.JSONDecodeError, TypeError, UnicodeDecodeError) as exc:
        raise LandingError(f"corrupt landing manifest {path}: {exc}") from exc


def list_loads(root: Path | None = None, source: str | None = None) -> list[Load]:
    """Every complete load (both files present), oldest first, from the zone's catalogue."""
    from ingestion.catalogue import catalogue_of  # here: the catalogue module imports this one

    return catalogue_of(root).loads(source)


def _identical_load(
    root: Path, source: str, params: dict[str, Any], digest: str, available: datetime | None
) -> Load | None:
    """The load that landing ``digest`` again would repeat: the latest load of these parameters
    when it holds the same content, or, for content landed as known at an explicit moment, a
    load with that content and moment (the same content at another moment is a new load: a file
    first landed without --available-at, landed again as the backfill it is)."""
    if available is None:
        latest = latest_load(root, source, params)
        return latest if latest is not None and latest.content_hash == digest else None
    key = params_key(params)
    for load in reversed(list_loads(root, source)):
        if load.params_key == key and load.content_hash == digest and load.available_at_dt == available:
            return load
    return None


def latest_load(root: Path, source: str, params: dict[str, Any]) -> Load | None:
    key = params_key(params)
    candidates = [ld for ld in list_loads(root, source) if ld.params_key == key]
    return candidates[-1] if candidates else None


def read_load(load: Load) -> pd.DataFrame:
    """The raw frame of one load; a missing or corrupt file raises LandingError naming it."""
    path = load.parquet_path
    if not path.exists():
        raise LandingError(f"landing file {path} is missing ({load.describe()})")
    try:
        return pq.read_table(path).to_pandas()
    except (pa.ArrowInvalid, OSError) as exc:
        raise LandingError(f"landing file {path} is corrupt or unreadable: {exc}") from exc


def read_load_for_checks(load: Load) -> pd.DataFrame:
    """The raw frame with dates as datetime64 and text as object, the dtypes the suites name."""
    try:
        frame = pq.read_table(load.parquet_path).to_pandas(date_as_object=False)
    except (pa.ArrowInvalid, OSError) as exc:
        raise LandingError(f"landing file {load.parquet_path} is corrupt or unreadable: {exc}") from exc
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.StringDtype):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def verify_load(load: Load) -> None:
    """Raise LandingError naming the file if a load's Parquet file cannot be read whole."""
    path = load.parquet_path
    if not path.exists():
        raise LandingError(f"landing file {path} is missing ({load.describe()})")
    try:
        meta = pq.read_metadata(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise LandingError(f"landing file {path} is corrupt or unreadable: {exc}") from exc
    if meta.num_rows != load.rows:
        raise LandingError(f"landing file {path} holds {meta.num_rows} rows, its manifest says {load.rows}")
