"""`warehouse query` is really read-only: it sees the published database and touches no file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.commands import main
from ground.settings import Paths

from .test_publish_support import publish_synthetic, snapshot

REFUSED = "refused: `warehouse query` is read-only"


@pytest.fixture
def published(warehouse_home: Paths) -> Paths:
    publish_synthetic(warehouse_home, rows=4)
    return warehouse_home


def _query(sql: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["query", sql])
    return result.exit_code, result.output


def test_the_published_database_is_queryable(published: Paths) -> None:
    code, output = _query(
        "select (select count(*) from marts.mart_exports_monthly) as marts, "
        "(select count(*) from quality.check_results) as quality, (select max(version) from meta.versions) as version"
    )
    assert code == 0, output
    assert output.splitlines() == ["marts,quality,version", "4,1,1"]


def test_copy_to_a_file_is_refused_and_writes_nothing(published: Paths, tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    before = snapshot(published.serving)
    code, output = _query(f"copy (select 1) to '{target}'")
    assert code != 0
    assert REFUSED in output and str(target) in output
    assert len(output.strip().splitlines()) == 1  # one clear line
    assert not target.exists()
    # nor into the version folder, which a reader could otherwise reach
    code, output = _query(f"copy marts.mart_flows to '{published.serving_parquet / 'x.csv'}'")
    assert code != 0 and REFUSED in output
    assert snapshot(published.serving) == before


def test_reading_a_file_outside_the_warehouse_is_refused(published: Paths, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    for sql in (
        f"select * from read_csv('{secret}')",
        f"select * from '{secret}'",
        f"select * from read_text('{secret}')",
        f"select * from glob('{tmp_path}/*')",
    ):
        code, output = _query(sql)
        assert code != 0 and REFUSED in output, sql
        assert "hunter2" not in output


def test_the_parquet_exports_are_not_read_by_query(published: Paths) -> None:
    """The query sees the database; the Parquet files hold the same rows (and are for other tools)."""
    code, output = _query(f"select count(*) from read_parquet('{published.serving_parquet}/mart_flows.parquet')")
    assert code != 0 and REFUSED in output


def test_attach_install_load_and_settings_are_refused(published: Paths, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    cases = {
        f"attach '{other}' as other": "Cannot access file",
        "install httpfs": "Cannot access directory",
        "load httpfs": "Loading external extensions is disabled",
        "set enable_external_access = true": "configuration has been locked",
        "reset enable_external_access": "configuration has been locked",
        "set lock_configuration = false": "configuration has been locked",
        f"export database '{tmp_path / 'dump'}'": "Cannot access file",
        "create table marts.scribble (a integer)": "read-only mode",
    }
    for sql, reason in cases.items():
        code, output = _query(sql)
        assert code != 0, sql
        assert REFUSED in output and reason in output, (sql, output)
    assert not other.exists() and not (tmp_path / "dump").exists()


def test_a_plain_error_is_not_called_a_refusal(published: Paths) -> None:
    code, output = _query("select * from marts.no_such_mart")
    assert code != 0 and "query failed" in output and REFUSED not in output
