"""Run one contender as a child process: wall time, peak memory, exit status.

Peak memory is reported two ways:
- ``max_rss_mb``: ``ru_maxrss`` from ``os.wait4`` — the largest resident set of any single process
  of the child's tree (the kernel keeps the maximum over the child and its waited-for descendants;
  children are started with fork, not vfork, see below);
- ``tree_peak_mb``: the largest sum of the resident sets of the whole tree, sampled from /proc every
  0.1 s (a Dagster build runs dbt as a grandchild; both are alive at once).
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
# A vfork()ed child records the PARENT's peak resident set as its own ru_maxrss when it execs (the
# kernel saves the old mm's high-water mark, and after vfork that mm is the parent's): every child
# of a runner that once held 2 GB would report >= 2 GB. A plain fork() starts the child clean.
if hasattr(subprocess, "_USE_VFORK"):
    subprocess._USE_VFORK = False
WORK = Path(__file__).resolve().parent / ".work"


def use_bytecode_cache(prefix: Path = WORK / "pycache") -> Path:
    """Let every child write and reuse bytecode under ``prefix`` (not in the shared .venv).

    The machine may run with PYTHONDONTWRITEBYTECODE=1 and a .venv without .pyc files, so each
    process would compile every module it imports from source (``import pandas`` ~10 s instead of
    ~1 s). Builds on a developer's machine reuse bytecode; so do the benchmarks.
    """
    prefix.mkdir(parents=True, exist_ok=True)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(prefix)
    return prefix


def compile_bytecode(prefix: Path, roots: list[Path], log: Path | None = None) -> Measurement | None:
    """Compile every module of ``roots`` into ``prefix`` once (a marker records it)."""
    import sys

    marker = prefix / ".compiled"
    wanted = "\n".join(str(r) for r in roots)
    if marker.exists() and marker.read_text() == wanted:
        return None
    cmd = [sys.executable, "-m", "compileall", "-q", "-j", "0", *map(str, roots)]
    result = run(cmd, label="compileall", log=log)
    marker.write_text(wanted)
    return result


@dataclass
class Measurement:
    label: str
    seconds: float
    max_rss_mb: float
    tree_peak_mb: float
    returncode: int
    load_before: float
    cpu_seconds: float = 0.0
    started_at: float = 0.0  # epoch seconds at launch
    log: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(stat[1]), []).append(int(entry))
    return tree


def tree_rss_mb(root: int) -> float:
    tree = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except OSError:
            pass
        stack.extend(tree.get(pid, []))
    return total / 2**20


def run(
    cmd: list[str],
    *,
    label: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    log: Path | None = None,
    timeout: float | None = None,
    sample_every: float = 0.1,
) -> Measurement:
    """Run ``cmd`` to completion; stdout and stderr go to ``log`` (or are discarded)."""
    load_before = os.getloadavg()[0]
    sink = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    started_at = time.time()
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_mb(proc.pid))
            done.wait(sample_every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timer = None
    if timeout:
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        seconds = time.monotonic() - started
        done.set()
        sampler.join()
        if timer:
            timer.cancel()
        if log:
            sink.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(
        label=label,
        seconds=seconds,
        max_rss_mb=usage.ru_maxrss / 1024,
        tree_peak_mb=max(peak, usage.ru_maxrss / 1024),
        returncode=proc.returncode,
        load_before=load_before,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        started_at=started_at,
        log=str(log) if log else None,
    )


def tail(path: str | Path | None, lines: int = 30) -> str:
    if not path or not Path(path).exists():
        return ""
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
