"""Publish to PostgreSQL after every successful build (only when ``WAREHOUSE_POSTGRES_DSN`` is set).

The asset runs after ``serving/warehouse`` (the DuckDB serving version, the source of truth) and
copies that version's marts into schema ``marts`` of the configured database for BI tools. A
failure fails the run loudly; PostgreSQL keeps its previous version (one transaction) and the
DuckDB version and the report are unaffected: rerun the build or `warehouse publish --postgres`.
"""

import os

import dagster as dg

from orchestration.partitions import weekly_partitions
from orchestration.serving_assets import SERVING_KEY
from warehouse.publish import PublishError
from warehouse.publish_postgres import BI_ROLE_ENV, DEFAULT_BI_ROLE, configured_dsn, publish_to_postgres

POSTGRES_KEY = dg.AssetKey(["serving", "postgres_marts"])


def build_postgres_assets() -> list[dg.AssetsDefinition]:
    """The PostgreSQL publish asset when a DSN is configured, else nothing."""
    dsn = configured_dsn()
    if not dsn:
        return []

    @dg.asset(
        key=POSTGRES_KEY,
        deps=[SERVING_KEY],
        group_name="serving",
        partitions_def=weekly_partitions(),
        backfill_policy=dg.BackfillPolicy.single_run(),
        kinds={"postgres"},
        description="The current serving version's marts copied into schema marts of $WAREHOUSE_POSTGRES_DSN "
        "in one transaction (readers see the old or the new version), readable by the BI role.",
    )
    def postgres_marts(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        try:
            done = publish_to_postgres(
                dsn, bi_role=os.environ.get(BI_ROLE_ENV) or DEFAULT_BI_ROLE, progress=context.log.info
            )
        except PublishError as exc:
            raise dg.Failure(description=str(exc)) from exc
        return dg.MaterializeResult(
            metadata={
                "version": done.version,
                "database": done.target,
                "bi_role": done.bi_role,
                "rows": dg.MetadataValue.json(done.rows),
                "seconds": round(done.seconds, 2),
                "copy_seconds": round(done.copy_seconds, 2),
            }
        )

    return [postgres_marts]
