"""Weekly partitions: ISO weeks on the SSE trading calendar (holiday-only weeks do not exist)."""

from datetime import date

import dagster as dg

from ingestion.trading_calendar import landed_weeks

FIRST_DAY = date(2018, 1, 1)


def weekly_partitions() -> dg.StaticPartitionsDefinition:
    """Every ISO week with an SSE trading day since 2018, from the landed calendar."""
    keys = [week.week_id for week in landed_weeks(since=FIRST_DAY)]
    return dg.StaticPartitionsDefinition(keys or ["2023-W15"])


def run_weeks(context: dg.OpExecutionContext | dg.AssetCheckExecutionContext) -> list[str]:
    """The weeks a run builds: its partition range, or its partition tag, or none."""
    if isinstance(context, dg.OpExecutionContext) and context.has_partition_key_range:
        return list(context.partition_keys)
    if isinstance(context, dg.OpExecutionContext) and context.has_partition_key:
        return [context.partition_key]
    tags = context.run.tags
    if "dagster/partition" in tags:
        return [tags["dagster/partition"]]
    if "dagster/asset_partition_range_end" in tags:
        start, end = tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]
        keys = [w.week_id for w in landed_weeks(since=FIRST_DAY)]
        return keys[keys.index(start) : keys.index(end) + 1] if start in keys and end in keys else [end]
    return []


def last_week(context: dg.OpExecutionContext | dg.AssetCheckExecutionContext) -> str | None:
    found = run_weeks(context)
    return found[-1] if found else None
