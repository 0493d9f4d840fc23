"""The expectation suites: one GX 1.x suite per source, its schema part generated from the registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from expectations import suites as suites_module
from expectations.screen import SUPPORTED
from expectations.suites import (
    LOAD_COLUMN,
    expand_patterns,
    read_suite,
    refresh_suite,
    schema_expectations,
    suite_problems,
)
from ground.settings import SUITES_DIR
from ingestion.registry import registry

SOURCES = sorted(registry())


def _hand_written(suite: dict) -> list[dict]:
    return [e for e in suite["expectations"] if (e.get("meta") or {}).get("generated") != "registry"]


def test_every_registered_source_has_exactly_one_suite() -> None:
    files = {p.stem for p in SUITES_DIR.glob("*.json")}
    assert files == set(SOURCES)


@pytest.mark.parametrize("name", SOURCES)
def test_suite_is_consistent_with_the_registry(name: str) -> None:
    """Schema part equal to the registry's; hand-written part names registry columns, explains itself."""
    assert suite_problems(read_suite(name), registry()[name]) == []


@pytest.mark.parametrize("name", SOURCES)
def test_regenerating_a_suite_changes_nothing(name: str) -> None:
    """`python -m expectations.suites` has been run after the last edit of the registry or a suite."""
    on_disk = json.loads(Path(SUITES_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert refresh_suite(registry()[name]) == on_disk


def test_regenerating_keeps_hand_written_expectations_and_meta(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = registry()["macro_china_hgjck"]
    suite = read_suite(source.name)
    stale = dict(suite)
    # a drifted schema part (a column the registry no longer has) and an analyst's own edits
    stale["expectations"] = [
        {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "旧列"},
            "meta": {"generated": "registry"},
        },
        *_hand_written(suite),
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "当月出口额-同比增长", "min_value": -50, "max_value": 80},
            "meta": {"notes": "an analyst's tighter range"},
            "severity": "warning",
        },
    ]
    stale["meta"] = {**suite["meta"], "max_age_days": 99}
    monkeypatch.setattr(suites_module, "SUITES_DIR", tmp_path)
    (tmp_path / f"{source.name}.json").write_text(json.dumps(stale, ensure_ascii=False), encoding="utf-8")
    refreshed = refresh_suite(source)
    generated = [e for e in refreshed["expectations"] if (e.get("meta") or {}).get("generated") == "registry"]
    assert generated == schema_expectations(source)
    assert _hand_written(refreshed) == stale["expectations"][1:]
    assert refreshed["meta"]["max_age_days"] == 99


@pytest.mark.parametrize("name", SOURCES)
def test_schema_part_has_exact_columns_types_and_keys(name: str) -> None:
    source = registry()[name]
    generated = [e for e in read_suite(name)["expectations"] if (e.get("meta") or {}).get("generated") == "registry"]
    columns = next(e for e in generated if e["type"] == "expect_table_columns_to_match_set")["kwargs"]
    assert columns["column_set"] == [*source.column_names, LOAD_COLUMN]
    assert columns["exact_match"] == (not any(c.pattern for c in source.columns))
    typed = {
        e["kwargs"]["column"]: e["meta"] for e in generated if e["type"] == "expect_column_values_to_be_in_type_list"
    }
    for column in source.columns:
        meta = typed[column.name if column.name is not None else column.pattern]
        assert (meta["registry_type"], meta["unit"]) == (column.type, column.unit)
    not_null = {e["kwargs"]["column"] for e in generated if e["type"] == "expect_column_values_to_not_be_null"}
    assert not_null == set(source.key)


@pytest.mark.parametrize("name", SOURCES)
def test_every_source_has_hand_written_critical_checks(name: str) -> None:
    """Beyond the schema: ranges, unit sanity, sets or code formats that block a bad load."""
    hand = _hand_written(read_suite(name))
    assert any(e.get("severity", "critical") == "critical" for e in hand), f"{name}: no hand-written critical check"
    for e in hand:
        assert e["type"] in SUPPORTED, f"{name}: {e['type']} is not screened; add it to expectations/screen.py"


@pytest.mark.parametrize("name", SOURCES)
def test_every_amount_column_has_a_unit_sanity_range(name: str) -> None:
    """A numeric column with a unit other than % or a fraction has a critical range check, so a
    x10,000 unit change (元 vs 万元 vs 亿元, 份 vs 万份) cannot pass unnoticed."""
    source = registry()[name]
    hand = _hand_written(read_suite(name))
    ranged = {
        e["kwargs"]["column"]
        for e in hand
        if e.get("severity", "critical") == "critical"
        and e["type"] in ("expect_column_values_to_be_between", "expect_column_median_to_be_between")
    }
    amounts = [
        c.label if c.name is None else c.name
        for c in source.columns
        if c.type in ("float", "int") and c.unit and c.unit not in ("%", "fraction", "‰", "家", "名", "万名")
    ]
    missing = [c for c in amounts if c.strip("/") not in ranged and c not in ranged]
    assert not missing, f"{name}: no critical range on {missing}"


def test_stated_ranges_of_the_issue() -> None:
    def between(name: str, column: str) -> tuple[float, float]:
        for e in _hand_written(read_suite(name)):
            if (
                e["type"] == "expect_column_values_to_be_between"
                and e["kwargs"]["column"] == column
                and e.get("severity", "critical") == "critical"
            ):
                return e["kwargs"].get("min_value"), e["kwargs"].get("max_value")
        raise AssertionError(f"{name}.{column} has no critical range")

    assert between("macro_china_hgjck", "当月出口额-金额") == (5e7, 1e9)
    assert between("macro_china_hgjck", "当月出口额-同比增长") == (-100, 1000)
    assert between("stock_a_ttm_lyr", "middlePETTM") == (5, 100)
    assert between("stock_margin_sse", "融资余额")[0] >= 1e10  # 元
    assert between("stock_margin_szse", "融资余额")[1] <= 1e5  # 亿元
    assert between("fund_etf_scale_sse", "基金份额")[0] >= 1e5  # 份, not 万份


def test_column_patterns_expand_to_matching_columns() -> None:
    suite = read_suite("car_market_total_cpca")
    expanded = expand_patterns(suite["expectations"], ["月份", "2022年", "2023年", LOAD_COLUMN])
    years = [e["kwargs"]["column"] for e in expanded if e["type"] == "expect_column_values_to_be_between"]
    assert "2022年" in years and "2023年" in years
    assert all(not e["kwargs"].get("column", "").startswith("^") for e in expanded)


def test_suites_are_valid_gx_suites() -> None:
    """GX 1.x reads every suite file as it is (the analysts' format is GX's own)."""
    import great_expectations as gx

    for name in SOURCES:
        suite = read_suite(name)
        columns = ["月份", "2022年", "2023年", "沪深300", "沪深300-涨跌幅"]
        built = gx.ExpectationSuite(
            name=name, expectations=expand_patterns(suite["expectations"], columns), meta=suite["meta"]
        )
        assert len(built.expectations) >= len([e for e in suite["expectations"] if not e["meta"].get("column_pattern")])
        severities = {getattr(e.severity, "value", e.severity) for e in built.expectations}
        assert severities <= {"critical", "warning", "info"}
