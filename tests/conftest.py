"""Shared fixtures: every test runs against its own warehouse home in a temporary directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from ground.settings import DEMO_LANDING, Paths, paths
from ground.sse_holidays import SSE_HOLIDAYS
from simulator import Simulator

# a developer's own PostgreSQL target must not receive the marts of every test build
os.environ.pop("WAREHOUSE_POSTGRES_DSN", None)

DEMO_WEEK = "2023-W15"
DEMO_AS_OF = datetime.fromisoformat("2023-04-14T20:00+08:00")
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
if not REALDATA.exists():
    REALDATA = Path("/work/shared/realdata")


def trading_calendar_frame(start: str = "2021-01-04", end: str = "2023-12-29") -> pd.DataFrame:
    """The SSE calendar as ``tool_trade_date_hist_sina`` returns it: weekdays minus the declared SSE holidays."""
    days = [d.date() for d in pd.bdate_range(start, end) if d.date() not in SSE_HOLIDAYS]
    return pd.DataFrame({"trade_date": days})


def point_env_at(p: Paths, monkeypatch: pytest.MonkeyPatch) -> Paths:
    monkeypatch.setenv("WAREHOUSE_HOME", str(p.home))
    monkeypatch.setenv("WAREHOUSE_REPORTS", str(p.reports))
    monkeypatch.setenv("DAGSTER_HOME", str(p.dagster_home))
    return p


@pytest.fixture
def warehouse_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    """An empty warehouse home (landing, working, serving, reports) in a temporary directory."""
    p = Paths(home=tmp_path / "home", reports=tmp_path / "reports")
    point_env_at(p, monkeypatch)
    return paths().ensure()


def land_calendar(root: Path | None = None) -> None:
    from ingestion.landing import land_frame
    from ingestion.registry import get_source

    land_frame(
        get_source("tool_trade_date_hist_sina"),
        trading_calendar_frame(),
        origin="test",
        fetched_at=datetime(2021, 1, 1, tzinfo=UTC),
        root=root,
    )


def hgjck_frame(months: list[str], exports: list[float], imports: list[float], export_yoy: list[float]) -> pd.DataFrame:
    """A hand-made macro_china_hgjck frame: amounts in THOUSAND USD, newest month first."""
    n = len(months)
    frame = pd.DataFrame(
        {
            "月份": [f"{m[:4]}年{m[5:7]}月份" for m in months],
            "当月出口额-金额": exports,
            "当月出口额-同比增长": export_yoy,
            "当月出口额-环比增长": [1.0] * n,
            "当月进口额-金额": imports,
            "当月进口额-同比增长": [2.0] * n,
            "当月进口额-环比增长": [1.0] * n,
            "累计出口额-金额": [e * 3 for e in exports],
            "累计出口额-同比增长": [5.0] * n,
            "累计进口额-金额": [i * 3 for i in imports],
            "累计进口额-同比增长": [1.0] * n,
        }
    )
    return frame.iloc[::-1].reset_index(drop=True)


@pytest.fixture
def minimal_landing(warehouse_home: Paths) -> Paths:
    """A landing zone with just a trading calendar and two years of customs totals."""
    from ingestion.landing import land_frame
    from ingestion.registry import get_source

    land_calendar()
    months = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13) if (y, m) <= (2023, 3)]
    exports = [250_000_000.0 + 1_000_000 * i for i in range(len(months))]
    imports = [200_000_000.0 + 500_000 * i for i in range(len(months))]
    land_frame(
        get_source("macro_china_hgjck"),
        hgjck_frame(months, exports, imports, [10.0] * len(months)),
        origin="test",
        fetched_at=datetime(2023, 4, 13, 6, 0, tzinfo=UTC),
    )
    return warehouse_home


@pytest.fixture(scope="session")
def prepared_dbt_manifest() -> Path:
    """The dbt manifest the code location loads, prepared as `warehouse prepare` does (a parse only
    when the dbt project changed). Tests that load ``orchestration.definitions`` themselves use it;
    ``warehouse build`` prepares it on its own."""
    from orchestration.dbt_project import prepare_manifest

    return prepare_manifest()


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Paths]:
    """The demo week built once per test session from the embedded demo snapshot."""
    if not any(DEMO_LANDING.glob("*/*.json")):
        pytest.skip(f"the demo snapshot {DEMO_LANDING} has no loads yet")
    root = tmp_path_factory.mktemp("demo")
    p = Paths(home=root / "home", reports=root / "reports")
    saved = {k: os.environ.get(k) for k in ("WAREHOUSE_HOME", "WAREHOUSE_REPORTS", "DAGSTER_HOME")}
    os.environ.update(WAREHOUSE_HOME=str(p.home), WAREHOUSE_REPORTS=str(p.reports), DAGSTER_HOME=str(p.dagster_home))
    try:
        from click.testing import CliRunner

        from cli.commands import main

        # what `make demo` runs; its output is kept for the test of the command's output
        result = CliRunner().invoke(main, ["demo"])
        (root / "demo_output.txt").write_text(result.output, encoding="utf-8")
        assert result.exit_code == 0, f"demo build failed:\n{result.output}"
        yield p
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def use_demo_warehouse(demo_warehouse: Paths, monkeypatch: pytest.MonkeyPatch) -> Paths:
    """Point this test's environment at the session's demo build."""
    return point_env_at(demo_warehouse, monkeypatch)


@pytest.fixture
def upstream(monkeypatch: pytest.MonkeyPatch) -> Iterator[Simulator]:
    """A simulated upstream: every ``requests`` call of this process (and of fetch workers, through
    ``WAREHOUSE_UPSTREAM``) goes to it instead of the internet."""
    from simulator import routing

    with Simulator() as simulator:
        monkeypatch.setenv("WAREHOUSE_UPSTREAM", simulator.url)
        routing.install(simulator.url)
        try:
            yield simulator
        finally:
            routing.uninstall()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    """A real PostgreSQL server for the session (as the postgres user when root), removed afterwards.

    Skipped with the reason when the server binaries are missing, except on CI (``CI`` set),
    where .ci/run installs them and a missing server is a failure.
    """
    from warehouse.local_postgres import LocalPostgres, PostgresUnavailable

    try:
        server = LocalPostgres.start()
    except PostgresUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_dsn(postgres_server: object, request: pytest.FixtureRequest) -> str:
    """A fresh database on the session's server for this test; its DSN (as the superuser)."""
    import re

    import psycopg

    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    with psycopg.connect(postgres_server.dsn(), autocommit=True) as con:
        con.execute(f'drop database if exists "{name}" with (force)')
        con.execute(f'create database "{name}"')
    return postgres_server.dsn(name)
