"""File-system steps of a publish, each crash-safe on its own: the publish lock, fsync, sealing a
folder read-only, swapping a symlink with one ``rename(2)``, the ``publish.log`` events, and the
numbering and clean-up of version folders."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ground.settings import Paths
from warehouse.serving_versions import ANY_VERSION_DIR, PublishError

LOCK_TIMEOUT_SECONDS = 600.0
ENTRY_LINKS = {
    "warehouse.duckdb": "current/warehouse.duckdb",
    "parquet": "current/parquet",
    "version.json": "current/version.json",
}


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def seal_tree(folder: Path) -> None:
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
        fsync_dir(directory)


def swap_symlink(link: Path, target: str) -> None:
    """Point ``link`` at ``target`` atomically (a new symlink renamed over the old one)."""
    tmp = link.with_name(link.name + ".swap")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, link)
    fsync_dir(link.parent)


def ensure_entry_links(p: Paths) -> None:
    for name, target in ENTRY_LINKS.items():
        link = p.serving / name
        if link.is_symlink() and os.readlink(link) == target:
            continue
        if link.exists() and not link.is_symlink() and link.is_dir():
            raise PublishError(f"{link} is a folder; move it away so it can become a link to {target}")
        swap_symlink(link, target)


@contextmanager
def publish_lock(p: Paths, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
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


def log_event(p: Paths, event: dict[str, Any]) -> None:
    """Append one line to ``serving/publish.log`` (publishes and rollbacks, for the record)."""
    line = json.dumps({"at": datetime.now(UTC).isoformat(), **event}, ensure_ascii=False) + "\n"
    with open(p.serving / "publish.log", "a", encoding="utf-8") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())


def clear_stale(root: Path) -> None:
    """Remove what an interrupted publish left: ``*.partial`` folders and a half-made swap link."""
    for child in root.iterdir():
        if child.name.endswith(".partial") and child.is_dir():
            shutil.rmtree(child)
    for swap in root.parent.glob("*.swap"):
        if swap.is_symlink():
            swap.unlink()


def next_number(root: Path) -> int:
    numbers = [int(m.group(1)) for c in root.iterdir() if (m := ANY_VERSION_DIR.match(c.name))]
    return max(numbers, default=0) + 1
