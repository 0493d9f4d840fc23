"""The Dagster code location of the warehouse (`dagster dev -w workspace.yaml`).

Loading it is cheap: GX and akshare are imported inside the steps that use them, and the dbt
manifest is re-parsed only when the dbt project changed. Each landing asset carries its Great
Expectations check (one step lands and checks a section's sources).
"""

import warnings

import dagster as dg

warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)
# ruff: noqa: E402  (the filters above must run before the asset modules are imported)

from orchestration.acceptance_job import accept_load_job
from orchestration.dbt_assets import dbt_models, dbt_resource
from orchestration.jobs import build_jobs, build_schedules, build_sensors
from orchestration.landing_assets import build_landing_assets
from orchestration.postgres_assets import build_postgres_assets
from orchestration.progress import progress_logger
from orchestration.resources import AkshareFetcher, BuildSettings, WriterLock
from orchestration.serving_assets import build_serving_assets

landing_assets = build_landing_assets()
mart_keys = [key for key in dbt_models.keys if key.path[0] == "marts"]
serving_assets = build_serving_assets(mart_keys)
postgres_assets = build_postgres_assets()  # only with WAREHOUSE_POSTGRES_DSN set

defs = dg.Definitions(
    assets=[*landing_assets, dbt_models, *serving_assets, *postgres_assets],
    jobs=[*build_jobs(), accept_load_job],
    schedules=build_schedules(),
    sensors=build_sensors(),
    resources={
        "dbt": dbt_resource(),
        "build": BuildSettings(),
        "writer_lock": WriterLock(),
        "akshare": AkshareFetcher(),
    },
    loggers={"progress": progress_logger, "console": dg.colored_console_logger},
    executor=dg.in_process_executor,
)
