"""Fault injection on whole builds: SIGKILL in the middle of dbt, no network in a live build, a
corrupt landing file. In each, the serving database and its Parquet files stay byte-for-byte
the last good version."""

from __future__ import annotations

import os
import re
import signal
import socket
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from ground.database import serving
from ground.settings import Paths
from warehouse.publish import current_version, verify

from .test_publish_support import WEEK, build_env, build_output, publish_synthetic, snapshot, start_build, wait_for

pytestmark = pytest.mark.slow


def _children(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in parents.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def _cmdline(pid: int) -> list[str]:
    try:
        return (Path(f"/proc/{pid}/cmdline").read_bytes()).decode(errors="replace").split("\0")
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _dbt_build_pid(build_pid: int) -> int | None:
    for pid in _children(build_pid):
        args = _cmdline(pid)
        if any(Path(a).name == "dbt" for a in args[:2]) and "build" in args:
            return pid
    return None


def _lines_of(dbt_log: Path, pid: int) -> str:
    """The lines one dbt process wrote to the shared JSON log."""
    if not dbt_log.exists():
        return ""
    tag = f'"pid": {pid},'
    return "\n".join(line for line in dbt_log.read_text(errors="replace").splitlines() if tag in line)


def test_sigkill_in_the_middle_of_dbt(minimal_landing: Paths, tmp_path: Path) -> None:
    p = minimal_landing
    publish_synthetic(p)
    before = snapshot(p.serving)

    build = start_build(p, tmp_path / "killed")
    try:
        dbt_pid = wait_for(lambda: _dbt_build_pid(build.pid), 300, 0.1, "dbt to start")
        environ = dict(
            item.split("=", 1) for item in Path(f"/proc/{dbt_pid}/environ").read_text().split("\0") if "=" in item
        )
        dbt_log = Path(f"/proc/{dbt_pid}/cwd").resolve() / environ["DBT_LOG_PATH"] / "dbt.log"  # may be relative
        started = re.compile(r"\d+ of \d+ START ")
        # dbt.log is appended to by every build (one target folder); read only this dbt's lines
        wait_for(lambda: started.search(_lines_of(dbt_log, dbt_pid)), 120, 0.05, "a model")
    finally:
        os.killpg(build.pid, signal.SIGKILL)  # the build and its dbt child, which holds the DuckDB lock
        build.wait(timeout=30)
    wait_for(lambda: not _alive(dbt_pid), 30, what="dbt to die")
    assert "Done. PASS" not in _lines_of(dbt_log, dbt_pid)  # killed mid-run, not after
    assert "serving__warehouse" not in build_output(tmp_path / "killed")

    assert snapshot(p.serving) == before  # database, Parquet files and links byte-for-byte unchanged
    duckdb.connect(str(p.working_db), read_only=True).close()  # no lock left behind on the working database

    # a stale .partial folder of an interrupted publish does not confuse the next one
    stale = p.serving / "versions" / "v0002.partial"
    stale.mkdir()
    (stale / "warehouse.duckdb").write_bytes(b"half a database")

    again = start_build(p, tmp_path / "next")
    assert again.wait(timeout=900) == 0, build_output(tmp_path / "next")
    assert current_version(p).number == 2
    assert not stale.exists()
    with serving() as con:
        assert verify(con) == 2

    # the killed run is recorded as failed, not left STARTED (which would block the run queue)
    instance = dg.DagsterInstance.from_config(str(p.dagster_home))
    runs = instance.get_runs(filters=dg.RunsFilter(tags={"warehouse/cli": "build"}))
    assert sorted(run.status.value for run in runs) == ["FAILURE", "SUCCESS"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_live_build_without_network(minimal_landing: Paths, tmp_path: Path) -> None:
    pytest.importorskip("ingestion.fetching", reason="ingestion/fetching.py (the live fetcher) is not there yet")
    from ingestion.plans import planned_calls
    from ingestion.registry import registry
    from ingestion.trading_calendar import landed_week

    p = minimal_landing
    publish_synthetic(p)
    before = snapshot(p.serving)

    proxy = f"http://127.0.0.1:{_closed_port()}"  # every HTTP(S) call is refused at once
    proxies = {
        name: proxy for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
    }
    env = build_env(
        p,
        **proxies,
        NO_PROXY="",
        no_proxy="",
        WAREHOUSE_FETCH_DEADLINE_SECONDS="5",
        WAREHOUSE_FETCH_MAX_ATTEMPTS="1",
        WAREHOUSE_FETCH_MIN_INTERVAL_SECONDS="0",
        WAREHOUSE_FETCH_BACKOFF_BASE_SECONDS="0",
        WAREHOUSE_FETCH_BACKOFF_MAX_SECONDS="0",
        WAREHOUSE_FETCH_BREAKER_THRESHOLD="1",
    )
    build = start_build(p, tmp_path / "live", "--live", env=env)
    code = build.wait(timeout=900)
    output = build_output(tmp_path / "live")
    assert code == 1, output

    # the failed sources, by name
    match = re.search(r"not published: akshare fetches failed for ([\w, ]+);", output)
    assert match, output
    failed = set(match.group(1).split(", "))
    week = landed_week(WEEK)
    expected = {s.name for s in registry().values() if s.kind == "akshare" and planned_calls(s, week)}
    assert failed == expected
    assert {"macro_china_hgjck", "tool_trade_date_hist_sina"} <= failed

    # the rest still built: landed data checked, dbt built the marts in the working database
    assert "✓ landing_exports" in output  # macro_china_hgjck landed and passed its check
    assert "✓ dbt_models" in output
    con = duckdb.connect(str(p.working_db), read_only=True)
    try:
        assert con.execute("select count(*) from marts.mart_exports_monthly").fetchall()[0][0] > 0
    finally:
        con.close()

    # and the serving database keeps the last good version
    assert "keeps its last good version" in output
    assert snapshot(p.serving) == before


def test_corrupt_landing_file_is_named(minimal_landing: Paths, tmp_path: Path) -> None:
    from ingestion.landing import list_loads

    p = minimal_landing
    publish_synthetic(p)
    before = snapshot(p.serving)
    (load,) = list_loads(source="macro_china_hgjck")
    path = load.parquet_path
    os.chmod(path, 0o644)
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size // 2)

    build = start_build(p, tmp_path / "corrupt")
    code = build.wait(timeout=900)
    output = build_output(tmp_path / "corrupt")
    assert code == 1, output
    failures = output.split("Failures:", 1)[1]
    assert str(path) in failures, output  # the summary names the file
    assert "✓ dbt_models" not in output and "✓ serving__warehouse" not in output
    assert snapshot(p.serving) == before
