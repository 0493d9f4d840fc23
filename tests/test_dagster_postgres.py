"""Dagster's production shape on a real PostgreSQL server: code server, webserver and daemon as
separate processes sharing the instance of deploy/dagster.yaml; two weekly builds launched through
GraphQL run one after the other, both succeed (and publish the marts to PostgreSQL), and the run
history survives a restart of the webserver."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ground.settings import REPO_ROOT, Paths
from warehouse.local_postgres import free_port

from .conftest import DEMO_AS_OF, DEMO_WEEK
from .test_ui import LAUNCH, _graphql, weeks_listed

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prepared_dbt_manifest")]
BIN = Path(sys.executable).parent
RUNS = """
{ runsOrError { ... on Runs { results { runId status startTime endTime tags { key value } } } } }
"""
CODE_LOCATION = ("-m", "orchestration.definitions", "-a", "defs", "--location-name", "warehouse")
DAEMONS = "{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }"


class Process:
    """A child process in its own session, its output in a log file; stopped with SIGTERM."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], logs: Path) -> None:
        self.name, self.log = name, logs / f"{name}.log"
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def _wait(predicate: Any, timeout: float, what: str, processes: list[Process]) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if not process.alive():
                pytest.fail(f"{process.name} exited while waiting for {what}:\n{process.tail()}")
        try:
            value = predicate()
            if value:
                return value
        except (OSError, AssertionError, KeyError, TypeError):
            pass
        time.sleep(1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}:\n" + "\n".join(p.tail() for p in processes))


