"""`dagster dev -w workspace.yaml` serves the code location; a build launched through its GraphQL API succeeds."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from ground.settings import REPO_ROOT, Paths

from .conftest import DEMO_AS_OF, DEMO_WEEK

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _graphql(port: int, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.loads(response.read())
    assert "errors" not in payload, payload
    return payload["data"]


ASSETS = "{ assetNodes { assetKey { path } groupName } }"
LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidStepError { invalidStepKey }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""
STATUS = "query Status($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"
REPORT_METADATA = """
{ assetOrError(assetKey: {path: ["report", "weekly_summary"]}) {
    ... on Asset { assetMaterializations(limit: 1) { partition metadataEntries {
        label ... on MarkdownMetadataEntry { mdStr } } } } } }
"""

WEEKS = '{ assetNodeOrError(assetKey: {path: ["serving", "warehouse"]}) { ... on AssetNode { partitionKeys } } }'


def weeks_listed(port: int) -> list[str]:
    """The weekly partitions the UI lists (added by the trading_weeks sensor from the landed calendar)."""
    return _graphql(port, WEEKS)["assetNodeOrError"]["partitionKeys"]


@pytest.fixture
def dagster_dev(minimal_landing: Paths) -> Any:
    from cli.build import ensure_dagster_home

    ensure_dagster_home(minimal_landing)
    port = _free_port()
    dagster = Path(sys.executable).parent / "dagster"
    process = subprocess.Popen(
        [str(dagster), "dev", "-w", str(REPO_ROOT / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO_ROOT,
        env={**os.environ, "DAGSTER_HOME": str(minimal_landing.dagster_home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    try:
        while True:
            try:
                data = _graphql(port, ASSETS)
                if data["assetNodes"]:
                    break
            except (OSError, AssertionError, KeyError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("dagster dev did not come up within 180 s")
            time.sleep(1)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_the_ui_groups_assets_by_layer_and_runs_a_weekly_build(dagster_dev: int, minimal_landing: Paths) -> None:
    port = dagster_dev
    nodes = _graphql(port, ASSETS)["assetNodes"]
    groups = {tuple(n["assetKey"]["path"]): n["groupName"] for n in nodes}
    assert groups[("landing", "macro_china_hgjck")] == "landing_exports"
    assert groups[("staging", "stg_eastmoney__customs_trade_monthly")] == "staging"
    assert groups[("marts", "mart_exports_monthly")] == "marts"
    assert groups[("report", "weekly_summary")] == "serving"

    # a new instance has no weeks: the daemon's trading_weeks sensor adds the landed calendar's
    deadline = time.monotonic() + 180
    while DEMO_WEEK not in (weeks := weeks_listed(port)) and time.monotonic() < deadline:
        time.sleep(1)
    assert DEMO_WEEK in weeks and weeks == sorted(weeks) and "2023-W04" not in weeks
    params = {
        "selector": {
            "repositoryLocationName": "warehouse",
            "repositoryName": "__repository__",
            "jobName": "weekly_build",
        },
        "runConfigData": {"resources": {"build": {"config": {"as_of": DEMO_AS_OF.isoformat(), "live": False}}}},
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": DEMO_WEEK}]},
    }
    launched = _graphql(port, LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + 300
    status = None
    while time.monotonic() < deadline:
        status = _graphql(port, STATUS, {"id": run_id})["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(2)
    assert status == "SUCCESS", f"run {run_id} ended {status}"
    assert (minimal_landing.reports / DEMO_WEEK / "summary.md").exists()
    assert minimal_landing.serving_db.exists()

    # the report asset shows the week's tables as Markdown metadata in the UI (no chart images)
    materialization = _graphql(port, REPORT_METADATA)["assetOrError"]["assetMaterializations"][0]
    assert materialization["partition"] == DEMO_WEEK
    summary = next(e["mdStr"] for e in materialization["metadataEntries"] if e["label"] == "summary")
    assert "## 4. 出口" in summary
    assert "|---" in summary and "![" not in summary
