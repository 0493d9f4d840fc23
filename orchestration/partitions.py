"""Weekly partitions: ISO weeks on the SSE trading calendar (holiday-only weeks do not exist).

The weeks are dynamic partitions of the Dagster instance, so building the definitions reads no
data file: they are added from the landed calendar by whoever first needs them (each adds every
landed week the instance lacks, oldest first, so the UI lists them in order):

- the ``trading_weeks`` sensor (running by default under the daemon or ``warehouse ui``),
- the landing step of the calendar source (``tool_trade_date_hist_sina``) when it lands a new load,
- ``warehouse build`` and ``warehouse ui`` before they run, and the Friday schedule for its week.
"""

from datetime import date

import dagster as dg

from ground.calendar import UnknownWeekError, week_id_of
from ingestion.trading_calendar import landed_weeks

FIRST_DAY = date(2018, 1, 1)
WEEKS = dg.DynamicPartitionsDefinition(name="weeks")


def weekly_partitions() -> dg.DynamicPartitionsDefinition:
    """The partitions of every weekly asset and job (one definition, so one list of weeks)."""
    return WEEKS


def unregistered_weeks(instance: dg.DagsterInstance) -> list[str]:
    """The weeks of the landed calendar (since 2018) that the instance does not have yet, oldest first."""
    known = set(instance.get_dynamic_partitions(WEEKS.name))
    return [week.week_id for week in landed_weeks(since=FIRST_DAY) if week.week_id not in known]


def register_weeks(instance: dg.DagsterInstance) -> list[str]:
    """Add the landed calendar's missing weeks to the instance; the ones added."""
    new = unregistered_weeks(instance)
    if new:
        instance.add_dynamic_partitions(WEEKS.name, new)
    return new


def newest_week_by(day: date) -> str:
    """The week of ``day``, or, when it has no trading day (or is beyond the calendar), the newest
    landed week before it (``UnknownWeekError`` when the calendar has none)."""
    week_id = week_id_of(day)
    earlier = [w.week_id for w in landed_weeks(since=FIRST_DAY) if w.start <= day]
    if not earlier:
        raise UnknownWeekError(f"the landed trading calendar has no week up to {day}")
    return week_id if week_id in earlier else earlier[-1]


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
        keys = list(context.instance.get_dynamic_partitions(WEEKS.name))
        return keys[keys.index(start) : keys.index(end) + 1] if start in keys and end in keys else [end]
    return []


def last_week(context: dg.OpExecutionContext | dg.AssetCheckExecutionContext) -> str | None:
    found = run_weeks(context)
    return found[-1] if found else None
