"""Write-audit-publish on a synthetic working database (no build: each test takes about a second)."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ground.database import NotPublishedError, serving
from ground.settings import REPO_ROOT, Paths
from warehouse.publish import (
    PublishError,
    current_version,
    publish,
    rollback,
    verify,
    verify_parquet,
    versions,
)

from .test_publish_support import Reader, build_env, make_working_db, snapshot

AS_OF = "2023-04-14T12:00:00+00:00"


def _publish(p: Paths, *, rows: int = 3, seed: int = 0, keep: int = 5) -> int:
    make_working_db(p, rows=rows, seed=seed)
    return publish(week="2023-W15", as_of=AS_OF, p=p, keep=keep).number


def test_publish_writes_a_complete_read_only_version(warehouse_home: Paths) -> None:
    p = warehouse_home
    make_working_db(p, rows=4)
    version = publish(week="2023-W15", as_of=AS_OF, p=p)

    assert version.name == "v0001"
    assert os.readlink(p.serving / "current") == "versions/v0001"  # relative: survives a bind mount
    assert os.readlink(p.serving_db) == "current/warehouse.duckdb"
    assert os.readlink(p.serving_parquet) == "current/parquet"
    assert not list((p.serving / "versions").glob("*.partial"))
    for path in version.path.rglob("*"):
        if path.is_file():
            assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), path

    with serving() as con:
        assert verify(con) == 1
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas() where not internal").fetchall()}
        assert {"marts", "quality", "meta"} <= schemas and "landing" not in schemas
        tables = {
            r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()
        }
        assert tables == {"mart_exports_monthly", "mart_flows", "mart_latest"}  # the view became a table
        assert con.execute("select count(*) from marts.mart_latest").fetchall() == [(1,)]
        (row,) = con.execute("select version, week, as_of, git_commit, row_counts from meta.versions").fetchall()
        assert row[:2] == (1, "2023-W15") and row[2].isoformat() == "2023-04-14T12:00:00+00:00"
        assert re.fullmatch(r"[0-9a-f]{4,}|unknown", row[3])
        assert json.loads(row[4])["marts.mart_exports_monthly"] == 4
        marts = con.execute("select mart, rows from meta.version_marts order by mart").fetchall()
        assert marts == [("mart_exports_monthly", 4), ("mart_flows", 4), ("mart_latest", 1)]
        comment = con.execute(
            "select comment from duckdb_columns() where table_name = 'mart_exports_monthly' and column_name = 'value_usd_100m'"
        ).fetchall()
        assert comment == [("金额，亿美元",)]
        table = con.execute("select * from marts.mart_exports_monthly order by month").fetchall()
        parquet = con.execute(
            f"select * from read_parquet('{p.serving_parquet / 'mart_exports_monthly.parquet'}') order by month"
        ).fetchall()
        assert parquet == table
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("create table marts.x (a int)")
    assert verify_parquet(version.path) == 1
    record = json.loads((p.serving / "version.json").read_text())
    assert record["version"] == 1 and record["marts"]["mart_flows"]["rows"] == 4
    assert json.loads((p.serving / "publish.log").read_text().splitlines()[-1])["event"] == "publish"


def test_versions_history_pruning_and_rollback(warehouse_home: Paths) -> None:
    p = warehouse_home
    numbers = [_publish(p, seed=i, keep=3) for i in range(5)]
    assert numbers == [1, 2, 3, 4, 5]
    assert [v.number for v in versions(p)] == [3, 4, 5]  # the last three kept
    with serving() as con:
        assert [r[0] for r in con.execute("select version from meta.versions order by 1").fetchall()] == numbers

    assert rollback(p).number == 4
    assert current_version(p).number == 4
    with serving() as con:
        assert verify(con) == 4
    assert verify_parquet((p.serving / "current").resolve()) == 4

    # the next publish succeeds the current version (4); the rolled-back 5 is not in its line
    assert _publish(p, seed=9, keep=3) == 6
    with serving() as con:
        assert [r[0] for r in con.execute("select version from meta.versions order by 1").fetchall()] == [1, 2, 3, 4, 6]
    # the kept three are 6 and its rollback chain (4, 3), not the rolled-back 5
    assert [v.number for v in versions(p)] == [3, 4, 6]
    assert rollback(p).number == 4  # not 5, which was rolled back
    assert rollback(p).number == 3
    with pytest.raises(PublishError, match="no version published before v0003 is kept"):
        rollback(p)  # 1 and 2 were pruned
    events = [json.loads(line)["event"] for line in (p.serving / "publish.log").read_text().splitlines()]
    assert events == ["publish"] * 5 + ["rollback", "publish", "rollback", "rollback"]


def test_cli_rollback(warehouse_home: Paths) -> None:
    from click.testing import CliRunner

    from cli.commands import main

    p = warehouse_home
    result = CliRunner().invoke(main, ["publish", "--rollback"])
    assert result.exit_code != 0 and "nothing is published" in result.output
    _publish(p, seed=1)
    _publish(p, seed=2)
    result = CliRunner().invoke(main, ["publish", "--rollback"])
    assert result.exit_code == 0, result.output
    assert "v0001" in result.output
    assert current_version(p).number == 1
    result = CliRunner().invoke(main, ["query", "select max(version) as v from meta.versions"])
    assert result.stdout.splitlines() == ["v", "1"]


def test_failed_audit_leaves_serving_unchanged(warehouse_home: Paths) -> None:
    p = warehouse_home
    _publish(p)
    before = snapshot(p.serving)
    make_working_db(p, rows=0)
    con = duckdb.connect(str(p.working_db))
    con.execute("delete from marts.mart_flows")
    con.close()
    with pytest.raises(PublishError, match="every mart is empty"):
        publish(week="2023-W15", as_of=AS_OF, p=p)
    assert snapshot(p.serving) == before  # no new version, no .partial left behind

    con = duckdb.connect(str(p.working_db))
    con.execute("drop view marts.mart_latest; drop table marts.mart_exports_monthly; drop table marts.mart_flows")
    con.close()
    with pytest.raises(PublishError, match="no marts"):
        publish(week="2023-W15", as_of=AS_OF, p=p)
    p.working_db.unlink()
    with pytest.raises(PublishError, match="no working database"):
        publish(week="2023-W15", as_of=AS_OF, p=p)
    assert snapshot(p.serving) == before


def test_verify_detects_a_mixed_or_altered_version(warehouse_home: Paths, tmp_path: Path) -> None:
    p = warehouse_home
    assert _publish(p, rows=5) == 1
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(current_version(p).database.read_bytes())
    con = duckdb.connect(str(copy))
    con.execute("delete from marts.mart_flows where day = 0")
    with pytest.raises(PublishError, match=r"marts.mart_flows has 4 rows"):
        verify(con)
    con.execute("insert into meta.versions (version) values (2)")
    with pytest.raises(PublishError, match="no marts for version 2"):
        verify(con)
    con.close()


def test_not_published_yet(warehouse_home: Paths) -> None:
    with pytest.raises(NotPublishedError, match="no published warehouse"), serving():
        pass


def test_reader_keeps_a_pruned_version_open(warehouse_home: Paths) -> None:
    p = warehouse_home
    _publish(p, rows=2)
    with serving() as old:
        for i in range(4):
            _publish(p, rows=3 + i, keep=2)
        assert not (p.serving / "versions" / "v0001").exists()  # pruned while open
        assert verify(old) == 1
        assert old.execute("select count(*) from marts.mart_exports_monthly").fetchall() == [(2,)]
    with serving() as new:
        assert verify(new) == 5


def test_readers_see_whole_versions_while_versions_are_published(warehouse_home: Paths, tmp_path: Path) -> None:
    """A reader process opening the serving database in a loop while 12 versions are published."""
    p = warehouse_home
    _publish(p, rows=3)
    reader = Reader(p, tmp_path / "reader")
    try:
        for i in range(12):
            _publish(p, rows=3 + i % 5, seed=i, keep=3)
    finally:
        report = reader.stop()
    assert report["error_count"] == 0, report["errors"]
    assert report["held_ok"] and report["held_version"] == 1
    assert report["reads"] > 10 and report["parquet_reads"] > 0
    seen = report["versions"]  # in the order first seen: never older than one seen before
    assert seen == sorted(seen) and set(seen) <= set(range(1, 14)) and len(seen) >= 5, seen


KILL_SCRIPT = r"""
import os, signal, sys
from warehouse import publish as wp
from ground.settings import paths

