"""Adding a source = one registry entry + one suite + one staging model; no orchestration code.

The test copies the registry, the suites and the dbt project into a temporary folder, adds a
source there (jin10's monthly CPI), points the warehouse at the copies (WAREHOUSE_REGISTRY,
WAREHOUSE_SUITES_DIR, WAREHOUSE_DBT_PROJECT_DIR) and, in a fresh process, lands a frame of the
new source and runs the weekly build: the new landing asset, its check and its staging model
appear and run with no change to orchestration/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ground.settings import REPO_ROOT, Paths

pytestmark = pytest.mark.slow

ENTRY = """
  macro_china_cpi_monthly:
    title: 中国CPI月率报告
    kind: akshare
    function: macro_china_cpi_monthly
    host: datacenter-api.jin10.com
    section: reference
    cadence: monthly
    history: full_reload
    call: once
    key: [日期]
    period: {column: 日期, format: date, grain: day}
    publication: {lag_days: 0, at: "09:30"}
    description: "jin10 release series of China's CPI mom; 日期 is the release date."
    columns:
      - {name: 商品, type: string, description: "series name"}
      - {name: 日期, type: date, description: "release date"}
      - {name: 今值, type: float, unit: "%", description: "actual"}
      - {name: 预测值, type: float, unit: "%", description: "forecast"}
      - {name: 前值, type: float, unit: "%", description: "previous"}
"""

STAGING_SQL = """
with landed as (
    select
        cast("日期" as date) as release_date,
        "今值" as cpi_mom_pct,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'macro_china_cpi_monthly') }}
),

visible as (
    {{ visible_versions('landed', 'macro_china_cpi_monthly', key=['release_date'], period='release_date', grain='day') }}
)

select release_date, cpi_mom_pct, published_at, _load_id as load_id, _available_at as loaded_at, _demo as is_demo
from visible
"""

SCRIPT = """
import pandas as pd
from datetime import UTC, datetime
from ingestion.landing import land_frame
from ingestion.registry import get_source
from tests.conftest import hgjck_frame, land_calendar
from cli.build import run_build
import dagster as dg

land_calendar()
land_frame(get_source("macro_china_hgjck"), hgjck_frame(["2022-03", "2023-03"], [2.7e8, 3.1e8], [2.2e8, 2.3e8], [1.0, 14.8]),
           origin="test", fetched_at=datetime(2023, 4, 13, 3, tzinfo=UTC))
frame = pd.DataFrame({
    "商品": ["中国CPI月率报告"] * 3,
    "日期": [pd.Timestamp(d).date() for d in ("2023-02-10", "2023-03-09", "2023-04-11")],
    "今值": [0.8, -0.5, -0.3], "预测值": [0.6, -0.2, 0.0], "前值": [0.0, 0.8, -0.5],
})
land_frame(get_source("macro_china_cpi_monthly"), frame, origin="test", fetched_at=datetime(2023, 4, 11, 2, tzinfo=UTC))
from orchestration.dbt_project import prepare_manifest
prepare_manifest()  # `warehouse prepare`: the copied project has a new staging model
from orchestration.definitions import defs
graph = defs.resolve_asset_graph()
stg = dg.AssetKey(["staging", "stg_jin10__cpi_monthly"])
assert dg.AssetKey(["landing", "macro_china_cpi_monthly"]) in graph.get(stg).parent_keys
outcome = run_build("2023-W15", as_of=datetime.fromisoformat("2023-04-14T20:00+08:00"))
assert outcome.success, outcome.failures
import duckdb
from ground.settings import paths
con = duckdb.connect(str(paths().working_db), read_only=True)
print("ROWS", con.execute("select count(*) from staging.stg_jin10__cpi_monthly").fetchone()[0])
print("CHECK", con.execute("select passed from quality.check_results where source = 'macro_china_cpi_monthly'").fetchone()[0])
"""


def test_a_new_source_flows_through_without_orchestration_code(tmp_path: Path) -> None:
    registry = tmp_path / "sources.yml"
    registry.write_text((REPO_ROOT / "ingestion" / "sources.yml").read_text(encoding="utf-8") + ENTRY, encoding="utf-8")
    suites = tmp_path / "suites"
    shutil.copytree(REPO_ROOT / "expectations" / "suites", suites)
    project = tmp_path / "dbt_project"
    shutil.copytree(REPO_ROOT / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    model_dir = project / "models" / "staging" / "jin10"
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / "stg_jin10__cpi_monthly.sql").write_text(textwrap.dedent(STAGING_SQL), encoding="utf-8")
    p = Paths(home=tmp_path / "home", reports=tmp_path / "reports")
    env = {
        **os.environ,
        "WAREHOUSE_REGISTRY": str(registry),
        "WAREHOUSE_SUITES_DIR": str(suites),
        "WAREHOUSE_DBT_PROJECT_DIR": str(project),
        "WAREHOUSE_HOME": str(p.home),
        "WAREHOUSE_REPORTS": str(p.reports),
        "DAGSTER_HOME": str(p.dagster_home),
    }
    # the two generated artefacts a contributor regenerates after editing the registry
    for module, args in (("ingestion.dbt_sources", []), ("expectations.suites", ["macro_china_cpi_monthly"])):
        subprocess.run([sys.executable, "-m", module, *args], env=env, cwd=REPO_ROOT, check=True, capture_output=True)
    suite = json.loads((suites / "macro_china_cpi_monthly.json").read_text(encoding="utf-8"))
    assert suite["expectations"][0]["kwargs"]["column_set"][:2] == ["商品", "日期"]
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ROWS 3" in result.stdout and "CHECK True" in result.stdout
    assert not (REPO_ROOT / "expectations" / "suites" / "macro_china_cpi_monthly.json").exists()
