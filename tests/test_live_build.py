"""`warehouse build --week 2023-W15 --live` end to end over the simulated upstream.

The build is the Friday schedule's run of the demo week: live, as of Friday 2023-04-14 20:00
Shanghai (the schedule's run config), so that the simulated world is consistent: the upstream
holds what the hosts had published about the week (``tests/upstream_state.py``: the demo
snapshot's state, plus Friday's margin data, which the hosts publish the next morning and a
build run later fetches), and a load holding 2023-04-14 counts as fresh. The warehouse starts
where a daily landing run would have left it on Thursday night: the demo snapshot's curated
files and its akshare loads available before Friday. The CLI then fetches every akshare source
of the week's plan through its own akshare function, lands, checks, builds, publishes and
renders the report, with no request leaving 127.0.0.1: ``requests`` is routed to the simulator
(an unknown host gets its 502), and any other connection this process opens to a non-loopback
address is refused and recorded.
"""

from __future__ import annotations

import errno
import shutil
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from cli.commands import main
from ground.settings import DEMO_LANDING, Paths
from ground.time_zone import SHANGHAI
from ingestion.conform import conform
from ingestion.fetching import Fetcher, reset_default_fetcher
from ingestion.landing import Load, latest_load, list_loads, read_load
from ingestion.plans import planned_calls
from ingestion.registry import registry
from ingestion.trading_calendar import landed_week
from simulator import Simulator

from .conftest import DEMO_WEEK, point_env_at
from .test_marts_published_figures import FIGURES, _read
from .test_report_golden import PUBLISHED
from .upstream_state import fill_after_demo_week

pytestmark = pytest.mark.slow

THURSDAY_NIGHT = datetime(2023, 4, 14, 0, 0, tzinfo=SHANGHAI)  # the landing zone as of the build's day
FRIDAY_REPORT = "2023-04-14T20:00+08:00"  # when the Friday schedule runs the week's live build
AKSHARE_SOURCES = sorted(name for name, source in registry().items() if source.kind == "akshare")
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def install_history(landing: Path, before: datetime) -> list[Load]:
    """Copy the demo snapshot's curated loads, and its akshare loads available before ``before``."""
    chosen = [
        load
        for load in list_loads(DEMO_LANDING)
        if registry()[load.source].kind == "curated" or load.available_at_dt < before
    ]
    for load in chosen:  # the Parquet file first: a load is listed once its manifest is there
        folder = landing / load.source
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(load.parquet_path, folder / load.parquet_path.name)
        shutil.copyfile(load.manifest_path, folder / load.manifest_path.name)
    return chosen


class OutsideConnections:
    """Refuses (and records) every connection or name lookup of this process beyond loopback."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.attempts: list[str] = []
        real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
        real_getaddrinfo = socket.getaddrinfo
        attempts = self.attempts

        def outside(self: socket.socket, address: Any) -> str | None:
            host = address[0] if isinstance(address, tuple) else None
            internet = self.family in (socket.AF_INET, socket.AF_INET6)
            return host if internet and isinstance(host, str) and host not in LOOPBACK else None

        def connect(self: socket.socket, address: Any) -> None:
            if host := outside(self, address):
                attempts.append(f"connect {address}")
                raise ConnectionRefusedError(f"the live-build test refuses connections to {host}")
            return real_connect(self, address)

        def connect_ex(self: socket.socket, address: Any) -> int:
            if outside(self, address):
                attempts.append(f"connect_ex {address}")
                return errno.ECONNREFUSED
            return real_connect_ex(self, address)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            name = host.decode() if isinstance(host, bytes) else host
            if isinstance(name, str) and name not in LOOPBACK:
                attempts.append(f"getaddrinfo {name!r}")
                raise socket.gaierror(socket.EAI_NONAME, f"the live-build test resolves no outside name ({name!r})")
            return real_getaddrinfo(host, *args, **kwargs)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@dataclass
class FetchCall:
    source: str
    params: dict[str, Any]
    outcome: pd.DataFrame | Exception
    seconds: float


def record_fetches(monkeypatch: pytest.MonkeyPatch) -> list[FetchCall]:
    """Record every ``Fetcher.fetch`` (the public API the landing assets call) with what it returned."""
    calls: list[FetchCall] = []
    real_fetch = Fetcher.fetch

    def fetch(self: Fetcher, source: Any, params: Any = None) -> pd.DataFrame:
        started = time.monotonic()
        try:
            frame = real_fetch(self, source, params)
        except Exception as exc:
            calls.append(FetchCall(source.name, dict(params or {}), exc, time.monotonic() - started))
            raise
        calls.append(FetchCall(source.name, dict(params or {}), frame, time.monotonic() - started))
        return frame

    monkeypatch.setattr(Fetcher, "fetch", fetch)
    return calls


@dataclass
class LiveBuild:
    paths: Paths
    simulator: Simulator
    history: list[Load]
    started_at: datetime
    seconds: float
    exit_code: int
    output: str
    calls: list[FetchCall]
    outside: list[str]


def run_on_the_simulated_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loads fetched by the build are stamped with the simulated world's time, the Friday evening
    the schedule runs (from 20:00 on, as the build goes), not with today's date: the upstream serves
    2023, and a load fetched years after its latest period is rightly stale to the freshness checks."""
    from ingestion import landing

    start, started = datetime.fromisoformat(FRIDAY_REPORT).astimezone(UTC), time.monotonic()
    stamp = landing._utc

    def simulated(moment: datetime | None) -> datetime:
        return stamp(moment) if moment is not None else start + timedelta(seconds=time.monotonic() - started)

    monkeypatch.setattr(landing, "_utc", simulated)


