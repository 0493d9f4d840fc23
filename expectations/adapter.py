"""A thin Great Expectations 1.x adapter: validate a source's new loads against its suite.

One call of :func:`check_source` per source and run:

1. the loads not yet validated under the current suite (``pending``) are read from the landing
   zone; loads are grouped by schema and each group is validated in one GX run (a concatenated
   frame with a ``_load_id`` column), so a cold build costs one validation per source, not one
   per load;
2. the load rules of the suite's ``meta`` (non-empty, row-count drop, freshness of each load)
   are evaluated per load;
3. each load gets a verdict: ``failed`` (a critical expectation failed on its rows or its
   schema), ``warned`` or ``passed``. Failed loads are quarantined (see ``expectations.store``);
   while the newest load of a parameter set is quarantined, the check keeps failing;
4. the source as a whole is checked for freshness at the build's reference moment (a warning:
   the report flags stale sources rather than refusing to render).

GX is imported lazily and one ephemeral context serves the whole process.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import pandas as pd

from expectations.store import LoadVerdict, load_statuses
from expectations.suites import LOAD_COLUMN, read_suite, suite_hash
from ingestion.landing import LandingError, Load, read_load_for_checks, verify_load
from ingestion.registry import Source

MAX_ROWS_REPORTED = 20
log = logging.getLogger(__name__)


@dataclass
class Failure:
    """One failed expectation or load rule, with up to 20 failing rows."""

    check: str
    severity: str  # critical | warning
    column: str | None = None
    observed: Any = None
    unexpected_count: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    load_ids: set[str] = field(default_factory=set)
    detail: str = ""

    @property
    def critical(self) -> bool:
        return self.severity == "critical"

    def sentence(self) -> str:
        where = f" on column {self.column}" if self.column else ""
        text = f"{self.check}{where}"
        if self.detail:
            text += f": {self.detail}"
        if self.observed is not None and not self.detail:
            text += f" (observed {_short(self.observed)})"
        if self.rows:
            shown = ", ".join(_row_ref(r) for r in self.rows[:5])
            more = f" and {self.unexpected_count - 5} more" if self.unexpected_count > 5 else ""
            text += f"; {self.unexpected_count} failing rows: {shown}{more}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "column": self.column,
            "observed": _short(self.observed),
            "unexpected_count": self.unexpected_count,
            "rows": self.rows[:MAX_ROWS_REPORTED],
            "loads": sorted(self.load_ids),
            "detail": self.detail,
        }


@dataclass
class CheckOutcome:
    source: str
    loads_checked: int
    failures: list[Failure]
    verdicts: list[LoadVerdict]
    suite_hash: str
    freshness: dict[str, Any]

    @property
    def passed(self) -> bool:
        return not any(f.critical for f in self.failures)

    @property
    def severity(self) -> str | None:
        if not self.passed:
            return "ERROR"
        return "WARN" if self.failures else None

    @property
    def failed_load_ids(self) -> list[str]:
        return [v.load_id for v in self.verdicts if v.status == "failed"]

    def summary(self) -> str:
        if not self.failures:
            return f"{self.source}: {self.loads_checked} new loads checked, all expectations met"
        lines = [f"{self.source}: {len(self.failures)} failed ({'blocking' if not self.passed else 'warning only'})"]
        lines += [f"- [{f.severity}] {f.sentence()}" for f in self.failures]
        return "\n".join(lines)


def _short(value: Any) -> Any:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 300 else text[:297] + "..."


def _row_ref(row: dict[str, Any]) -> str:
    where = f"{row['file']} line {row['line']}" if row.get("file") else f"load {row['load_id']} row {row['row']}"
    return f"{where} ({row['column']}={row['value']!r})" if "value" in row else where


@cache
def _gx_batch_definition() -> Any:
    """One ephemeral GX context and pandas batch definition per process (GX is imported here)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    source = context.data_sources.add_pandas("landing")
    return source.add_dataframe_asset("load").add_batch_definition_whole_dataframe("whole")


@cache
def _gx_suite(source_name: str, digest: str) -> Any:
    import great_expectations as gx

    suite = read_suite(source_name)
    return gx.ExpectationSuite(
        name=f"{source_name}-{digest}",
        expectations=suite["expectations"],
        meta=suite.get("meta", {}),
    )


def _family_failures(series: pd.Series, family: str) -> pd.Series:
    """Rows of a column whose value does not read as the registry's type."""
    present = series.notna()
    if family in ("float", "int"):
        return present & pd.to_numeric(series, errors="coerce").isna()
    if family == "date":
        return present & pd.to_datetime(series, errors="coerce").isna()
    return pd.Series(False, index=series.index)


