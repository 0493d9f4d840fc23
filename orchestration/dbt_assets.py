"""Every dbt model as a Dagster asset, built by one ``dbt build`` per run.

The run's week and as-of moment reach dbt as run settings written into the working database
(``warehouse/run_settings.py``), with the plan of which weeks the incremental models rebuild
(``warehouse/rebuild_plan.py``); no ``--vars``, so dbt's partial parsing holds between builds.
dbt tests become asset checks; an error-severity failure fails the step, so nothing downstream
(publishing) runs.
"""

import os
from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt_project import DBT_TARGET, WarehouseTranslator, dbt_executable, ensure_manifest
from orchestration.partitions import last_week, weekly_partitions
from orchestration.resources import BuildSettings, WriterLock
from warehouse.settings import DBT_PROJECT_DIR, paths


@dbt_assets(
    manifest=ensure_manifest(),
    dagster_dbt_translator=WarehouseTranslator(),
    partitions_def=weekly_partitions(),
    backfill_policy=dg.BackfillPolicy.single_run(),
    op_tags={"warehouse/writer": "true"},
    name="dbt_models",
)
def dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, build: BuildSettings, writer_lock: WriterLock
) -> Iterator[Any]:
    from warehouse.database import working
    from warehouse.rebuild_plan import prepare_dbt_build
    from warehouse.run_settings import RunSettings

    settings = RunSettings.for_week(last_week(context), build.as_of_moment(context))
    with working() as con:
        plan = prepare_dbt_build(con, settings, ensure_manifest(), full_refresh=build.full_refresh)
    context.log.info(f"run settings: {settings}\nrebuild plan:\n{plan.describe()}")
    os.environ["WAREHOUSE_DUCKDB"] = str(paths().working_db)  # read by dbt_project/profiles.yml
    # one writer at a time, so one fixed target folder: dbt reuses its partial-parse state
    args = ["build", "--full-refresh"] if build.full_refresh else ["build"]
    yield from dbt.cli(args, context=context, target_path=DBT_TARGET).stream()


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable()
    )