@pytest.fixture(scope="module")
def live_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBuild]:
    """`warehouse build --week 2023-W15 --live` in a fresh home, over the simulated upstream."""
    from simulator import routing

    if not FIGURES:
        pytest.skip("data/demo/published_figures.json is missing (the demo generator writes it)")
    root = tmp_path_factory.mktemp("live")
    with pytest.MonkeyPatch.context() as monkeypatch, Simulator() as simulator:
        p = point_env_at(Paths(home=root / "home", reports=root / "reports"), monkeypatch).ensure()
        monkeypatch.setenv("WAREHOUSE_UPSTREAM", simulator.url)  # fetch workers route to the simulator
        routing.install(simulator.url)  # and so does this process
        # no pauses between calls, no retries: a failing call shows at once
        monkeypatch.setenv("WAREHOUSE_FETCH_MIN_INTERVAL_SECONDS", "0")
        monkeypatch.setenv("WAREHOUSE_FETCH_MAX_ATTEMPTS", "1")
        monkeypatch.setenv("WAREHOUSE_FETCH_BACKOFF_BASE_SECONDS", "0")
        reset_default_fetcher()
        try:
            fill_after_demo_week(simulator.dataset)
            history = install_history(p.landing, THURSDAY_NIGHT)
            calls = record_fetches(monkeypatch)
            outside = OutsideConnections(monkeypatch)
            run_on_the_simulated_clock(monkeypatch)
            started_at, started = datetime.fromisoformat(FRIDAY_REPORT), time.monotonic()  # the simulated clock's
            result = CliRunner().invoke(main, ["build", "--week", DEMO_WEEK, "--live", "--as-of", FRIDAY_REPORT])
            seconds = time.monotonic() - started
            fetching = sum(call.seconds for call in calls)
            print(f"\nlive build of {DEMO_WEEK}: {seconds:.1f} s, of which {len(calls)} akshare calls {fetching:.1f} s")
            yield LiveBuild(
                p, simulator, history, started_at, seconds, result.exit_code, result.output, calls, outside.attempts
            )
        finally:
            routing.uninstall()
            reset_default_fetcher()


