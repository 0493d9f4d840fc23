"""Is a process of this host still alive? (A killed build leaves records naming its pid behind.)"""

from __future__ import annotations

import os
from pathlib import Path


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (Linux), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def process_started(pid: int) -> int | None:
    """When ``pid`` started, in clock ticks since boot (Linux; None elsewhere or when it is gone).

    Recorded beside a pid, it tells the process apart from a later one the kernel gave the same pid.
    """
    fields = _stat_fields(pid)
    try:
        return int(fields[19]) if fields else None  # field 22 of stat(5); fields[0] is field 3
    except (IndexError, ValueError):
        return None


def process_alive(pid: int, started: int | None = None) -> bool:
    """``pid`` runs on this host (not a zombie); with ``started``, it is still that same process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    fields = _stat_fields(pid)
    if fields is None:
        return True  # no /proc to ask: the signal said it exists
    if fields[0] == "Z":  # a zombie has exited; only its exit status is left
        return False
    return started is None or process_started(pid) in (None, started)
