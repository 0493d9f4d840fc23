"""The Dagster code location: loads, groups assets by layer, a landing asset and a check per source."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest

from ground.settings import DBT_PROJECT_DIR, REPO_ROOT, Paths
from ground.time_zone import SHANGHAI
from ingestion.registry import registry

from .conftest import DEMO_AS_OF, DEMO_WEEK

pytestmark = [
    pytest.mark.integration,
    pytest.mark.usefixtures("prepared_dbt_manifest"),
]  # these tests load orchestration.definitions


def test_code_location_loads_with_assets_grouped_by_layer() -> None:
    from orchestration.definitions import defs

    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert {"staging", "marts", "serving"} <= groups
    assert {g for g in groups if g.startswith("landing_")} == {
        "landing_outlook",
        "landing_exports",
        "landing_industry_cycle",
        "landing_fund_flows",
        "landing_themes",
        "landing_valuation",
        "landing_market_review",
        "landing_reference",
    }
    layer_of = {key: key.path[0] for key in graph.get_all_asset_keys()}
    assert {layer_of[k] for k in graph.get_all_asset_keys()} >= {"landing", "staging", "marts", "serving", "report"}


def test_every_registered_source_has_a_landing_asset_and_a_blocking_check() -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    checks = {
        (spec.asset_key, spec.name): spec
        for assets in defs.assets
        if isinstance(assets, dg.AssetsDefinition)
        for spec in assets.check_specs
    }
    for name in registry():
        key = dg.AssetKey(["landing", name])
        assert key in keys, name
        spec = checks[(key, "great_expectations")]
        assert spec.blocking, f"the check on {name} must block downstream models"


def test_a_section_lands_and_checks_its_sources_in_one_step_and_each_can_be_materialised_alone() -> None:
    """Few landing steps per build, the same graph: one asset and one check per source, subsettable."""
    from orchestration.definitions import defs

    landing = [
        a for a in defs.assets if isinstance(a, dg.AssetsDefinition) and all(k.path[0] == "landing" for k in a.keys)
    ]
    assert len(landing) <= 2 * 6  # one per section and partitioning, not one per source
    for assets in landing:
        assert assets.can_subset
        sections = {assets.specs_by_key[key].group_name for key in assets.keys}
        assert len(sections) == 1, sections
        assert {c.asset_key for c in assets.check_keys} == set(assets.keys)  # each source checked in its step
    job = defs.resolve_job_def("weekly_build")
    steps = {node.name for node in job.graph.node_defs}
    assert len(steps) == len(landing) + 3, steps  # landing steps, dbt, publish, report
    one = dg.AssetKey(["landing", "macro_china_hgjck"])
    subset = next(a for a in landing if one in a.keys).subset_for({one}, selected_asset_check_keys=None)
    assert set(subset.keys) == {one}


def test_dbt_models_sit_downstream_of_their_landing_sources() -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    staging = dg.AssetKey(["staging", "stg_eastmoney__customs_trade_monthly"])
    assert dg.AssetKey(["landing", "macro_china_hgjck"]) in graph.get(staging).parent_keys
    mart = dg.AssetKey(["marts", "mart_exports_monthly"])
    assert mart in graph.get(dg.AssetKey(["serving", "warehouse"])).parent_keys


def test_weekly_partitions_are_the_landed_calendars_weeks_added_by_the_sensor() -> None:
    """A new instance has no weeks; the trading_weeks sensor adds every landed week once, in order."""
    from orchestration.definitions import defs
    from orchestration.partitions import WEEKS

    sensor = defs.resolve_sensor_def("trading_weeks")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    with dg.DagsterInstance.ephemeral() as instance:
        assert instance.get_dynamic_partitions(WEEKS.name) == []
        [request] = sensor(dg.build_sensor_context(instance=instance)).dynamic_partitions_requests
        assert request.partitions_def_name == WEEKS.name
        keys = list(request.partition_keys)
        assert keys == sorted(keys) and keys[0] == "2018-W01"
        assert "2023-W15" in keys and "2023-W14" in keys
        assert "2023-W04" not in keys  # Spring Festival: no trading day
        assert "2023-W40" not in keys  # National Day
        instance.add_dynamic_partitions(WEEKS.name, keys)
        again = sensor(dg.build_sensor_context(instance=instance))
        assert isinstance(again, dg.SkipReason) and "every week" in (again.skip_message or "")


def test_the_friday_schedule_adds_the_weeks_it_asks_for_and_skips_a_holiday_week() -> None:
    from orchestration.definitions import defs
    from orchestration.partitions import WEEKS

    schedule = defs.resolve_schedule_def("friday_report")
    with dg.instance_for_test() as instance:  # a schedule context needs an instance it can reload
        friday = datetime(2023, 4, 14, 20, tzinfo=SHANGHAI)
        context = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=friday, repository_def=defs.get_repository_def()
        )
        [request] = schedule.evaluate_tick(context).run_requests
        assert request.partition_key == "2023-W15"
        assert instance.has_dynamic_partition(WEEKS.name, "2023-W15")
        spring_festival = datetime(2023, 1, 27, 20, tzinfo=SHANGHAI)
        context = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=spring_festival, repository_def=defs.get_repository_def()
        )
        assert "2023-W04" in (schedule.evaluate_tick(context).skip_message or "")


def test_friday_schedule_runs_at_20_shanghai() -> None:
    from orchestration.definitions import defs

    schedule = defs.resolve_schedule_def("friday_report")
    assert schedule.cron_schedule == "0 20 * * 5"
    assert schedule.execution_timezone == "Asia/Shanghai"


AUDITED_IMPORT = """
import os, sys

