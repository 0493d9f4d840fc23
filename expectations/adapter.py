"""A thin Great Expectations 1.x adapter: validate a source's new loads against its suite.

One call of :func:`check_source` per source and run:

1. the loads not yet validated under the current suite (``pending``) are read from the landing
   zone; loads are grouped by schema (column names and dtypes) and each group is one batch (a
   concatenated frame with a ``_load_id`` column), so a cold build costs one validation per
   source and schema, not one per load;
2. GX validates each group against the whole suite (``WAREHOUSE_GX_MODE=always``, the
   default) in two passes: ``result_format=BOOLEAN_ONLY`` for every expectation (about half the
   cost of COMPLETE), then ``COMPLETE`` for the expectations that failed, so GX's result is the
   verdict and names the observed values and up to 20 failing rows (file and line, or load and
   row). ``WAREHOUSE_GX_MODE=screen`` puts ``expectations.screen`` (vectorised pandas, a few
   milliseconds) in front: GX then validates only what the screen cannot clear (for backfills
   over thousands of loads; ``tests/test_quality_screen.py`` keeps the two in agreement);
3. the load rules of the suite's ``meta`` (non-empty, row count against the previous load of the
   same parameters, freshness of each load) are evaluated per load;
4. each load gets a verdict: ``failed`` (a critical expectation failed on its rows or its
   schema), ``warned`` or ``passed``. Failed loads are quarantined (see ``expectations.store``);
   while the newest load of a parameter set is quarantined, the check keeps failing;
5. the source as a whole is checked for freshness at the build's reference moment (a warning:
   the report flags stale sources rather than refusing to render).

GX is imported lazily (at the first validation, never when the code location loads) and one
ephemeral context serves the process.
"""

from __future__ import annotations

import calendar
import contextlib
import logging
import os
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import pandas as pd

from expectations.screen import screen
from expectations.store import LoadVerdict, load_statuses
from expectations.suites import LOAD_COLUMN, expand_patterns, expectation_columns, read_suite, suite_hash
from ingestion.landing import LandingError, Load, read_load_for_checks, verify_load
from ingestion.periods import parse_period_values
from ingestion.registry import Source

MAX_ROWS_REPORTED = 20
GX_MODE_ENV = "WAREHOUSE_GX_MODE"
log = logging.getLogger(__name__)


def gx_mode() -> str:
    """``always`` (default: GX validates every group) or ``screen`` (GX validates what the screen cannot clear)."""
    mode = os.environ.get(GX_MODE_ENV, "always").strip().lower() or "always"
    if mode not in ("screen", "always"):
        raise ValueError(f"{GX_MODE_ENV} must be 'screen' or 'always', not {mode!r}")
    return mode


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
    columns: list[str] = field(default_factory=list)  # every column the expectation names

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
            noun = "row" if self.unexpected_count == 1 else "rows"
            text += f"; {self.unexpected_count} failing {noun}: {shown}{more}"
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
    timings: dict[str, float] = field(default_factory=dict)

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
        kind = "blocking" if not self.passed else "warning only"
        quarantined = f", {len(self.failed_load_ids)} load(s) quarantined" if self.failed_load_ids else ""
        lines = [f"{self.source}: {len(self.failures)} failed ({kind}{quarantined})"]
        lines += [f"- [{f.severity}] {f.sentence()}" for f in self.failures]
        return "\n".join(lines)


def _short(value: Any) -> Any:
    if value is None:
        return None
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 300 else text[:297] + "..."


def _row_ref(row: dict[str, Any]) -> str:
    if row.get("line"):
        where = f"{row['file']} line {row['line']}"
    elif row.get("file"):
        where = f"{row['file']} row {row['row']}"
    else:
        where = f"load {row['load_id']} row {row['row']}"
    return f"{where} ({row['column']}={row['value']!r})" if "value" in row else where


def _plain(value: Any) -> Any:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


