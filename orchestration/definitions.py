"""The Dagster code location of the warehouse (`dagster dev -w workspace.yaml`; `-m orchestration.definitions -a defs`).

Importing this module only imports code: it runs no subprocess and reads no data file
(``tests/test_definitions.py`` checks it). ``defs`` is built on first access, which is how Dagster's
loader (``-a defs``) and ``from orchestration.definitions import defs`` reach it: the assets of
the prepared dbt manifest (``warehouse prepare``; see ``orchestration/dbt_project.py``), one
landing step per section (each landing asset carries its Great Expectations check), serving,
report and, with ``WAREHOUSE_POSTGRES_DSN``, PostgreSQL publishing. GX and akshare are imported
inside the steps that use them.
"""

import warnings
from functools import cache
from typing import Any

import dagster as dg

warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)
# ruff: noqa: E402  (the filters above must run before the asset modules are imported)

from orchestration.acceptance_job import accept_load_job
from orchestration.dbt_assets import build_dbt_assets, dbt_resource
from orchestration.dbt_project import prepared_manifest
from orchestration.jobs import build_jobs, build_schedules, build_sensors
from orchestration.landing_assets import build_landing_assets
from orchestration.postgres_assets import build_postgres_assets
from orchestration.progress import progress_logger
from orchestration.resources import AkshareFetcher, BuildSettings, WriterLock
from orchestration.serving_assets import build_serving_assets


@cache
def build_definitions() -> dg.Definitions:
    """The code location's definitions (built once per process)."""
    dbt_models = build_dbt_assets(prepared_manifest())
    mart_keys = [key for key in dbt_models.keys if key.path[0] == "marts"]
    return dg.Definitions(
        assets=[
            *build_landing_assets(),
            dbt_models,
            *build_serving_assets(mart_keys),
            *build_postgres_assets(),  # only with WAREHOUSE_POSTGRES_DSN set
        ],
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


def __getattr__(name: str) -> Any:
    """``defs``, built on first access (PEP 562), so that importing the module does no work."""
    if name == "defs":
        return build_definitions()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
