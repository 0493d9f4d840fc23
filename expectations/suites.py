"""Great Expectations suites, one JSON file per source in ``expectations/suites/``.

The files are GX 1.x's own suite format (``ExpectationSuite.to_json_dict()``), so analysts can
read and edit them. Expectations whose ``meta.generated`` is ``"registry"`` are the schema part,
derived from ``ingestion/sources.yml`` by :func:`schema_expectations`; ``python -m
expectations.suites`` rewrites that part and keeps everything else. ``tests/test_suites.py``
fails when a suite's schema part has drifted from the registry.

Load rules that compare a load with its context (not a frame's values) live in the suite's
``meta`` and are evaluated by the adapter:

* ``max_age_days``: a load fetched at F must reach a period no older than F minus this many
  days (default: cadence + publication lag + a margin); a load asked for a date must hold it;
* ``max_row_drop_pct``: a load may not have this much fewer rows than the previous load of
  the same parameters (default 50);
* ``min_rows``: a load may not be smaller (default 1);
* ``stale_load_severity``: ``critical`` (default) or ``warning`` for a load older than
  ``max_age_days`` (``warning`` for an upstream known to be frozen).

An expectation whose ``meta.column_pattern`` is true names a regular expression in its
``column`` kwarg instead of a column: the adapter applies it to every column of a load whose name
matches (the registry's pattern columns, e.g. CPCA's year columns ``2022年``/``2023年``).

Severity: ``critical`` fails the check with severity ERROR (blocking: the dbt models downstream
do not run and nothing is published); ``warning`` is reported and does not block.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from ground.settings import SUITES_DIR
from ingestion.registry import CADENCE_DAYS, Source, registry

LOAD_COLUMN = "_load_id"

# The adapter reads a landed frame with text as object and dates as datetime64. GX checks a
# typed column by its dtype and an object column value by value (so text in a numeric column
# is reported row by row): each list names both the dtypes and the Python value types.
TYPE_LISTS: dict[str, list[str]] = {
    "string": ["str"],
    "float": ["float64", "Float64", "float32", "int64", "Int64", "int32", "float", "int"],
    "int": ["int64", "Int64", "int32", "float64", "int", "float"],
    "date": ["datetime64[ns]", "datetime64[us]", "datetime64[ms]", "datetime64[s]", "date", "datetime", "Timestamp"],
}


SEVERITIES = ("critical", "warning", "info")
META_KEYS = {"source", "max_age_days", "max_row_drop_pct", "min_rows", "stale_load_severity"}
COLUMN_KWARGS = ("column", "column_A", "column_B")


def default_meta(source: Source) -> dict[str, Any]:
    lag = source.publication.lag_days if source.publication else 0
    return {
        "source": source.name,
        "max_age_days": CADENCE_DAYS[source.cadence] + max(lag, 0) + (10 if source.cadence == "daily" else 20),
        "max_row_drop_pct": 50,
        "min_rows": 1,
    }


def schema_expectations(source: Source) -> list[dict[str, Any]]:
    """The registry-derived part of a suite: column set, types, non-null and unique keys."""
    generated = {"generated": "registry"}
    fixed = [c.name for c in source.columns if c.name is not None]
    has_patterns = any(c.pattern for c in source.columns)
    expectations: list[dict[str, Any]] = [
        {
            "type": "expect_table_columns_to_match_set",
            "kwargs": {"column_set": [*fixed, LOAD_COLUMN], "exact_match": not has_patterns},
            "meta": {**generated, "notes": f"{LOAD_COLUMN} is added by the adapter: the load a row came from"},
            "severity": "critical",
        }
    ]
    if has_patterns:
        expectations.append(
            {
                "type": "expect_table_column_count_to_equal",
                "kwargs": {"value": source.expected_column_count + 1},
                "meta": {
                    **generated,
                    "notes": "columns named by pattern: " + ", ".join(c.label for c in source.columns if c.pattern),
                },
                "severity": "critical",
            }
        )
    for column in source.columns:
        if column.name is None:
            continue
        expectations.append(
            {
                "type": "expect_column_values_to_be_in_type_list",
                "kwargs": {"column": column.name, "type_list": TYPE_LISTS[column.type]},
                "meta": {**generated, "registry_type": column.type, "unit": column.unit},
                "severity": "critical",
            }
        )
    for column in source.columns:
        if column.pattern is None:
            continue
        expectations.append(
            {
                "type": "expect_column_values_to_be_in_type_list",
                "kwargs": {"column": column.pattern, "type_list": TYPE_LISTS[column.type]},
                "meta": {**generated, "column_pattern": True, "registry_type": column.type, "unit": column.unit},
                "severity": "critical",
            }
        )
    for key_column in source.key:
        expectations.append(
            {
                "type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": key_column},
                "meta": {**generated, "notes": "key column"},
                "severity": "critical",
            }
        )
    if source.key:
        expectations.append(
            {
                "type": "expect_compound_columns_to_be_unique",
                "kwargs": {"column_list": [*source.key, LOAD_COLUMN]},
                "meta": {**generated, "notes": "the key is unique within each load"},
                "severity": "critical",
            }
        )
    else:
        expectations.append(
            {
                "type": "expect_column_values_to_be_unique",
                "kwargs": {"column": LOAD_COLUMN},
                "meta": {**generated, "notes": "exactly one row per load (the source has no key column)"},
                "severity": "critical",
            }
        )
    return expectations


def expectation_columns(expectation: dict[str, Any]) -> list[str]:
    """The columns (or column patterns) an expectation names."""
    kwargs = expectation.get("kwargs") or {}
    names = [kwargs[k] for k in COLUMN_KWARGS if k in kwargs]
    return names + list(kwargs.get("column_list") or [])


def expand_patterns(expectations: list[dict[str, Any]], columns: list[str]) -> list[dict[str, Any]]:
    """Expectations with ``meta.column_pattern`` applied to every matching column (in column order)."""
    expanded = []
    for expectation in expectations:
        if not (expectation.get("meta") or {}).get("column_pattern"):
            expanded.append(expectation)
            continue
        pattern = re.compile(expectation["kwargs"]["column"])
        for column in columns:
            if pattern.fullmatch(str(column)):
                kwargs = {**expectation["kwargs"], "column": column}
                expanded.append({**expectation, "kwargs": kwargs})
    return expanded


def suite_problems(suite: dict[str, Any], source: Source) -> list[str]:
    """What is wrong with a suite file, as sentences naming the expectation (empty when fine)."""
    problems = []
    if suite.get("name") != source.name:
        problems.append(f"suite name {suite.get('name')!r} is not the source name {source.name!r}")
    generated = [e for e in suite.get("expectations", []) if (e.get("meta") or {}).get("generated") == "registry"]
    if generated != schema_expectations(source):
        problems.append("the schema part differs from the registry: run `python -m expectations.suites`")
    unknown_meta = set(suite.get("meta", {})) - META_KEYS
    if unknown_meta:
        problems.append(f"unknown suite meta keys {sorted(unknown_meta)}")
    if suite.get("meta", {}).get("stale_load_severity", "critical") not in ("critical", "warning"):
        problems.append("stale_load_severity must be critical or warning")
    fixed = set(source.column_names)
    patterns = [c.pattern for c in source.columns if c.pattern]
    for i, expectation in enumerate(suite.get("expectations", [])):
        where = f"expectation #{i + 1} ({expectation.get('type')})"
        if expectation.get("severity", "critical") not in SEVERITIES:
            problems.append(f"{where}: severity {expectation.get('severity')!r} is not one of {SEVERITIES}")
        meta = expectation.get("meta") or {}
        if meta.get("generated") == "registry":
            continue
        if not meta.get("notes"):
            problems.append(f"{where}: hand-written expectations explain themselves in meta.notes")
        for name in expectation_columns(expectation):
            if meta.get("column_pattern"):
                if name not in patterns:
                    problems.append(f"{where}: column pattern {name!r} is not a registry pattern of {source.name}")
            elif name not in fixed and name != LOAD_COLUMN:
                problems.append(f"{where}: column {name!r} is not a registry column of {source.name}")
    return problems


def suite_path(source_name: str) -> Path:
    return SUITES_DIR / f"{source_name}.json"


def read_suite(source_name: str) -> dict[str, Any]:
    path = suite_path(source_name)
    if not path.exists():
        raise FileNotFoundError(f"no expectation suite for source {source_name}: expected {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def suite_hash(suite: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(suite, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def refresh_suite(source: Source) -> dict[str, Any]:
    """The suite with its schema part regenerated and hand-written expectations kept."""
    path = suite_path(source.name)
    existing = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    kept = [e for e in existing.get("expectations", []) if e.get("meta", {}).get("generated") != "registry"]
    meta = {
        **default_meta(source),
        **{k: v for k, v in existing.get("meta", {}).items() if k != "great_expectations_version"},
    }
    return {
        "name": source.name,
        "expectations": [*schema_expectations(source), *kept],
        "meta": meta,
        "notes": existing.get("notes") or f"{source.title}: {source.description}",
    }


def write_suite(suite: dict[str, Any]) -> Path:
    path = suite_path(suite["name"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(suite, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    names = argv or sorted(registry())
    for name in names:
        print(write_suite(refresh_suite(registry()[name])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
