"""The load rules of a suite's ``meta``, evaluated per load: not empty, row count against the
previous load of the same parameters, the requested date or a fresh enough latest period, the
registry's pattern-named columns; and the freshness of a source as a whole at a reference moment."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from expectations.gx_results import LoadGroup, load_extent
from expectations.verdicts import MAX_ROWS_REPORTED, Failure
from ingestion.landing import Load
from ingestion.periods import parse_period_values
from ingestion.registry import Source


def period_end(day: date, source: Source) -> date:
    if source.period.grain == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if source.period.grain == "year":
        return day.replace(month=12, day=31)
    return day


def _latest_rows(source: Source, load: Load, frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """The rows holding a load's latest period (for freshness failures)."""
    column = source.period.column
    if frame is None or column is None or column not in frame.columns or source.period.format == "cpca_wide":
        return []
    parsed = parse_period_values(frame[column], source.period.format)
    if parsed.notna().sum() == 0:
        return []
    positions = [int(i) for i in parsed.index[parsed == parsed.max()]][:MAX_ROWS_REPORTED]
    group = LoadGroup([load], [frame])
    return group.row_refs(positions, column)


def _freshness_floor(source: Source, load: Load, max_age: int) -> tuple[date, str] | None:
    """The oldest acceptable latest period of a load and what it is measured from (None: no rule)."""
    landed = datetime.fromisoformat(load.available_at)
    if source.call == "per_range" and source.range_params is not None:
        end_text = load.params.get(source.range_params.end)
        anchor = landed.date()
        if end_text:
            end = datetime.strptime(str(end_text), source.range_params.format).date()
            anchor = min(anchor, end)
        return anchor - timedelta(days=max_age), f"landed {load.available_at[:16]}, range ending {end_text}"
    if source.call == "once" and (source.history != "append" or source.is_curated):
        return landed.date() - timedelta(days=max_age), f"landed {load.available_at[:16]}"
    return None


def load_rule_failures(
    source: Source, load: Load, previous: Load | None, meta: dict[str, Any], frame: pd.DataFrame | None
) -> list[Failure]:
    failures = []
    min_rows = int(meta.get("min_rows", 1))
    if load.rows < min_rows:
        failures.append(
            Failure(
                "load_is_not_empty",
                "critical",
                observed=load.rows,
                load_ids={load.load_id},
                detail=f"{load.describe()} has {load.rows} rows (at least {min_rows} expected): {load_extent(load)}",
            )
        )
        return failures
    drop = float(meta.get("max_row_drop_pct", 50))
    comparable = not (source.call == "once" and source.history == "append")  # curated files may hold new months only
    if comparable and previous is not None and previous.rows > 0:
        floor = previous.rows * (1 - drop / 100)
        if load.rows < floor:
            failures.append(
                Failure(
                    "row_count_vs_previous_load",
                    "critical",
                    observed=load.rows,
                    load_ids={load.load_id},
                    detail=f"{load.describe()} has {load.rows} rows, the previous load of the same parameters had "
                    f"{previous.rows} (more than {drop:.0f} % fewer): {load_extent(load)}",
                )
            )
    stale_severity = str(meta.get("stale_load_severity", "critical"))
    requested = load.params.get(source.date_param.name) if source.date_param else None
    if requested and source.period.column:
        wanted = datetime.strptime(str(requested), source.date_param.format).date()
        if load.period_max is None or date.fromisoformat(load.period_max) < wanted:
            failures.append(
                Failure(
                    "load_holds_requested_date",
                    stale_severity,
                    column=source.period.column,
                    observed=load.period_max,
                    load_ids={load.load_id},
                    rows=(rows := _latest_rows(source, load, frame)),
                    unexpected_count=len(rows),
                    detail=f"{load.describe()} was asked for {wanted} but its latest {source.period.column} is "
                    f"{load.period_max}",
                )
            )
        return failures
    max_age = int(meta.get("max_age_days", 60))
    floor = _freshness_floor(source, load, max_age)
    if floor is not None:
        floor_day, measured_from = floor
        latest = date.fromisoformat(load.period_max) if load.period_max else None
        if latest is None or period_end(latest, source) < floor_day:
            rows = _latest_rows(source, load, frame)
            failures.append(
                Failure(
                    "load_is_fresh",
                    stale_severity,
                    column=source.period.column or source.period.param,
                    observed=load.period_max,
                    load_ids={load.load_id},
                    rows=rows,
                    unexpected_count=len(rows),
                    detail=f"{load.describe()}: its latest period {load.period_max} is older than {floor_day} "
                    f"({measured_from}, at most {max_age} days: {source.cadence} cadence and publication lag)"
                    + _backfill_hint(source, load, latest),
                )
            )
    return failures


def _backfill_hint(source: Source, load: Load, latest: date | None) -> str:
    """For a file landed without ``--available-at``: how to land it as the backfill it probably is."""
    if not load.file_name or load.available_at != load.fetched_at:
        return ""
    example = ""
    if latest is not None and source.publication is not None:
        known = source.publication.published_at(period_end(latest, source))
        example = f" (e.g. {known.isoformat(timespec='minutes')}, when its latest period was published)"
    return (
        f". The file was landed without --available-at, so it counts as known only from when it was landed: "
        f"a backfill of older data should be landed with `warehouse ingest {source.name} --file {load.file_name} --available-at "
        f"<when the data was known>`{example}"
    )


def pattern_schema_failures(source: Source, load: Load, frame: pd.DataFrame) -> list[Failure]:
    """Columns named by pattern (CPCA's year columns) escape GX's column set: compare with the registry."""
    problems = source.schema_problems([str(c) for c in frame.columns])
    if not problems:
        return []
    named = [p.split("column ", 1)[1].strip("'") for p in problems]
    return [
        Failure(
            "columns_match_registry",
            "critical",
            column=named[0],
            observed=[str(c) for c in frame.columns],
            load_ids={load.load_id},
            detail="; ".join(problems) + f" in {load_extent(load)}",
        )
    ]


def landed_again(load: Load, visible: list[Load], usable_ids: set[str]) -> bool:
    """True when the same content of the same parameters is also in a usable load (e.g. the file
    landed again with ``--available-at``): the quarantined copy then holds nothing the build lacks."""
    return any(
        other.load_id != load.load_id
        and other.load_id in usable_ids
        and other.params_key == load.params_key
        and other.content_hash == load.content_hash
        for other in visible
    )


def source_freshness(source: Source, loads: list[Load], reference: datetime, max_age_days: int) -> dict[str, Any]:
    """Latest period the usable loads reach, against the reference moment."""
    if source.history == "append":
        latest = max((ld.period_max for ld in loads if ld.period_max), default=None)
    else:
        newest: dict[str, Load] = {}
        for ld in loads:
            newest[ld.params_key] = ld
        latest = min((ld.period_max for ld in newest.values() if ld.period_max), default=None)
    floor_day = (reference - timedelta(days=max_age_days)).date()
    fresh = latest is not None and period_end(date.fromisoformat(latest), source) >= floor_day
    return {
        "latest_period": latest,
        "fresh_since": floor_day.isoformat(),
        "fresh": fresh,
        "reference": reference.isoformat(),
    }
