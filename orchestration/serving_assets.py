"""The last two steps of a build: publish the marts, then render the week's report."""

import dagster as dg

from orchestration.partitions import run_weeks, weekly_partitions
from orchestration.resources import BuildSettings, WriterLock
from reporting.weekly import render_weekly_summary
from warehouse.publish import publish

SERVING_KEY = dg.AssetKey(["serving", "warehouse"])
REPORT_KEY = dg.AssetKey(["report", "weekly_summary"])


def build_serving_assets(mart_keys: list[dg.AssetKey]) -> list[dg.AssetsDefinition]:
    partitions = weekly_partitions()

    @dg.asset(
        key=SERVING_KEY,
        deps=mart_keys,
        group_name="serving",
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        kinds={"duckdb", "parquet"},
        tags={"warehouse/writer": "true"},
        description="Write-audit-publish: the marts copied into a new read-only serving database and Parquet files, swapped in atomically.",
    )
    def serving_warehouse(
        context: dg.AssetExecutionContext, build: BuildSettings, writer_lock: WriterLock
    ) -> dg.MaterializeResult:
        weeks = run_weeks(context)
        if build.live:
            names = failed_fetches(context)
            if names:
                raise dg.Failure(
                    description=f"not published: akshare fetches failed for {', '.join(names)}; "
                    "the serving database keeps its last good version",
                    metadata={"failed_sources": names},
                )
        with writer_lock.writing(context):  # what this run's landing and dbt steps built, no other run's
            version = publish(week=weeks[-1] if weeks else None, as_of=build.as_of_moment(context).isoformat())
        marts = (version.record or {}).get("marts", {})
        return dg.MaterializeResult(
            metadata={
                "version": version.name,
                "path": str(version.path),
                "mart_rows": dg.MetadataValue.json({name: entry["rows"] for name, entry in marts.items()}),
                "empty_marts": ", ".join(sorted(name for name, entry in marts.items() if not entry["rows"])),
            }
        )

    @dg.asset(
        key=REPORT_KEY,
        deps=[SERVING_KEY],
        group_name="serving",
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        kinds={"markdown", "html", "excel"},
        description="The weekly summary tables of the note (reports/<week>/summary.md, .html, .xlsx).",
    )
    def weekly_summary(context: dg.AssetExecutionContext, build: BuildSettings) -> dg.MaterializeResult:
        as_of = build.as_of_moment(context)
        rendered = [render_weekly_summary(week, as_of=as_of) for week in run_weeks(context)]
        last = rendered[-1]
        return dg.MaterializeResult(
            metadata={
                "week": last.week,
                "files": "\n".join(str(f) for r in rendered for f in r.files),
                "report": dg.MetadataValue.path(str(last.html)),
                "render_seconds": round(sum(r.seconds for r in rendered), 2),
                # tables and data sentences without chart images, which the UI cannot resolve
                "summary": dg.MetadataValue.md(last.metadata_markdown),
            }
        )

    return [serving_warehouse, weekly_summary]


def failed_fetches(context: dg.AssetExecutionContext) -> list[str]:
    """The sources whose landing materialisation in this run recorded failed akshare calls
    (metadata ``fetch_failures``; the errors are in ``fetch_errors``, shown on the landing asset)."""
    records = context.instance.get_records_for_run(
        context.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
    ).records
    failed = set()
    for record in records:
        materialization = record.event_log_entry.asset_materialization
        if materialization is None or materialization.asset_key.path[0] != "landing":
            continue
        count = materialization.metadata.get("fetch_failures")
        if count is not None and count.value:
            failed.add(materialization.asset_key.path[-1])
    return sorted(failed)