stage = sys.argv[1]
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
original_audit = wp.audit
def write_then_die(staging, record):
    original_audit(staging, record)
    die()
original_seal = wp.seal_tree
def seal_then_die(folder):
    original_seal(folder)
    die()
if stage == "written":  # database and Parquet written and audited, not yet sealed
    wp.audit = write_then_die
elif stage == "sealed":  # read-only and fsynced, not yet renamed
    wp.seal_tree = seal_then_die
elif stage == "renamed":  # complete folder renamed, `current` not yet swapped
    wp.swap_symlink = die
elif stage == "swapped":  # `current` swapped, old versions not yet pruned
    wp.prune = die
wp.publish(week="2023-W15", as_of="2023-04-14T12:00:00+00:00", p=paths(), keep=1)
"""


@pytest.mark.parametrize("stage", ["written", "sealed", "renamed", "swapped"])
def test_publish_killed_at_any_stage(warehouse_home: Paths, tmp_path: Path, stage: str) -> None:
    """SIGKILL inside publish: readers keep a whole version, and the next publish succeeds."""
    p = warehouse_home
    _publish(p, rows=2)
    make_working_db(p, rows=7, seed=1)
    before = snapshot(p.serving)
    script = tmp_path / "kill.py"
    script.write_text(KILL_SCRIPT)
    done = subprocess.run([sys.executable, str(script), stage], env=build_env(p), cwd=REPO_ROOT, timeout=120)
    assert done.returncode == -9

    expected_current = 2 if stage == "swapped" else 1
    assert current_version(p).number == expected_current
    with serving() as con:
        assert verify(con) == expected_current
    if stage in ("written", "sealed"):  # only the stale .partial folder is new
        after = snapshot(p.serving)
        assert {k: v for k, v in after.items() if ".partial" not in k} == before
        assert list((p.serving / "versions").glob("*.partial"))

    number = _publish(p, rows=9, seed=2, keep=5)
    assert not list((p.serving / "versions").glob("*.partial"))
    assert current_version(p).number == number
    with serving() as con:
        assert verify(con) == number
        assert con.execute("select count(*) from marts.mart_exports_monthly").fetchall() == [(9,)]
    if stage == "renamed":  # v0002 was complete but never current: not in the line, not a rollback target
        assert number == 3
        assert rollback(p).number == 1


def test_two_publishers_at_once_serialise(warehouse_home: Paths, tmp_path: Path) -> None:
    p = warehouse_home
    _publish(p)
    script = tmp_path / "pub.py"
    script.write_text(
        "from warehouse.publish import publish\n"
        "print(publish(week='2023-W15', as_of='2023-04-14T12:00:00+00:00').number)\n"
    )
    procs = [
        subprocess.Popen([sys.executable, str(script)], env=build_env(p), stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    numbers = sorted(int(proc.communicate(timeout=120)[0]) for proc in procs)
    assert numbers == [2, 3, 4]
    assert [v.number for v in versions(p)] == [1, 2, 3, 4]
    for version in versions(p):
        con = duckdb.connect(str(version.database), read_only=True)
        assert verify(con) == version.number
        con.close()
