"""Jobs, the Friday schedule and the inbox sensor."""

from datetime import datetime

import dagster as dg

from ground.calendar import UnknownWeekError, week_id_of
from ground.settings import paths
from ground.time_zone import SHANGHAI
from ingestion.files import is_landable
from ingestion.registry import registry
from ingestion.trading_calendar import landed_week
from orchestration.asset_keys import landing_key
from orchestration.partitions import WEEKS, newest_week_by, register_weeks, unregistered_weeks, weekly_partitions

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
        register_weeks(context.instance)  # a schedule cannot return partition requests: add them here
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
        weeks_needed = False
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
                partition = newest_week_by(datetime.now(SHANGHAI).date())
                weeks_needed = True
            requests.append(
                dg.RunRequest(run_key=run_key, asset_selection=[landing_key(name)], partition_key=partition)
            )
        missing = unregistered_weeks(context.instance) if weeks_needed else []  # all, to keep the order
        return dg.SensorResult(
            run_requests=requests,
            dynamic_partitions_requests=[WEEKS.build_add_request(missing)] if missing else None,
        )

    @dg.sensor(
        name="trading_weeks",
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Adds the weeks of the landed SSE trading calendar to the weekly partitions (oldest first).",
    )
    def trading_weeks(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
        new = unregistered_weeks(context.instance)
        if not new:
            return dg.SkipReason("every week of the landed trading calendar is a partition")
        context.log.info(f"adding {len(new)} week(s): {new[0]} .. {new[-1]}")
        return dg.SensorResult(dynamic_partitions_requests=[WEEKS.build_add_request(new)])

    return [inbox_sensor, trading_weeks]
