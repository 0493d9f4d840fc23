"""From GX's validation result to :class:`~expectations.verdicts.Failure` objects that name the
source's file and line (or load and row) of each failing value.

A :class:`LoadGroup` is the loads of one source sharing one schema, concatenated into the frame GX
validates (with a ``_load_id`` column); it maps a row of that frame back to its load and row.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from expectations.suites import LOAD_COLUMN, expectation_columns
from expectations.verdicts import MAX_ROWS_REPORTED, Failure, plain_value, short_repr
from ingestion.landing import Load
from ingestion.registry import Source


def _family_failures(series: pd.Series, family: str) -> pd.Series:
    """Rows of a column whose value does not read as the registry's type."""
    present = series.notna()
    if family in ("float", "int"):
        return present & pd.to_numeric(series, errors="coerce").isna()
    if family == "date":
        return present & pd.to_datetime(series, errors="coerce", format="mixed").isna()
    return present & ~series.map(lambda v: isinstance(v, str))


class LoadGroup:
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
                if numbered_by_line(load):
                    ref["line"] = self.row_in_load[pos] + 1  # line 1 is the header
            if column is not None and column in self.frame.columns:
                ref["column"] = column
                ref["value"] = plain_value(self.frame.iloc[pos][column])
            refs.append(ref)
        return refs

    def extent(self) -> str:
        """Where the group's rows are: 'a.csv (27 rows, lines 2-28)' per load."""
        return "; ".join(load_extent(ld) for ld in self.loads)


def numbered_by_line(load: Load) -> bool:
    """Rows of this load are numbered by line: a CSV file, or a worksheet (header in row 1)."""
    return bool(load.file_name) and load.file_name.lower().endswith((".csv", ".xlsx"))


def load_extent(load: Load) -> str:
    origin = load.file_name or f"load {load.load_id}"
    if load.rows == 0:
        return f"{origin} (0 rows)"
    lines = f"lines 2–{load.rows + 1}" if numbered_by_line(load) else f"rows 1–{load.rows}"
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


def failures_from_gx(source: Source, group: LoadGroup, result: Any) -> list[Failure]:
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
                failure.observed = [plain_value(group.frame.iloc[p][column]) for p in positions[:5]]
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
            failure.detail = f"observed {short_repr(observed)}, expected {shown} over {group.extent()}"
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