# ---------------------------------------------------------------------------------- GX (lazy)


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
def _gx_suite(source_name: str, digest: str, columns: tuple[str, ...], selected: tuple[int, ...] | None) -> Any:
    """The source's suite for a frame with ``columns`` (patterns expanded), or the ``selected`` part."""
    import great_expectations as gx

    suite = read_suite(source_name)
    expanded = expand_patterns(suite["expectations"], list(columns))
    # meta.position: where the expectation stands in the expanded suite (screen flags use it too)
    expectations = [
        {**e, "meta": {**(e.get("meta") or {}), "position": i}}
        for i, e in enumerate(expanded)
        if selected is None or i in selected
    ]
    return gx.ExpectationSuite(
        name=f"{source_name}-{digest}-{abs(hash((columns, selected))) % 10**10}",
        expectations=expectations,
        meta=suite.get("meta", {}),
    )


def gx_validate(
    source_name: str,
    digest: str,
    frame: pd.DataFrame,
    selected: tuple[int, ...] | None = None,
    result_format: str = "COMPLETE",
) -> Any:
    """GX's validation result for ``frame`` under the source's suite (or its ``selected`` expectations)."""
    suite = _gx_suite(source_name, digest, tuple(str(c) for c in frame.columns), selected)
    batch = _gx_batch_definition().get_batch(batch_parameters={"dataframe": frame})
    with _configurations_memoized():
        return batch.validate(suite, result_format={"result_format": result_format, "partial_unexpected_count": 20})


_memo: dict[int, tuple[Any, Any]] | None = None


@cache
def _install_configuration_memo() -> None:
    """Let ``Expectation.configuration`` reuse its value inside one validation.

    GX 1.x rebuilds an expectation's configuration (a pydantic ``.dict()`` and a new
    ``ExpectationConfiguration``) each time the property is read, about 13 times per expectation
    and metric during one validation: 80 % of a validation's time on our suites. The expectations
    do not change while a validation runs, so inside :func:`gx_validate` the first value is kept
    per expectation object; outside it (and in any other caller) the property is GX's own.
    ``tests/test_quality_adapter.py`` checks that the results are identical either way.
    """
    from great_expectations.expectations.expectation import Expectation

    original = Expectation.configuration.fget

    def configuration(self: Any) -> Any:
        if _memo is None:
            return original(self)
        hit = _memo.get(id(self))
        if hit is None or hit[0] is not self:
            hit = (self, original(self))
            _memo[id(self)] = hit
        return hit[1]

    Expectation.configuration = property(configuration, doc=Expectation.configuration.__doc__)


@contextlib.contextmanager
def _configurations_memoized() -> Iterator[None]:
    global _memo
    _install_configuration_memo()
    _memo = {}
    try:
        yield
    finally:
        _memo = None


# ---------------------------------------------------------------------------------- groups


def _family_failures(series: pd.Series, family: str) -> pd.Series:
    """Rows of a column whose value does not read as the registry's type."""
    present = series.notna()
    if family in ("float", "int"):
        return present & pd.to_numeric(series, errors="coerce").isna()
    if family == "date":
        return present & pd.to_datetime(series, errors="coerce", format="mixed").isna()
    return present & ~series.map(lambda v: isinstance(v, str))


class _Group:
    """Loads sharing one schema, validated together."""

    def __init__(self, loads: list[Load], frames: list[pd.DataFrame]):
        self.loads = loads
        parts = []
        for load, frame in zip(loads, frames, strict=True):
            part = frame.copy()
            part[LOAD_COLUMN] = pd.Series([load.load_id] * len(frame), index=frame.index, dtype=object)
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
                if _numbered_by_line(load):
                    ref["line"] = self.row_in_load[pos] + 1  # line 1 is the header
            if column is not None and column in self.frame.columns:
                ref["column"] = column
                ref["value"] = _plain(self.frame.iloc[pos][column])
            refs.append(ref)
        return refs

    def extent(self) -> str:
        """Where the group's rows are: 'a.csv (27 rows, lines 2-28)' per load."""
        return "; ".join(_extent(ld) for ld in self.loads)


def _numbered_by_line(load: Load) -> bool:
    """Rows of this load are numbered by line: a CSV file, or a worksheet (header in row 1)."""
    return bool(load.file_name) and load.file_name.lower().endswith((".csv", ".xlsx"))