class _Group:
    """Loads sharing one schema, validated together."""

    def __init__(self, loads: list[Load], frames: list[pd.DataFrame]):
        self.loads = loads
        parts = []
        for load, frame in zip(loads, frames, strict=True):
            part = frame.copy()
            part[LOAD_COLUMN] = load.load_id
            parts.append(part)
        self.frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        self.load_of_row = [ld for ld, fr in zip(loads, frames, strict=True) for _ in range(len(fr))]
        self.row_in_load = [i + 1 for fr in frames for i in range(len(fr))]

    def row_refs(self, positions: list[int], column: str | None) -> list[dict[str, Any]]:
        refs = []
        for pos in positions[:MAX_ROWS_REPORTED]:
            load = self.load_of_row[pos]
            ref: dict[str, Any] = {"load_id": load.load_id, "row": self.row_in_load[pos]}
            if load.file_name:
                ref["file"] = load.file_name
                ref["line"] = self.row_in_load[pos] + 1  # line 1 is the header
            if column is not None and column in self.frame.columns:
                value = self.frame.iloc[pos][column]
                ref["column"] = column
                ref["value"] = None if pd.isna(value) else (value.item() if hasattr(value, "item") else value)
            refs.append(ref)
        return refs


def _validate_group(source: Source, group: _Group, digest: str) -> list[Failure]:
    suite = _gx_suite(source.name, digest)
    batch = _gx_batch_definition().get_batch(batch_parameters={"dataframe": group.frame})
    result = batch.validate(suite, result_format={"result_format": "COMPLETE", "partial_unexpected_count": 20})
    failures = []
    all_loads = {ld.load_id for ld in group.loads}
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        column = config.kwargs.get("column")
        severity = getattr(config.severity, "value", str(config.severity or "critical"))
        res = item.result or {}
        failure = Failure(check=config.type, severity=severity, column=column, observed=res.get("observed_value"))
        if item.exception_info and item.exception_info.get("raised_exception"):
            message = str(item.exception_info.get("exception_message", ""))
            missing = column is not None and column not in group.frame.columns
            failure.detail = f"column {column!r} is missing" if missing else f"could not be evaluated: {message[:200]}"
            failure.load_ids = set(all_loads)
        elif config.type == "expect_table_columns_to_match_set":
            mismatched = (res.get("details") or {}).get("mismatched") or {}
            failure.detail = "; ".join(
                f"{kind} columns {sorted(cols)}" for kind, cols in mismatched.items() if cols
            ) or f"columns are {res.get('observed_value')}"
            failure.load_ids = set(all_loads)
        elif config.type == "expect_column_values_to_be_in_type_list":
            registry_type = config.meta.get("registry_type", "string") if config.meta else "string"
            # rows whose text does not read as the registry's type; GX's own list when all do
            bad = _family_failures(group.frame[column], registry_type)
            positions = [int(i) for i in bad[bad].index] or [int(i) for i in res.get("unexpected_index_list") or []]
            observed = res.get("observed_value") or "values of another type"
            failure.detail = f"holds {observed}, the registry says {registry_type}"
            failure.unexpected_count = len(positions)
            failure.rows = group.row_refs(positions, column)
            failure.load_ids = {group.load_of_row[p].load_id for p in positions} or set(all_loads)
        elif res.get("unexpected_index_list") is not None:
            positions = [int(i) for i in res["unexpected_index_list"]]
            failure.unexpected_count = int(res.get("unexpected_count") or len(positions))
            column_for_values = column or (config.kwargs.get("column_list") or [None])[0]
            failure.rows = group.row_refs(positions, column_for_values)
            failure.load_ids = {group.load_of_row[p].load_id for p in positions}
            kwargs = {k: v for k, v in config.kwargs.items() if k in ("min_value", "max_value", "value_set", "column_list", "regex")}
            failure.detail = f"{failure.unexpected_count} rows break {kwargs}" if kwargs else ""
        else:
            failure.load_ids = set(all_loads)
        failures.append(failure)
    return failures


def _period_floor(load: Load, max_age_days: int) -> date:
    return (datetime.fromisoformat(load.available_at) - timedelta(days=max_age_days)).date()


