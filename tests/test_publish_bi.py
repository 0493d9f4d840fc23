"""The BI guide's SQLAlchemy example (docs/bi.md), run as written through duckdb-engine."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ground.settings import REPO_ROOT, Paths

from .test_publish_support import build_env, publish_synthetic

GUIDE = REPO_ROOT / "docs" / "bi.md"


def _example(name: str) -> str:
    match = re.search(rf"<!-- bi-example: {name} -->\s*```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert match, f"docs/bi.md has no example marked bi-example: {name}"
    return match.group(1)


def test_sqlalchemy_example_from_the_guide(warehouse_home: Paths, tmp_path: Path) -> None:
    pytest.importorskip("duckdb_engine")
    p = warehouse_home
    publish_synthetic(p, rows=4)
    publish_synthetic(p, rows=5, seed=1)
    script = tmp_path / "example.py"
    script.write_text(_example("sqlalchemy"))
    done = subprocess.run(
        [sys.executable, str(script)], env=build_env(p), cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("version 2 (week 2023-W15): [(datetime.date(2023, 3, 1), 'exports', 3001.0)]")


def test_superset_uri_opens_read_only(warehouse_home: Paths) -> None:
    pytest.importorskip("duckdb_engine")
    from sqlalchemy import create_engine, exc, text

    p = warehouse_home
    publish_synthetic(p, rows=3)
    # the URI form of the guide's Superset section, through the serving link itself
    engine = create_engine(f"duckdb:///{p.serving_db}?access_mode=read_only")
    try:
        with engine.connect() as con:
            assert con.execute(text("select max(version) from meta.versions")).scalar_one() == 1
            assert con.execute(text("select count(*) from marts.mart_exports_monthly")).scalar_one() == 3
            with pytest.raises(exc.DBAPIError, match="read-only"):
                con.execute(text("create table marts.scribble (a integer)"))
    finally:
        engine.dispose()