def _extent(load: Load) -> str:
    origin = load.file_name or f"load {load.load_id}"
    if load.rows == 0:
        return f"{origin} (0 rows)"
    lines = f"lines 2–{load.rows + 1}" if _numbered_by_line(load) else f"rows 1–{load.rows}"
    return f"{origin} ({load.rows} rows, {lines})"


def _exception_message(info: Any) -> str | None:
    """The message of an exception GX caught while evaluating an expectation (None: none raised)."""
    if not isinstance(info, dict):
        return None
    if "raised_exception" in info:
        return str(info.get("exception_message") or "error") if info.get("raised_exception") else None
    for value in info.values():  # keyed by metric configuration
        message = _exception_message(value)
        if message is not None:
            return message
    return None


def _failures_from_gx(source: Source, group: _Group, result: Any) -> list[Failure]:
    failures: list[Failure] = []
    all_loads = {ld.load_id for ld in group.loads}
    registry_types = {c.name: c.type for c in source.columns if c.name is not None}
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        kwargs = dict(config.kwargs)
        column = kwargs.get("column") or kwargs.get("column_A")
        severity = getattr(config.severity, "value", str(config.severity or "critical"))
        res = item.result or {}
        observed = res.get("observed_value")
        if observed is None and res.get("partial_unexpected_list"):
            observed = res["partial_unexpected_list"][:5]
        failure = Failure(check=config.type, severity=severity, column=column, observed=observed)
        failure.columns = expectation_columns({"kwargs": kwargs})
        raised = _exception_message(item.exception_info)
        if config.type in ("expect_table_columns_to_match_set", "expect_table_column_count_to_equal"):
            mismatched = (res.get("details") or {}).get("mismatched") or {}
            parts = [f"{kind} columns {sorted(cols)}" for kind, cols in mismatched.items() if cols]
            if not parts:
                parts = [f"columns are {res.get('observed_value')}"]
            failure.detail = "; ".join(parts) + f" in {group.extent()}"
            named = [c for kind in ("missing", "unexpected") for c in sorted(mismatched.get(kind) or [])]
            failure.column = named[0] if named else None
            failure.load_ids = set(all_loads)
        elif raised is not None:
            names = [c for c in expectation_columns({"kwargs": kwargs}) if c not in group.frame.columns]
            if names:
                failure.check = "column_is_missing"
                failure.column = names[0]
                failure.detail = f"column {names[0]!r} is missing from {group.extent()}; {config.type} not evaluated"
            else:
                failure.detail = f"could not be evaluated on {group.extent()}: {raised[:200]}"
            failure.load_ids = set(all_loads)
        elif config.type == "expect_column_values_to_be_in_type_list":
            registry_type = (config.meta or {}).get("registry_type") or registry_types.get(column, "string")
            # rows whose value does not read as the registry's type; GX's own list when all do
            bad = _family_failures(group.frame[column], registry_type)
            positions = [int(i) for i in bad[bad].index] or [int(i) for i in res.get("unexpected_index_list") or []]
            failure.unexpected_count = len(positions)
            if positions:
                failure.observed = [_plain(group.frame.iloc[p][column]) for p in positions[:5]]
                failure.detail = f"{len(positions)} value(s) do not read as {registry_type} (the registry's type)"
            else:
                failure.detail = (
                    f"holds {res.get('observed_value') or 'values of another type'}, the registry says {registry_type}"
                )
            failure.rows = group.row_refs(positions, column)
            failure.load_ids = {group.load_of_row[p].load_id for p in positions} or set(all_loads)
            if not positions:
                failure.detail += f" in {group.extent()}"
        elif res.get("unexpected_index_list") is not None:
            positions = sorted(int(i) for i in res["unexpected_index_list"])
            failure.unexpected_count = int(res.get("unexpected_count") or len(positions))
            column_for_values = column or (kwargs.get("column_list") or [None])[0]
            if kwargs.get("column_list"):
                failure.column = ", ".join(kwargs["column_list"])
            failure.rows = group.row_refs(positions, column_for_values)
            failure.load_ids = {group.load_of_row[p].load_id for p in positions}
            shown = {
                k: v
                for k, v in kwargs.items()
                if k in ("min_value", "max_value", "value_set", "regex", "strftime_format", "or_equal")
            }
            failure.detail = (
                f"{failure.unexpected_count} of {res.get('element_count', len(group.frame))} rows break {shown}"
                if shown
                else ""
            )
            if kwargs.get("mostly") not in (None, 1, 1.0):
                failure.detail += f" (more than the {1 - float(kwargs['mostly']):.0%} allowed)"
        else:
            shown = {k: v for k, v in kwargs.items() if k in ("min_value", "max_value", "value_set")}
            failure.detail = f"observed {_short(observed)}, expected {shown} over {group.extent()}"
            failure.load_ids = set(all_loads)
        failures.append(failure)
    return _collapse(failures)