def _load_rule_failures(source: Source, load: Load, previous: Load | None, meta: dict[str, Any]) -> list[Failure]:
    failures = []
    min_rows = int(meta.get("min_rows", 1))
    if load.rows < min_rows:
        failures.append(Failure("load_is_not_empty", "critical", observed=load.rows, load_ids={load.load_id},
                                detail=f"{load.describe()} has {load.rows} rows (at least {min_rows} expected)"))
        return failures
    drop = float(meta.get("max_row_drop_pct", 50))
    if previous is not None and previous.rows > 0 and source.call == "once" and source.history != "append":
        floor = previous.rows * (1 - drop / 100)
        if load.rows < floor:
            failures.append(Failure("row_count_vs_previous_load", "critical", observed=load.rows, load_ids={load.load_id},
                                    detail=f"{load.describe()} has {load.rows} rows, the previous load had {previous.rows} "
                                    f"(more than {drop:.0f} % fewer)"))
    requested = load.params.get(source.date_param.name) if source.date_param else None
    if requested and source.period.column and load.period_max:
        wanted = datetime.strptime(str(requested), source.date_param.format).date()
        if date.fromisoformat(load.period_max) < wanted:
            failures.append(Failure("load_holds_requested_date", "critical", column=source.period.column,
                                    observed=load.period_max, load_ids={load.load_id},
                                    detail=f"{load.describe()} was asked for {wanted} but its latest {source.period.column} is {load.period_max}"))
    elif source.call == "once" and source.history != "append" or source.is_curated:
        max_age = int(meta.get("max_age_days", 60))
        floor_day = _period_floor(load, max_age)
        if load.period_max is None or date.fromisoformat(load.period_max) < floor_day:
            failures.append(Failure("load_is_fresh", "critical", column=source.period.column or source.period.param,
                                    observed=load.period_max, load_ids={load.load_id},
                                    detail=f"{load.describe()} was landed {load.available_at[:16]} but its latest period is "
                                    f"{load.period_max} (older than {max_age} days)"))
    return failures


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
    fresh = latest is not None and date.fromisoformat(latest) >= floor_day
    return {"latest_period": latest, "fresh_since": floor_day.isoformat(), "fresh": fresh, "reference": reference.isoformat()}


def check_source(
    source: Source,
    loads: list[Load],
    *,
    con: Any,
    reference: datetime,
    as_of: datetime,
) -> CheckOutcome:
    """Validate the pending loads of one source (see the module docstring)."""
    suite = read_suite(source.name)
    meta = suite.get("meta", {})
    digest = suite_hash(suite)
    statuses = load_statuses(con, source.name)
    visible = [ld for ld in loads if ld.available_at_dt <= as_of]
    pending = [ld for ld in visible if statuses.get(ld.load_id, (None, None))[1] != digest]
    failures: list[Failure] = []
    per_load: dict[str, list[Failure]] = defaultdict(list)

    previous_by_params: dict[str, Load] = {}
    readable: list[tuple[Load, pd.DataFrame]] = []
    pending_ids = {ld.load_id for ld in pending}
    for load in visible:
        usable_before = previous_by_params.get(load.params_key)
        if load.load_id in pending_ids:
            rule_failures = _load_rule_failures(source, load, usable_before, meta)
            try:
                verify_load(load)
                frame = read_load_for_checks(load) if load.rows > 0 else None
            except LandingError as exc:
                rule_failures.append(Failure("landing_file_is_readable", "critical", load_ids={load.load_id}, detail=str(exc)))
                frame = None
            for failure in rule_failures:
                per_load[load.load_id].append(failure)
            failures.extend(rule_failures)
            if frame is not None and not any(f.critical for f in rule_failures if f.check == "landing_file_is_readable"):
                readable.append((load, frame))
        status = statuses.get(load.load_id, ("passed", ""))[0]
        if load.load_id in pending_ids or status != "failed":
            previous_by_params[load.params_key] = load

    groups: dict[tuple[tuple[str, str], ...], list[tuple[Load, pd.DataFrame]]] = defaultdict(list)
    for load, frame in readable:
        groups[tuple((str(c), str(t)) for c, t in frame.dtypes.items())].append((load, frame))
    for members in groups.values():
        group = _Group([m[0] for m in members], [m[1] for m in members])
        for failure in _validate_group(source, group, digest):
            failures.append(failure)
            for load_id in failure.load_ids:
                per_load[load_id].append(failure)

    verdicts = []
    for load in pending:
        mine = per_load.get(load.load_id, [])
        status = "failed" if any(f.critical for f in mine) else ("warned" if mine else "passed")
        text = "; ".join(f.sentence() for f in mine) or "all expectations met"
        verdicts.append(LoadVerdict(load.load_id, source.name, status, digest, text[:2000]))

    # the newest load of a parameter set stays the truth for it: while it is quarantined, keep failing
    newest: dict[str, Load] = {}
    for load in visible:
        newest[load.params_key] = load
    for load in newest.values():
        status, _ = statuses.get(load.load_id, (None, None))
        if load.load_id not in pending_ids and status == "failed":
            failures.append(Failure("newest_load_is_quarantined", "critical", load_ids={load.load_id},
                                    detail=f"{load.describe()} failed its checks earlier and no good load has replaced it"))

    quarantined = {v.load_id for v in verdicts if v.status == "failed"} | {
        lid for lid, (status, _) in statuses.items() if status == "failed"
    }
    usable = [ld for ld in visible if ld.load_id not in quarantined]
    freshness = source_freshness(source, usable, reference, int(meta.get("max_age_days", 60)))
    if not freshness["fresh"]:
        failures.append(Failure("source_is_fresh", "warning", observed=freshness["latest_period"],
                                detail=f"latest period {freshness['latest_period']} is older than {freshness['fresh_since']} "
                                f"at {reference:%Y-%m-%d %H:%M}"))
    return CheckOutcome(source.name, len(pending), failures, verdicts, digest, freshness)
