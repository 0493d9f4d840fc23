"""Jobs, the Friday schedule and the inbox sensor."""

from datetime import datetime

import dagster as dg

from ground.calendar import UnknownWeekError, week_id_of
from ground.settings import paths
from ingestion.files import is_landable
from ingestion.registry import registry
from ingestion.trading_calendar import landed_week
from orchestration.asset_keys import landing_key
from orchestration.partitions import weekly_partitions

WEEKLY_BUILD = "weekly_build"
LAND_SOURCES = "land_sources"


def build_jobs() -> list:
    return [
        dg.define_asset_job(
            WEEKLY_BUILD,
            selection=dg.AssetSelection.all(include_sources=False),
            partitions_def=weekly_partitions(),
            description="Everything for one week: land, check, dbt build, publish, render the report.",
            tags={"warehouse/writer": "true"},
        ),
        dg.define_asset_job(
            LAND_SOURCES,
            selection=dg.AssetSelection.groups(*sorted({f"landing_{s.section}" for s in registry().values()})),
            description="Land new data (inbox files; akshare when run with build.live) and check it, without building.",
            tags={"warehouse/writer": "true"},
        ),
    ]


def build_schedules() -> list[dg.ScheduleDefinition]:
    @dg.schedule(
        job_name=WEEKLY_BUILD,
        cron_schedule="0 20 * * 5",
        execution_timezone="Asia/Shanghai",
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="Friday 20:00 Shanghai: fetch live, build and publish the week's report.",
    )
    def friday_report(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        moment: datetime = context.scheduled_execution_time
        week_id = week_id_of(moment.date())
        try:
            landed_week(week_id)
        except UnknownWeekError as exc:
            return dg.SkipReason(str(exc))
        return dg.RunRequest(
            partition_key=week_id,
            run_config={"resources": {"build": {"config": {"as_of": moment.isoformat(), "live": True}}}},
        )

    return [friday_report]


def build_sensors() -> list[dg.SensorDefinition]:
    @dg.sensor(
        name="inbox_sensor",
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Lands files dropped in data/inbox/<source>/ (curated files as CSV or .xlsx, akshare frames as CSV/Parquet).",
        asset_selection=dg.AssetSelection.keys(*[landing_key(name) for name in registry()]),
    )
    def inbox_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        requests = []
        inbox = paths().inbox
        for name, source in registry().items():
            folder = inbox / name
            if not folder.is_dir():
                continue
            files = sorted(p for p in folder.iterdir() if p.is_file() and is_landable(p))
            if not files:
                continue
            run_key = name + ":" + ",".join(f"{p.name}@{p.stat().st_mtime_ns}" for p in files)
            partition = None
            if source.call in ("per_date", "per_week", "per_range"):
                partition = week_id_of(datetime.now().date())
            requests.append(
                dg.RunRequest(run_key=run_key, asset_selection=[landing_key(name)], partition_key=partition)
            )
        return dg.SensorResult(run_requests=requests)

    return [inbox_sensor]