def same_rows(landed: pd.DataFrame, fetched: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(
            landed.reset_index(drop=True), fetched.reset_index(drop=True), check_dtype=False, check_exact=True
        )
    except AssertionError:
        return False
    return True


def figure_mismatches(con: Any) -> list[str]:
    """The note's published figures that the serving database does not reproduce."""
    wrong = []
    for figure in FIGURES:
        try:
            value = _read(con, figure)
        except AssertionError as exc:  # not exactly one row
            wrong.append(str(exc).splitlines()[0])
            continue
        expected, op = figure["expected"], figure.get("op", "==")
        right = value is not None and (
            value < expected
            if op == "<"
            else value > expected
            if op == ">"
            else abs(value - expected) <= figure["tolerance"] + 1e-9
        )
        if not right:
            wrong.append(f"{figure['id']}: {value} (expected {op} {expected})")
    return wrong


def test_the_live_build_publishes_the_week_with_no_failed_source(live_build: LiveBuild) -> None:
    assert live_build.exit_code == 0, f"the live build failed:\n{live_build.output}"
    assert "Failures" not in live_build.output, live_build.output
    failed = [f"{c.source}({c.params}): {c.outcome}" for c in live_build.calls if isinstance(c.outcome, Exception)]
    assert not failed, failed
    from warehouse.publish import current_version

    version = current_version(live_build.paths)
    assert version is not None and (version.record or {}).get("week") == DEMO_WEEK
    folder = live_build.paths.reports / DEMO_WEEK
    for suffix in ("md", "html", "xlsx"):
        assert (folder / f"summary.{suffix}").stat().st_size > 0, f"summary.{suffix} was not rendered"


def test_every_akshare_source_is_fetched_through_its_function_as_the_week_plans(live_build: LiveBuild) -> None:
    week = landed_week(DEMO_WEEK)
    for name in AKSHARE_SOURCES:
        made = [call.params for call in live_build.calls if call.source == name]
        assert made, f"{name} was not fetched"
        assert made == planned_calls(registry()[name], week, today=date.today()), f"{name}: calls {made}"
    unanswered = [r for r in live_build.simulator.requests() if r.status is None or r.status >= 400]
    assert not unanswered, f"requests the simulator did not answer with data: {unanswered[:5]}"


def test_no_connection_leaves_the_machine(live_build: LiveBuild) -> None:
    assert live_build.simulator.requests(), "nothing reached the simulator"
    assert not live_build.outside, f"the build tried to leave 127.0.0.1: {live_build.outside}"


def test_what_each_call_returned_is_landed(live_build: LiveBuild) -> None:
    for call in live_build.calls:
        source = registry()[call.source]
        newest = latest_load(live_build.paths.landing, call.source, call.params)
        assert newest is not None, f"{call.source}({call.params}) was not landed"
        assert isinstance(call.outcome, pd.DataFrame)
        assert same_rows(read_load(newest), conform(source, call.outcome)[0]), f"{call.source}({call.params})"
    fresh = [
        ld
        for ld in list_loads(live_build.paths.landing)
        if ld.origin == "akshare" and datetime.fromisoformat(ld.fetched_at) >= live_build.started_at
    ]
    assert {ld.source for ld in fresh} >= {"index_zh_a_hist", "stock_hsgt_hist_em", "stock_margin_detail_sse"}
    assert all(ld.akshare_version for ld in fresh)


def test_every_source_passes_its_blocking_check(live_build: LiveBuild) -> None:
    from warehouse.status import source_status

    with pytest.MonkeyPatch.context() as monkeypatch:
        point_env_at(live_build.paths, monkeypatch)
        rows = source_status()
    for row in rows:
        assert row["check_result"] in ("passed", "warning"), (row["source"], row["check_status"], row["check_summary"])
        assert not row["quarantined_loads"], (row["source"], row["quarantined_loads"])


def test_the_loads_the_live_build_fetched_pass_their_checks(live_build: LiveBuild) -> None:
    fresh = {
        ld.load_id: ld.source
        for ld in list_loads(live_build.paths.landing)
        if ld.origin == "akshare" and datetime.fromisoformat(ld.fetched_at) >= live_build.started_at
    }
    with duckdb.connect(str(live_build.paths.working_db), read_only=True) as con:
        verdicts = dict(con.execute("select load_id, status from quality.load_status").fetchall())
    unchecked = sorted({source for load_id, source in fresh.items() if load_id not in verdicts})
    assert not unchecked, f"loads fetched by the live build but never checked: {unchecked}"
    failed = sorted({source for load_id, source in fresh.items() if verdicts.get(load_id) == "failed"})
    assert not failed, f"loads fetched by the live build and quarantined: {failed}"


def test_the_published_week_is_built_from_what_the_live_build_fetched(live_build: LiveBuild) -> None:
    from ground.database import serving

    with serving(live_build.paths.serving_db) as con:
        wrong = figure_mismatches(con)
    assert not wrong, f"{len(wrong)} of {len(FIGURES)} published figures differ in the live build: {wrong[:10]}"
    markdown = (live_build.paths.reports / DEMO_WEEK / "summary.md").read_text(encoding="utf-8")
    missing = [figure for figure in PUBLISHED if figure not in markdown]
    assert not missing, f"the live report lacks published figures {missing}"
