"""Every dbt model as a Dagster asset, built by one ``dbt build`` per run.

The run's week and as-of moment reach dbt as vars (``week``, ``as_of``, ``period_cutoff``), the
way dagster-open-platform passes its partition window. dbt tests become asset checks; an
error-severity failure fails the step, so nothing downstream (publishing) runs.
"""

import json
import os
from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt_project import WarehouseTranslator, dbt_executable, ensure_manifest
from orchestration.partitions import last_week, weekly_partitions
from orchestration.resources import BuildSettings, WriterLock
from warehouse.calendar import get_week
from warehouse.settings import DBT_PROJECT_DIR, paths


def dbt_vars(week_id: str | None, as_of_iso: str) -> dict[str, Any]:
    cutoff = get_week(week_id).report_moment.isoformat() if week_id else None
    return {"as_of": as_of_iso, "period_cutoff": cutoff, "week": week_id}


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
    variables = dbt_vars(last_week(context), build.as_of_moment(context).isoformat())
    context.log.info(f"dbt vars: {variables}")
    os.environ["WAREHOUSE_DUCKDB"] = str(paths().working_db)  # read by dbt_project/profiles.yml
    # one writer at a time, so one fixed target folder: dbt reuses its partial-parse state
    target = DBT_PROJECT_DIR / "target" / "build"
    yield from dbt.cli(["build", "--vars", json.dumps(variables)], context=context, target_path=target).stream()


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable()
    )
