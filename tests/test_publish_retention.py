"""Which versions a publish keeps, and how a reader tells which week it is looking at.

Retention follows the current version's rollback chain, not version numbers: rolled-back
versions and versions a crash left complete but never current must not push out the version a
publish replaced.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cli.commands import main
from ground.database import serving
from ground.settings import REPO_ROOT, Paths
from warehouse.publish import current_version, publish, versions

from .test_publish import AS_OF, KILL_SCRIPT, _publish
from .test_publish_support import build_env, make_working_db


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_four_rollbacks_and_a_build_then_rollback_returns_to_the_replaced_version(warehouse_home: Paths) -> None:
    p = warehouse_home
    assert [_publish(p, seed=i) for i in range(5)] == [1, 2, 3, 4, 5]
    for expected in ("v0004", "v0003", "v0002", "v0001"):
        assert f"Serving database now at {expected} (week 2023-W15" in _cli("publish", "--rollback")
    assert current_version(p).number == 1

    assert _publish(p, seed=9) == 6  # what the serving step of `warehouse build --force` does
    kept = [v.number for v in versions(p)]
    assert len(kept) == 5 and 1 in kept and 6 in kept, kept  # v0001 is v0006's rollback target

    assert "Serving database now at v0001" in _cli("publish", "--rollback")
    assert current_version(p).number == 1
    with serving() as con:
        assert con.execute("select max(version) from meta.versions").fetchall() == [(1,)]


def test_versions_never_made_current_are_pruned_first(warehouse_home: Paths, tmp_path: Path) -> None:
    p = warehouse_home
    _publish(p, rows=2)
    make_working_db(p, rows=7, seed=1)
    script = tmp_path / "kill.py"
    script.write_text(KILL_SCRIPT)
    killed = subprocess.run([sys.executable, str(script), "renamed"], env=build_env(p), cwd=REPO_ROOT, timeout=120)
    assert killed.returncode == -9
    assert [v.number for v in versions(p)] == [1, 2] and current_version(p).number == 1  # v0002: never current

    make_working_db(p, rows=4, seed=2)
    assert publish(week="2023-W15", as_of=AS_OF, p=p, keep=2).number == 3
    assert [v.number for v in versions(p)] == [1, 3]  # the leftover went, the rollback target stayed
    assert "Serving database now at v0001" in _cli("publish", "--rollback")


def test_retention_ranks_chain_then_rolled_back_then_leftovers(warehouse_home: Paths) -> None:
    from warehouse.publish import retained

    p = warehouse_home
    for i in range(4):
        _publish(p, seed=i, keep=10)
    _cli("publish", "--rollback")  # current v0003; v0004 rolled back
    _publish(p, seed=7, keep=10)  # v0005 succeeds v0003: chain 1, 2, 3, 5
    assert [v.number for v in retained(p, 4)] == [1, 2, 3, 5]
    assert [v.number for v in retained(p, 5)] == [1, 2, 3, 4, 5]
    assert [v.number for v in retained(p, 2)] == [3, 5]


def test_the_guides_query_and_warehouse_publish_name_the_current_week(warehouse_home: Paths) -> None:
    """After a rebuild of an earlier week, max(week) of the history is not the week being read."""
    p = warehouse_home
    make_working_db(p, rows=3)
    publish(week="2023-W15", as_of=AS_OF, p=p)
    make_working_db(p, rows=4, seed=1)
    publish(week="2023-W14", as_of="2023-04-07T12:00:00+00:00", p=p)

    guide = (REPO_ROOT / "docs" / "bi.md").read_text(encoding="utf-8")
    match = re.search(r"`(select [^`]*meta\.versions[^`]*)` tells you what\s+you are looking at", guide)
    assert match, "docs/bi.md lost its 'what am I looking at' query"
    with serving() as con:
        assert con.execute(match.group(1)).fetchall()[0][:2] == (2, "2023-W14")
        assert con.execute("select max(week) from meta.versions").fetchall() == [("2023-W15",)]  # the trap
    for example in re.findall(r"select [^\"`]*from meta\.versions[^\"`]*", guide):
        assert "max(week)" not in example, example

    listing = _cli("publish")
    assert "Current: v0002 (week 2023-W14, as of 2023-04-07T12:00:00+00:00)" in listing
    assert re.search(r"^\* v0002  week 2023-W14 ", listing, re.M) and re.search(
        r"^  v0001  week 2023-W15 ", listing, re.M
    )
