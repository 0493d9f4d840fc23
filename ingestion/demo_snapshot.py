"""Install the embedded demo snapshot (``data/demo/landing``) into a warehouse's landing zone.

What `warehouse demo` does before it builds. Installing is resumable: every file is written under
a temporary name and renamed into place (a kill or a full disk never leaves a truncated file under
a load's name), and a file already there is kept only when it is byte-for-byte the snapshot's
(size, then SHA-256); a damaged one is replaced. Per source, the Parquet files go before the
manifests, under the source's landing lock, so a load appears only once its data is complete.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ground.settings import DEMO_LANDING, paths
from ingestion.landing import TMP_SUFFIX, source_lock, sweep_debris


@dataclass
class Installed:
    copied: int = 0  # files written (new or replacing a damaged copy)
    present: int = 0  # files already in place, identical to the snapshot
    replaced: list[Path] = field(default_factory=list)  # damaged copies that were rewritten


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _identical(snapshot_file: Path, installed: Path) -> bool:
    return installed.stat().st_size == snapshot_file.stat().st_size and _sha256(installed) == _sha256(snapshot_file)


def _copy_atomically(source: Path, destination: Path) -> None:
    """Copy to ``<name>.tmp``, flush it to disk, then rename it over ``destination``; read-only after."""
    tmp = destination.with_name(destination.name + TMP_SUFFIX)
    try:
        with open(source, "rb") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, destination)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.chmod(destination, 0o444)


def install_demo_snapshot(target: Path | None = None, snapshot: Path = DEMO_LANDING) -> Installed:
    """Install every load of ``snapshot`` into the landing zone ``target`` (default: this home's)."""
    target = Path(target or paths().landing)
    result = Installed()
    for folder in sorted(d for d in snapshot.iterdir() if d.is_dir()):
        files = sorted(folder.glob("*.parquet")) + sorted(folder.glob("*.json"))  # manifests last
        if not files:
            continue
        with source_lock(target, folder.name) as installed_folder:
            try:
                for path in files:
                    destination = installed_folder / path.name
                    if destination.exists():
                        if _identical(path, destination):
                            result.present += 1
                            continue
                        result.replaced.append(destination)
                    _copy_atomically(path, destination)
                    result.copied += 1
            except BaseException:
                sweep_debris(installed_folder)  # Parquet files whose manifest did not follow
                raise
    return result