def _collapse(failures: list[Failure]) -> list[Failure]:
    """One failure per missing column; nothing more on a column that already fails its type check."""
    kept: list[Failure] = []
    missing_seen: set[str] = set()
    mistyped = {f.column for f in failures if f.check == "expect_column_values_to_be_in_type_list"}
    for failure in failures:
        if failure.check == "column_is_missing":
            if failure.column in missing_seen:
                continue
            missing_seen.add(failure.column or "")
        elif (
            failure.check != "expect_column_values_to_be_in_type_list"
            and "could not be evaluated" in failure.detail
            and set(failure.columns) & mistyped
        ):
            continue  # the type failure already names the column and its rows
        kept.append(failure)
    return kept


# ---------------------------------------------------------------------------------- load rules


def _period_end(day: date, source: Source) -> date:
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
    group = _Group([load], [frame])
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


def _load_rule_failures(
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
                detail=f"{load.describe()} has {load.rows} rows (at least {min_rows} expected): {_extent(load)}",
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
                    f"{previous.rows} (more than {drop:.0f} % fewer): {_extent(load)}",
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
        if latest is None or _period_end(latest, source) < floor_day:
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
        known = source.publication.published_at(_period_end(latest, source))
        example = f" (e.g. {known.isoformat(timespec='minutes')}, when its latest period was published)"
    return (
        f". The file was landed without --available-at, so it counts as known only from when it was landed: "
        f"a backfill of older data should be landed with `warehouse ingest {source.name} --file {load.file_name} --available-at "
        f"<when the data was known>`{example}"
    )


def _pattern_schema_failures(source: Source, load: Load, frame: pd.DataFrame) -> list[Failure]:
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
            detail="; ".join(problems) + f" in {_extent(load)}",
        )
    ]


def _landed_again(load: Load, visible: list[Load], usable_ids: set[str]) -> bool:
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
    fresh = latest is not None and _period_end(date.fromisoformat(latest), source) >= floor_day
    return {
        "latest_period": latest,
        "fresh_since": floor_day.isoformat(),
        "fresh": fresh,
        "reference": reference.isoformat(),
    }


# ---------------------------------------------------------------------------------- the check


def _read(load: Load) -> tuple[pd.DataFrame | None, Failure | None]:
    try:
        verify_load(load)
        return (read_load_for_checks(load) if load.rows > 0 else None), None
    except LandingError as exc:
        return None, Failure("landing_file_is_readable", "critical", load_ids={load.load_id}, detail=str(exc))


def validate_group(
    source: Source, group: _Group, digest: str, suite: dict[str, Any], mode: str
) -> tuple[list[Failure], int]:
    """The failures of one group and how many expectations GX validated.

    ``always``: GX validates the whole suite with BOOLEAN_ONLY, then the failed expectations
    again with COMPLETE (observed values, failing rows). ``screen``: GX validates, with
    COMPLETE, only the expectations the screen cannot clear (the others certainly pass).
    """
    if mode == "screen":
        expectations = expand_patterns(suite["expectations"], [str(c) for c in group.frame.columns])
        selected = tuple(i for i, clear in enumerate(screen(group.frame, expectations)) if not clear)
        if not selected:
            return [], 0
        result = gx_validate(source.name, digest, group.frame, selected)
        return _failures_from_gx(source, group, result), len(result.results)
    verdicts = gx_validate(source.name, digest, group.frame, None, result_format="BOOLEAN_ONLY")
    failed = tuple(sorted(item.expectation_config.meta["position"] for item in verdicts.results if not item.success))
    if not failed:
        return [], len(verdicts.results)
    result = gx_validate(source.name, digest, group.frame, failed)
    return _failures_from_gx(source, group, result), len(verdicts.results)


