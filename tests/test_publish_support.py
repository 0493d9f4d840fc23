"""Helpers shared by the publish, concurrency and fault tests (no tests here).

* :func:`make_working_db` writes a small synthetic working database (two marts, a view, a
  quality table, a landing table that must not be published), so publish tests need no build;
* :func:`snapshot` records every file, folder and symlink under a folder (bytes hashed), to
  assert that ``serving/`` is byte-for-byte unchanged;
* :data:`READER_SCRIPT` is a reader process that opens the serving database afresh in a loop,
  read-only, and checks that each read sees one complete version;
* :func:`start_build` runs ``warehouse build`` in its own process group.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from ground.settings import Paths

WEEK = "2023-W15"
AS_OF = "2023-04-14T20:00+08:00"
BIN = Path(sys.executable).parent


def make_working_db(p: Paths, *, rows: int = 3, seed: int = 0) -> Path:
    """A fresh working database with ``marts.mart_exports_monthly`` (``rows`` rows), a second mart,
    a view in ``marts``, ``quality.check_results`` and a ``landing`` table."""
    path = p.working_db
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts; create schema quality; create schema landing")
        con.execute(
            """
            create table marts.mart_exports_monthly as
            select (date '2023-03-01' - to_months(i))::date as month, 'total' as dimension,
                   'exports' as member, '出口' as member_name, (3000 + i + ?)::double as value_usd_100m,
                   timestamptz '2023-04-13 12:00:00+00' as published_at
            from range(?) t(i)
            """,
            [seed, rows],
        )
        con.execute("comment on table marts.mart_exports_monthly is 'Customs trade by month (亿美元)'")
        con.execute("comment on column marts.mart_exports_monthly.value_usd_100m is '金额，亿美元'")
        con.execute(
            "create table marts.mart_flows as select i as day, i * 1.5 + ? as net from range(?) t(i)", [seed, rows]
        )
        con.execute(
            "create view marts.mart_latest as select * from marts.mart_exports_monthly order by month desc limit 1"
        )
        con.execute("create table quality.check_results as select 'macro_china_hgjck' as source, true as passed")
        con.execute("create table landing._loads as select 'x' as load_id")
    finally:
        con.close()
    return path


def publish_synthetic(p: Paths, *, rows: int = 3, seed: int = 0, keep_working: bool = False) -> Any:
    """Publish a synthetic version (so readers have something before a build publishes)."""
    from warehouse.publish import publish

    make_working_db(p, rows=rows, seed=seed)
    version = publish(week=WEEK, as_of="2023-04-14T12:00:00+00:00", p=p)
    if not keep_working:
        p.working_db.unlink()
    return version


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` (links not followed): symlink targets, file hashes and modes."""
    entries: dict[str, tuple] = {}
    for root, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            path = Path(root) / name
            key = str(path.relative_to(folder))
            if path.is_symlink():
                entries[key] = ("link", os.readlink(path))
            elif path.is_dir():
                entries[key] = ("dir",)
            else:
                entries[key] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode)
    return entries


def build_env(p: Paths, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        WAREHOUSE_HOME=str(p.home),
        WAREHOUSE_REPORTS=str(p.reports),
        DAGSTER_HOME=str(p.dagster_home),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def start_build(p: Paths, log_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """``warehouse build --week 2023-W15 --as-of ...`` in its own process group (session)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    command = [str(BIN / "warehouse"), "build", "--week", WEEK, "--as-of", AS_OF, *args]
    with open(log_dir / "stdout.txt", "w") as out, open(log_dir / "stderr.txt", "w") as err:
        return subprocess.Popen(command, stdout=out, stderr=err, env=env or build_env(p), start_new_session=True)


def build_output(log_dir: Path) -> str:
    """What the build printed, followed by its build log (one line per step, dbt's output), if it named one."""
    printed = (log_dir / "stdout.txt").read_text() + (log_dir / "stderr.txt").read_text()
    match = re.search(r"^\s*(?:Full log|Log): (\S+\.log)$", printed, re.M)
    log = Path(match.group(1)) if match else None
    return printed + (f"\n--- {log}\n" + log.read_text(errors="replace") if log and log.exists() else "")


READER_SCRIPT = r'''
"""Read the serving database in a loop until a stop file appears; report what every read saw."""
import json, sys, time
from pathlib import Path

import duckdb

from ground.database import NotPublishedError, serving
from warehouse.publish import verify, verify_parquet

serving_dir, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
reads, parquet_reads, errors, seen = 0, 0, [], []
# a reader that keeps one connection open from the start, across every publish and prune
held = duckdb.connect(str((serving_dir / "warehouse.duckdb").resolve()), read_only=True)
held_version = verify(held)
Path(str(out) + ".ready").write_text(str(held_version))
i = 0
while not stop.exists():
    i += 1
    try:
        if i % 2:  # what the CLI and the report do: resolve the link, open read-only
            with serving(serving_dir / "warehouse.duckdb") as con:
                version = verify(con)
        else:  # what a BI tool does: open the link itself, read-only
            con = duckdb.connect(str(serving_dir / "warehouse.duckdb"), read_only=True)
            try:
                version = verify(con)
            finally:
                con.close()
        reads += 1
        if not seen or seen[-1] != version:
            seen.append(version)
        if i % 3 == 0:  # Parquet: resolve `current` once, then read that version's files
            verify_parquet((serving_dir / "current").resolve())
            parquet_reads += 1
    except Exception as exc:  # noqa: BLE001 - every failure is a finding
        errors.append(f"{type(exc).__name__}: {exc}")
    time.sleep(0.02)
try:
    assert verify(held) == held_version
    held_ok = True
except Exception as exc:  # noqa: BLE001
    held_ok = False
    errors.append(f"held connection: {type(exc).__name__}: {exc}")
held.close()
out.write_text(json.dumps({"reads": reads, "parquet_reads": parquet_reads, "errors": errors[:20],
                           "error_count": len(errors), "versions": seen, "held_version": held_version,
                           "held_ok": held_ok}))
'''


class Reader:
    """A reader process (see :data:`READER_SCRIPT`); ``stop()`` returns its report."""

    def __init__(self, p: Paths, work: Path) -> None:
        work.mkdir(parents=True, exist_ok=True)
        script = work / "reader.py"
        script.write_text(READER_SCRIPT)
        self.stop_file, self.out = work / "stop", work / "reader.json"
        with open(work / "reader.err", "w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, str(script), str(p.serving), str(self.stop_file), str(self.out)],
                env=build_env(p),
                stderr=err,
            )
        self.work = work
        ready = Path(str(self.out) + ".ready")
        wait_for(lambda: ready.exists() or self.proc.poll() is not None, 60, what="the reader to start")
        assert ready.exists(), (work / "reader.err").read_text()

    def stop(self, timeout: float = 60) -> dict[str, Any]:
        self.stop_file.touch()
        self.proc.wait(timeout=timeout)
        assert self.out.exists(), (self.work / "reader.err").read_text()
        return json.loads(self.out.read_text())


def wait_for(predicate: Any, timeout: float, interval: float = 0.05, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