watched = tuple(sys.argv[1:])
events = []


def started_by_platform_architecture() -> bool:
    # Dagster's vendored croniter asks `file` whether Python is 32-bit (platform.architecture)
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code.co_name == "architecture" and frame.f_code.co_filename.endswith("platform.py"):
            return True
        frame = frame.f_back
    return False


def hook(event, args):
    if event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork"):
        if not started_by_platform_architecture():
            events.append(f"{event} {args[0]!r}")
    elif event in ("open", "os.listdir", "os.scandir", "glob.glob") and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.path.abspath(os.fsdecode(args[0]))
        if path.startswith(watched):
            events.append(f"{event} {path}")


sys.addaudithook(hook)
import orchestration.definitions

print("\\n".join(events))
assert orchestration.definitions.build_definitions.cache_info().currsize == 0, "defs was built at import"
"""
AUDITED_BUILD = AUDITED_IMPORT.replace(
    "import orchestration.definitions\n",
    "import orchestration.definitions\norchestration.definitions.defs.resolve_job_def('weekly_build')\n",
).replace("assert orchestration.definitions.build_definitions.cache_info().currsize == 0", "assert True")


def _fresh_checkout(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """The environment of a fresh checkout: a dbt project never parsed, an empty warehouse home."""
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    home = tmp_path / "home"
    env = {**os.environ, "WAREHOUSE_DBT_PROJECT_DIR": str(project), "WAREHOUSE_HOME": str(home)}
    env.pop("WAREHOUSE_POSTGRES_DSN", None)
    return env, project


def test_importing_the_code_location_runs_nothing_and_reads_no_data(tmp_path: Path) -> None:
    """`import orchestration.definitions` in a fresh checkout: no `dbt parse` (no subprocess at all)
    and no data file opened or listed (landing zones, the demo snapshot, dbt's target folder)."""
    env, project = _fresh_checkout(tmp_path)
    watched = [str(REPO_ROOT / "data"), str(project / "target"), env["WAREHOUSE_HOME"], str(DBT_PROJECT_DIR / "target")]
    done = subprocess.run(
        [sys.executable, "-c", AUDITED_IMPORT, *watched], env=env, cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "", f"importing orchestration.definitions did work:\n{done.stdout}"
    assert not (project / "target").exists()


def test_loading_without_a_prepared_manifest_says_how_to_prepare_it(tmp_path: Path) -> None:
    env, project = _fresh_checkout(tmp_path)
    code = "from orchestration.definitions import defs"
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.returncode != 0
    assert "ManifestNotPreparedError" in done.stderr and "run `warehouse prepare`" in done.stderr
    assert not (project / "target" / "manifest.json").exists()  # nothing parsed behind the user's back


def test_building_the_definitions_reads_no_landed_or_demo_data(tmp_path: Path) -> None:
    """`defs` (the prepared manifest aside) does not depend on data files: the weekly partitions are
    the instance's dynamic partitions, not the calendar file on disk when the code location loads."""
    env = {**os.environ, "WAREHOUSE_HOME": str(tmp_path / "home")}
    env.pop("WAREHOUSE_POSTGRES_DSN", None)
    watched = [str(REPO_ROOT / "data"), env["WAREHOUSE_HOME"]]
    done = subprocess.run(
        [sys.executable, "-c", AUDITED_BUILD, *watched], env=env, cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "", f"building the definitions read data:\n{done.stdout}"


def test_a_build_in_a_fresh_checkout_prepares_the_manifest_itself(tmp_path: Path, minimal_landing: Paths) -> None:
    """`make demo` / `warehouse build` on a fresh clone: no `warehouse prepare` needed first."""
    env, project = _fresh_checkout(tmp_path)
    env |= {"WAREHOUSE_HOME": str(minimal_landing.home), "WAREHOUSE_REPORTS": str(minimal_landing.reports)}
    warehouse = Path(sys.executable).parent / "warehouse"
    command = [str(warehouse), "build", "--week", DEMO_WEEK, "--as-of", DEMO_AS_OF.isoformat()]
    done = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (project / "target" / "manifest.json").exists()
    assert (minimal_landing.reports / DEMO_WEEK / "summary.md").exists()
