"""The log file of one CLI build, and one-line reasons for what can stop a run outright.

``warehouse build`` and ``warehouse demo`` print one line per stage; everything else goes to
``<home>/logs/build-<week>-<time>-<run>.log``: a line per step, failed checks in full, dbt's
per-node log (dagster-dbt echoes it to standard output, which the build redirects here) and the
traceback of an error that stopped the run. The path is printed with the build's summary. The
newest ``KEEP_LOGS`` logs are kept.

Writing the log never fails a build: on a full disk the log stops growing and says so, and the
build reports the disk, not the log.
"""

from __future__ import annotations

import errno
import io
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from ground.settings import Paths

KEEP_LOGS = 30


class BuildLog(io.TextIOBase):
    """A text file that swallows write errors (ENOSPC) instead of raising them into the run."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.lost = False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file: io.TextIOWrapper | None = open(path, "w", encoding="utf-8")  # noqa: SIM115
        except OSError:
            self._file, self.lost = None, True

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self._file is not None and not self.lost:
            try:
                self._file.write(text)
            except OSError:
                self.lost = True
        return len(text)

    def flush(self) -> None:
        if self._file is not None and not self.lost:
            try:
                self._file.flush()
            except OSError:
                self.lost = True

    def close(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except OSError:
                self.lost = True
            self._file = None
        super().close()


def open_build_log(p: Paths, week: str, run_id: str) -> BuildLog:
    """A new log for this build (older ones beyond the newest ``KEEP_LOGS`` are removed)."""
    folder = p.home / "logs"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log = BuildLog(folder / f"build-{week}-{stamp}-{run_id[:8]}.log")
    try:
        for old in sorted(folder.glob("build-*.log"), key=lambda f: f.stat().st_mtime)[:-KEEP_LOGS]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
    return log


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def is_disk_full(exc: BaseException, where: Path | None = None) -> bool:
    """ENOSPC anywhere in the exception chain, or SQLite's and DuckDB's words for it; with
    ``where``, also an unspecific I/O error (SQLite's "disk I/O error" when its journal cannot
    grow) while the disk holding ``where`` has (almost) no space left."""
    for link in _chain(exc):
        if isinstance(link, OSError) and link.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        text = str(link).lower()
        if "disk is full" in text or "no space left on device" in text:
            return True
        if isinstance(link, sqlite3.OperationalError) and "full" in text:
            return True
        io_error = "disk i/o error" in text or (isinstance(link, OSError) and link.errno == errno.EIO)
        if io_error and where is not None and _free_bytes(where) < NEARLY_FULL_BYTES:
            return True
    return False


NEARLY_FULL_BYTES = 1 << 20  # what counts as no space left for an unspecific I/O error


def _free_bytes(where: Path) -> float:
    try:
        free = os.statvfs(where)
    except OSError:
        return float("inf")
    return free.f_bavail * free.f_frsize


def describe_failure(exc: BaseException, p: Paths) -> str:
    """One line saying what stopped the run, in the user's terms."""
    if is_disk_full(exc, p.home):
        try:
            free = os.statvfs(p.home)
            left = f"{free.f_bavail * free.f_frsize / 2**20:.0f} MiB free"
        except OSError:
            left = "free space unknown"
        return f"the disk holding {p.home} is full ({left}); free some space and build again"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