def check_source(
    source: Source,
    loads: list[Load],
    *,
    con: Any,
    reference: datetime,
    as_of: datetime,
) -> CheckOutcome:
    """Validate the pending loads of one source (see the module docstring)."""
    started = time.perf_counter()
    mode = gx_mode()
    suite = read_suite(source.name)
    meta = suite.get("meta", {})
    digest = suite_hash(suite)
    statuses = load_statuses(con, source.name)
    visible = [ld for ld in loads if ld.available_at_dt <= as_of]
    pending = [ld for ld in visible if statuses.get(ld.load_id, (None, None))[1] != digest]
    pending_ids = {ld.load_id for ld in pending}
    failures: list[Failure] = []
    per_load: dict[str, list[Failure]] = defaultdict(list)

    previous_by_params: dict[str, Load] = {}
    readable: list[tuple[Load, pd.DataFrame]] = []
    for load in visible:
        usable_before = previous_by_params.get(load.params_key)
        if load.load_id in pending_ids:
            frame, unreadable = _read(load)
            rule_failures = (
                [unreadable] if unreadable else _load_rule_failures(source, load, usable_before, meta, frame)
            )
            if frame is not None and any(c.pattern for c in source.columns):
                rule_failures += _pattern_schema_failures(source, load, frame)
            for failure in rule_failures:
                per_load[load.load_id].append(failure)
            failures.extend(rule_failures)
            if frame is not None:
                readable.append((load, frame))
            if not any(f.critical for f in rule_failures):
                previous_by_params[load.params_key] = load
        elif statuses.get(load.load_id, ("passed", ""))[0] != "failed":
            previous_by_params[load.params_key] = load
    read_done = time.perf_counter()

    groups: dict[tuple[tuple[str, str], ...], list[tuple[Load, pd.DataFrame]]] = defaultdict(list)
    for load, frame in readable:
        groups[tuple((str(c), str(t)) for c, t in frame.dtypes.items())].append((load, frame))
    gx_expectations = 0
    for members in groups.values():
        group = _Group([m[0] for m in members], [m[1] for m in members])
        group_failures, validated_by_gx = validate_group(source, group, digest, suite, mode)
        gx_expectations += validated_by_gx
        for failure in group_failures:
            failures.append(failure)
            for load_id in failure.load_ids:
                per_load[load_id].append(failure)
    validated = time.perf_counter()

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
    released = {v.load_id for v in verdicts if v.status != "failed"} | {
        lid for lid, (status, _) in statuses.items() if status != "failed" and lid not in pending_ids
    }
    for load in newest.values():
        status, _ = statuses.get(load.load_id, (None, None))
        if load.load_id not in pending_ids and status == "failed" and not _landed_again(load, visible, released):
            failures.append(
                Failure(
                    "newest_load_is_quarantined",
                    "critical",
                    load_ids={load.load_id},
                    detail=f"{load.describe()} failed its checks earlier and no good load has replaced it: {_extent(load)}",
                )
            )

    quarantined = {v.load_id for v in verdicts if v.status == "failed"} | {
        lid for lid, (status, _) in statuses.items() if status == "failed"
    }
    usable = [ld for ld in visible if ld.load_id not in quarantined]
    freshness = source_freshness(source, usable, reference, int(meta.get("max_age_days", 60)))
    if not freshness["fresh"]:
        failures.append(
            Failure(
                "source_is_fresh",
                "warning",
                column=source.period.column or source.period.param,
                observed=freshness["latest_period"],
                detail=f"latest period {freshness['latest_period']} is older than {freshness['fresh_since']} "
                f"at {reference:%Y-%m-%d %H:%M} ({source.cadence} cadence, publication lag and margin: "
                f"{meta.get('max_age_days', 60)} days)",
            )
        )
    failures.sort(key=lambda f: not f.critical)
    timings = {
        "read_s": read_done - started,
        "validate_s": validated - read_done,
        "total_s": time.perf_counter() - started,
        "groups": float(len(groups)),
        "gx_expectations": float(gx_expectations),
    }
    return CheckOutcome(source.name, len(pending), failures, verdicts, digest, freshness, timings)
