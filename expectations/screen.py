"""A fast screen of a suite's expectations: which of them can a frame not possibly fail?

Great Expectations 1.x spends 5 to 25 ms of Python per expectation whatever the data (building
metric graphs, pydantic models, JSON conversions), so validating the ~800 expectations of all
37 suites costs 8 to 20 s a build even when every load is clean. The adapter therefore screens
each group of loads first: :func:`screen` evaluates the expectation types the suites use with
vectorised pandas, following GX's own pandas implementations (``great_expectations/expectations/
metrics``), and answers *clear* only when it finds no unexpected value at all and nothing it
does not understand. GX itself validates every group that is not clear, and its result is the
verdict, the observed values and the failing rows. So the screen can only ever send more work to
GX, never pass something GX would fail: anything unknown (an expectation type not listed here,
``row_condition``, an unusual dtype, an error) counts as not clear, ``mostly`` is ignored (any
unexpected value sends the group to GX, which applies ``mostly``), and
``tests/test_quality_screen.py`` checks, expectation by expectation, that the screen and GX agree
on the demo snapshot and on every bad-input case of the matrix.

``WAREHOUSE_GX_MODE=always`` makes the adapter validate every group with GX (audits, benchmarks).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

# expectation type -> the kwargs the screen understands (any other kwarg: not clear)
_COMMON = {"mostly"}
SUPPORTED: dict[str, set[str]] = {
    "expect_table_columns_to_match_set": {"column_set", "exact_match"},
    "expect_table_column_count_to_equal": {"value"},
    "expect_table_row_count_to_be_between": {"min_value", "max_value"},
    "expect_column_to_exist": {"column"},
    "expect_column_values_to_be_in_type_list": {"column", "type_list", *_COMMON},
    "expect_column_values_to_not_be_null": {"column", *_COMMON},
    "expect_column_values_to_be_unique": {"column", *_COMMON},
    "expect_compound_columns_to_be_unique": {"column_list", "ignore_row_if", *_COMMON},
    "expect_column_values_to_be_between": {"column", "min_value", "max_value", "strict_min", "strict_max", *_COMMON},
    "expect_column_values_to_match_regex": {"column", "regex", *_COMMON},
    "expect_column_values_to_be_in_set": {"column", "value_set", *_COMMON},
    "expect_column_values_to_match_strftime_format": {"column", "strftime_format", *_COMMON},
    "expect_column_pair_values_a_to_be_greater_than_b": {"column_A", "column_B", "or_equal", "ignore_row_if", *_COMMON},
    "expect_column_distinct_values_to_contain_set": {"column", "value_set"},
    "expect_column_median_to_be_between": {"column", "min_value", "max_value", "strict_min", "strict_max"},
}

_NATIVE = {"none": (type(None),), "bool": (bool,), "int": (int,), "long": (int,), "float": (float,), "str": (str,)}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _numeric(series: pd.Series) -> bool:
    return isinstance(series.dtype, np.dtype) and series.dtype.kind in "iuf"


def _values(series: pd.Series) -> np.ndarray:
    """The non-null values of a column as a NumPy array (nulls as GX sees them: None, NaN, NaT)."""
    array = series.to_numpy()
    return array[~pd.isna(array)]


def _all_str(values: np.ndarray) -> bool:
    return all(isinstance(v, str) for v in values)


def _object_types(type_list: list[str]) -> tuple[type, ...]:
    """The Python types GX accepts for values of an object column (a subset of GX's own list)."""
    found: list[type] = []
    for name in type_list:
        try:
            found.append(np.dtype(name).type)
        except TypeError:
            attribute = getattr(pd, name, None)
            if isinstance(attribute, type):
                found.append(attribute)
        found.extend(_NATIVE.get(name.lower(), ()))
    return tuple(found)


def _dtype_in(dtype: Any, type_list: list[str]) -> bool:
    for name in type_list:
        try:
            if dtype == np.dtype(name):
                return True
        except TypeError:
            continue
    return False


def _in_type_list(frame: pd.DataFrame, kw: dict[str, Any]) -> bool:
    series = frame[kw["column"]]
    if series.dtype == object:
        types = _object_types(kw["type_list"])
        return bool(types) and all(isinstance(v, types) for v in _values(series))
    return _dtype_in(series.dtype, kw["type_list"])


def _between(frame: pd.DataFrame, kw: dict[str, Any]) -> bool:
    low, high = kw.get("min_value"), kw.get("max_value")
    if (low is None and high is None) or not all(v is None or _number(v) for v in (low, high)):
        return False
    if low is not None and high is not None and low > high:
        return False
    series = frame[kw["column"]]
    if not _numeric(series):
        return False
    values = _values(series)
    if low is not None and not bool(np.all(values > low if kw.get("strict_min") else values >= low)):
        return False
    return high is None or bool(np.all(values < high if kw.get("strict_max") else values <= high))


def _regex(frame: pd.DataFrame, kw: dict[str, Any]) -> bool:
    series = frame[kw["column"]]
    values = _values(series)
    if series.dtype == object and _all_str(values):
        search = re.compile(kw["regex"]).search  # str.contains is re.search
        return all(search(v) is not None for v in values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "has match groups": GX uses str.contains as well
        return bool(_present(frame, kw["column"]).astype(str).str.contains(kw["regex"]).all())


def _present(frame: pd.DataFrame, column: Any) -> pd.Series:
    series = frame[column]
    return series[series.notna()]


def _in_set(frame: pd.DataFrame, kw: dict[str, Any]) -> bool:
    series = frame[kw["column"]]
    values = _values(series)
    allowed = kw["value_set"]
    if series.dtype == object and _all_str(values) and all(isinstance(v, str) for v in allowed):
        allowed = set(allowed)
        return all(v in allowed for v in values)
    return bool(_present(frame, kw["column"]).isin(allowed).all())


def _strftime(frame: pd.DataFrame, kw: dict[str, Any]) -> bool:
    values = _values(frame[kw["column"]])
    fmt = kw["strftime_format"]
    if not _all_str(values):
        return False
    try:
        for value in values:
            datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


def _no_duplicates(arrays: list[np.ndarray]) -> bool | None:
    """True/False when decidable by hashing (no nulls involved), None otherwise."""
    if any(bool(pd.isna(a).any()) for a in arrays):
        return None
    rows = list(zip(*arrays, strict=True)) if len(arrays) > 1 else list(arrays[0])
    return len(set(rows)) == len(rows)


def _unique(frame: pd.DataFrame, kw: dict[str, Any]) -> bool:
    series = frame[kw["column"]]
    decided = _no_duplicates([series.to_numpy()])
    if decided is not None:
        return decided
    return not bool(_present(frame, kw["column"]).duplicated(keep=False).any())


def _compound_unique(frame: pd.DataFrame, kw: dict[str, Any]) -> bool:
    columns = list(kw["column_list"])
    how = {"all_values_are_missing": "all", "any_value_is_missing": "any"}.get(
        kw.get("ignore_row_if", "all_values_are_missing")
    )
    if how is None:
        return False
    decided = _no_duplicates([frame[c].to_numpy() for c in columns])
    if decided is not None:
        return decided
    data = frame[columns].dropna(how=how)
    return not bool(data.duplicated(keep=False).any())


def _datetimes(a: pd.Series, b: pd.Series) -> bool:
    """Two datetime64 columns of one unit (how landed ``date`` columns are read for the checks)."""
    return isinstance(a.dtype, np.dtype) and a.dtype.kind == "M" and a.dtype == b.dtype


def _pair_greater(frame: pd.DataFrame, kw: dict[str, Any]) -> bool:
    a, b = frame[kw["column_A"]], frame[kw["column_B"]]
    if not ((_numeric(a) and _numeric(b)) or _datetimes(a, b)):
        return False
    how = kw.get("ignore_row_if", "both_values_are_missing")
    if how not in ("both_values_are_missing", "either_value_is_missing"):
        return False
    left, right = a.to_numpy(), b.to_numpy()
    missing_a, missing_b = pd.isna(left), pd.isna(right)
    keep = ~(missing_a & missing_b) if how == "both_values_are_missing" else ~(missing_a | missing_b)
    left, right = left[keep], right[keep]
    with np.errstate(invalid="ignore"):
        ok = left >= right if kw.get("or_equal") else left > right
    return bool(np.all(ok))


def _median(frame: pd.DataFrame, kw: dict[str, Any]) -> bool:
    series = frame[kw["column"]]
    low, high = kw.get("min_value"), kw.get("max_value")
    if not _numeric(series) or not all(v is None or _number(v) for v in (low, high)) or series.notna().sum() == 0:
        return False
    median = float(series.median())
    if low is not None and (median <= low if kw.get("strict_min") else median < low):
        return False
    return not (high is not None and (median >= high if kw.get("strict_max") else median > high))


_CHECKS: dict[str, Callable[[pd.DataFrame, dict[str, Any]], bool]] = {
    "expect_table_columns_to_match_set": lambda f, kw: (
        set(f.columns) == set(kw["column_set"])
        if kw.get("exact_match", True)
        else set(kw["column_set"]) <= set(f.columns)
    ),
    "expect_table_column_count_to_equal": lambda f, kw: len(f.columns) == kw["value"],
    "expect_table_row_count_to_be_between": lambda f, kw: (
        (kw.get("min_value") is None or len(f) >= kw["min_value"])
        and (kw.get("max_value") is None or len(f) <= kw["max_value"])
    ),
    "expect_column_to_exist": lambda f, kw: kw["column"] in f.columns,
    "expect_column_values_to_be_in_type_list": _in_type_list,
    "expect_column_values_to_not_be_null": lambda f, kw: not bool(pd.isna(f[kw["column"]].to_numpy()).any()),
    "expect_column_values_to_be_unique": _unique,
    "expect_compound_columns_to_be_unique": _compound_unique,
    "expect_column_values_to_be_between": _between,
    "expect_column_values_to_match_regex": _regex,
    "expect_column_values_to_be_in_set": _in_set,
    "expect_column_values_to_match_strftime_format": _strftime,
    "expect_column_pair_values_a_to_be_greater_than_b": _pair_greater,
    "expect_column_distinct_values_to_contain_set": lambda f, kw: set(kw["value_set"]) <= set(_values(f[kw["column"]])),
    "expect_column_median_to_be_between": _median,
}
assert set(_CHECKS) == set(SUPPORTED)

_COLUMN_KWARGS = ("column", "column_A", "column_B")


def is_clear(frame: pd.DataFrame, expectation: dict[str, Any]) -> bool:
    """True only when ``frame`` certainly meets ``expectation`` (GX would report success)."""
    kind = expectation.get("type")
    kwargs = expectation.get("kwargs") or {}
    if kind not in SUPPORTED or set(kwargs) - SUPPORTED[kind]:
        return False
    for key in _COLUMN_KWARGS:
        if key in kwargs and kwargs[key] not in frame.columns:
            return False
    if "column_list" in kwargs and any(c not in frame.columns for c in kwargs["column_list"]):
        return False
    try:
        return bool(_CHECKS[kind](frame, kwargs))
    except (TypeError, ValueError, KeyError, re.error):
        return False


def screen(frame: pd.DataFrame, expectations: list[dict[str, Any]]) -> list[bool]:
    """One flag per expectation: True = certainly met, False = GX must validate."""
    return [is_clear(frame, expectation) for expectation in expectations]
