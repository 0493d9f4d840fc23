"""The screen agrees with Great Expectations, expectation by expectation.

The adapter lets GX validate only what ``expectations/screen.py`` cannot clear, so a clear from
the screen must mean GX succeeds. These tests run both on the demo snapshot (every load of every
source, grouped as the adapter groups them), on the bad-input mutations of the matrix and on
random corruptions, and compare per expectation.
"""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from expectations.gx_results import LoadGroup
from expectations.gx_validation import gx_validate
from expectations.screen import screen
from expectations.suites import LOAD_COLUMN, expand_patterns, read_suite, suite_hash
from ground.settings import DEMO_LANDING
from ingestion.landing import list_loads, read_load_for_checks
from ingestion.registry import registry

pytestmark = pytest.mark.skipif(not any(DEMO_LANDING.glob("*/*.json")), reason="no demo snapshot")


def _demo_groups(name: str) -> list[LoadGroup]:
    groups: dict[tuple, list] = defaultdict(list)
    for load in list_loads(DEMO_LANDING, name):
        frame = read_load_for_checks(load)
        groups[tuple((str(c), str(t)) for c, t in frame.dtypes.items())].append((load, frame))
    return [LoadGroup([m[0] for m in members], [m[1] for m in members]) for members in groups.values()]


def _compare(name: str, frame: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(expectations the screen cleared but GX failed, expectations GX passed but the screen did not)."""
    suite = read_suite(name)
    expectations = expand_patterns(suite["expectations"], [str(c) for c in frame.columns])
    flags = screen(frame, expectations)
    result = gx_validate(name, suite_hash(suite), frame, None, result_format="BOOLEAN_ONLY")
    assert len(result.results) == len(expectations)
    unsound, overcautious = [], []
    success_at = {item.expectation_config.meta["position"]: item.success for item in result.results}
    for position, (expectation, clear) in enumerate(zip(expectations, flags, strict=True)):
        success = success_at[position]
        label = f"{expectation['type']}({expectation['kwargs'].get('column') or expectation['kwargs']})"
        if clear and not success:
            unsound.append(label)
        if success and not clear and expectation["kwargs"].get("mostly", 1) == 1:
            overcautious.append(label)
    return unsound, overcautious


@pytest.mark.parametrize("name", sorted(registry()))
def test_screen_and_gx_agree_on_the_demo_snapshot(name: str) -> None:
    for group in _demo_groups(name):
        unsound, overcautious = _compare(name, group.frame)
        assert unsound == [], f"{name}: the screen cleared what GX fails: {unsound}"
        assert overcautious == [], f"{name}: the screen sends clean data to GX: {overcautious}"


def _newest_frame(name: str) -> pd.DataFrame:
    load = list_loads(DEMO_LANDING, name)[-1]
    frame = read_load_for_checks(load)
    frame[LOAD_COLUMN] = pd.Series([load.load_id] * len(frame), dtype=object)
    return frame


def _numeric_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if frame[c].dtype.kind in "iuf"]


def _mutations(name: str, frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    source = registry()[name]
    key = source.key[0] if source.key else None
    number = _numeric_columns(frame)[0]
    out: dict[str, pd.DataFrame] = {}
    out["missing_column"] = frame.drop(columns=[number])
    out["renamed_column"] = frame.rename(columns={number: number + "_x"})
    extra = frame.copy()
    extra["备注"] = "x"
    out["extra_column"] = extra
    text = frame.copy()
    text[number] = text[number].astype(object)
    text.loc[min(2, len(text) - 1), number] = "n/a"
    out["text_in_numeric_column"] = text
    out["values_x10000"] = frame.assign(**{c: frame[c] * 10_000 for c in _numeric_columns(frame)})
    if key is not None and len(frame) > 1:
        dup = frame.copy()
        for column in source.key:
            dup.loc[1, column] = dup.loc[0, column]
        out["duplicate_keys"] = dup
        null = frame.copy()
        null[key] = null[key].astype(object)
        null.loc[1, key] = None
        out["null_keys"] = null
    return out


MUTATED = [
    "macro_china_hgjck",
    "stock_a_ttm_lyr",
    "stock_margin_sse",
    "fund_etf_scale_sse",
    "customs_exports_by_partner",
    "ccma_machinery",
    "car_market_total_cpca",
    "stock_hsgt_hist_em",
    "stock_margin_szse",
    "index_zh_a_hist",
]


@pytest.mark.parametrize("name", MUTATED)
def test_screen_flags_every_bad_input_and_never_clears_what_gx_fails(name: str) -> None:
    frame = _newest_frame(name)
    for case, bad in _mutations(name, frame).items():
        suite = read_suite(name)
        flags = screen(bad, expand_patterns(suite["expectations"], [str(c) for c in bad.columns]))
        # columns named by pattern escape GX's column set; the adapter compares them with the registry
        registry_problems = registry()[name].schema_problems([c for c in bad.columns if c != LOAD_COLUMN])
        assert not all(flags) or registry_problems, f"{name}/{case}: the screen saw nothing wrong"
        unsound, _ = _compare(name, bad)
        assert unsound == [], f"{name}/{case}: the screen cleared what GX fails: {unsound}"


@pytest.mark.parametrize("name", MUTATED)
def test_screen_is_sound_under_random_corruption(name: str) -> None:
    rng = random.Random(f"screen-{name}")
    base = _newest_frame(name)
    columns = [c for c in base.columns if c != LOAD_COLUMN]
    for _ in range(4):
        bad = base.copy()
        for _ in range(rng.randint(1, 3)):
            column = rng.choice(columns)
            row = rng.randrange(len(bad))
            kind = rng.choice(["null", "scale", "negate", "text", "copy_row"])
            if kind == "null":
                bad[column] = bad[column].astype(object) if bad[column].dtype.kind in "iu" else bad[column]
                bad.loc[row, column] = None if bad[column].dtype == object else np.nan
            elif kind in ("scale", "negate") and bad[column].dtype.kind in "iuf":
                bad[column] = bad[column].astype("float64")
                bad.loc[row, column] = bad.loc[row, column] * (1e4 if kind == "scale" else -1)
            elif kind == "text":
                bad[column] = bad[column].astype(object)
                bad.loc[row, column] = "—"
            elif kind == "copy_row" and len(bad) > 1:
                bad.loc[row] = bad.loc[(row + 1) % len(bad)]
        unsound, _ = _compare(name, bad)
        assert unsound == [], f"{name}: the screen cleared what GX fails: {unsound}"