def _create_database(dsn: str, name: str) -> str:
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute(f'create database "{name}"')
    return dsn.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def team_service(minimal_landing: Paths, postgres_dsn: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """deploy/dagster.yaml on PostgreSQL; code server, daemon and webserver as three processes."""
    p = minimal_landing
    p.dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO_ROOT / "deploy" / "dagster.yaml", p.dagster_home / "dagster.yaml")
    marts_dsn = _create_database(postgres_dsn, "marts_" + postgres_dsn.rsplit("/", 1)[1][:40])
    host_port = postgres_dsn.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":")
    env = {
        **os.environ,
        "WAREHOUSE_HOME": str(p.home),
        "WAREHOUSE_REPORTS": str(p.reports),
        "DAGSTER_HOME": str(p.dagster_home),
        "DAGSTER_PG_HOST": host,
        "DAGSTER_PG_PORT": port,
        "DAGSTER_PG_DB": postgres_dsn.rsplit("/", 1)[1],
        "DAGSTER_PG_USER": "postgres",
        "DAGSTER_PG_PASSWORD": "unused-with-trust-auth",
        "WAREHOUSE_POSTGRES_DSN": marts_dsn,
        "PYTHONUNBUFFERED": "1",
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    grpc_port = free_port()
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(
        "load_from:\n  - grpc_server:\n"
        f"      host: 127.0.0.1\n      port: {grpc_port}\n      location_name: warehouse\n"
    )
    code_server = Process(
        "code-server",
        [str(BIN / "dagster"), "code-server", "start", "-h", "127.0.0.1", "-p", str(grpc_port), *CODE_LOCATION],
        env,
        logs,
    )
    started: list[Process] = [code_server]

    def start_webserver() -> tuple[Process, int]:
        web_port = free_port()
        web = Process(
            "webserver",
            [str(BIN / "dagster-webserver"), "-w", str(workspace), "-h", "127.0.0.1", "-p", str(web_port)],
            env,
            logs,
        )
        started.append(web)
        _wait(lambda: _graphql(web_port, "{ assetNodes { id } }")["assetNodes"], 240, "the webserver", [web])
        return web, web_port

    try:
        _wait(lambda: "Started Dagster code server" in code_server.log.read_text(), 240, "the code server", started)
        daemon = Process("daemon", [str(BIN / "dagster-daemon"), "run", "-w", str(workspace)], env, logs)
        started.append(daemon)
        web, web_port = start_webserver()
        yield {
            "paths": p,
            "port": web_port,
            "webserver": web,
            "daemon": daemon,
            "code_server": code_server,
            "start_webserver": start_webserver,
            "processes": started,
            "dagster_dsn": postgres_dsn,
            "marts_dsn": marts_dsn,
        }
    finally:
        for process in reversed(started):
            process.stop()


def _launch(port: int) -> str:
    params = {
        "selector": {
            "repositoryLocationName": "warehouse",
            "repositoryName": "__repository__",
            "jobName": "weekly_build",
        },
        "runConfigData": {"resources": {"build": {"config": {"as_of": DEMO_AS_OF.isoformat(), "live": False}}}},
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": DEMO_WEEK}]},
    }
    try:
        launched = _graphql(port, LAUNCH, {"params": params})["launchRun"]
    except urllib.error.HTTPError as exc:
        pytest.fail(f"launchRun: HTTP {exc.code}: {exc.read().decode(errors='replace')[-3000:]}")
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return launched["run"]["runId"]


def _runs(port: int) -> dict[str, dict[str, Any]]:
    return {r["runId"]: r for r in _graphql(port, RUNS)["runsOrError"]["results"]}


def test_webserver_and_daemon_on_postgres_run_one_writer_at_a_time(team_service: dict[str, Any]) -> None:
    port, processes = team_service["port"], team_service["processes"]
    _wait(lambda: DEMO_WEEK in weeks_listed(port), 180, "the daemon to add the weeks", processes)
    first, second = _launch(port), _launch(port)
    runs = _runs(port)
    # the webserver only queues runs; the daemon starts them
    assert {runs[first]["status"], runs[second]["status"]} <= {"QUEUED", "STARTING", "STARTED"}
    assert {"key": "warehouse/writer", "value": "true"} in runs[first]["tags"]

    def both_finished() -> dict[str, dict[str, Any]] | None:
        runs = _runs(port)
        done = all(runs[r]["status"] in ("SUCCESS", "FAILURE", "CANCELED") for r in (first, second))
        return runs if done else None

    runs = _wait(both_finished, 900, "both weekly builds to finish", processes)
    assert runs[first]["status"] == runs[second]["status"] == "SUCCESS", runs
    a, b = sorted((runs[first], runs[second]), key=lambda r: r["startTime"])
    assert a["endTime"] <= b["startTime"], f"the runs overlapped: {a} {b}"  # one writer at a time

    daemons = _graphql(port, DAEMONS)["instance"]["daemonHealth"]["allDaemonStatuses"]
    queued = next(d for d in daemons if d["daemonType"] == "QUEUED_RUN_COORDINATOR")
    assert queued["healthy"], daemons

    # the history lives in PostgreSQL, not in a SQLite file under DAGSTER_HOME
    with psycopg.connect(team_service["dagster_dsn"]) as con:
        stored = {r[0] for r in con.execute("select run_id from runs").fetchall()}
        assert {first, second} <= stored
        assert con.execute("select count(*) from event_logs where run_id = %s", [first]).fetchone()[0] > 10
    assert not list(team_service["paths"].dagster_home.rglob("*.db"))

    # each successful build also published its marts to PostgreSQL (WAREHOUSE_POSTGRES_DSN)
    with psycopg.connect(team_service["marts_dsn"]) as con:
        assert con.execute("select version from marts.warehouse_version").fetchone() == (2,)
        assert con.execute("select count(*) from marts.mart_exports_monthly").fetchone()[0] > 0

    # the run history is still there after the webserver restarts
    team_service["webserver"].stop()
    _, new_port = team_service["start_webserver"]()
    again = _runs(new_port)
    assert again[first]["status"] == again[second]["status"] == "SUCCESS"
    assert (again[first]["startTime"], again[second]["endTime"]) == (
        runs[first]["startTime"],
        runs[second]["endTime"],
    )
