"""The GX adapter without Dagster: verdicts, quarantine, load rules, row references, severities."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from expectations.adapter import MAX_ROWS_REPORTED, CheckOutcome, check_source
from expectations.store import check_history, record_check, record_verdicts
from expectations.suites import expand_patterns, read_suite, suite_hash
from ground.settings import Paths
from ingestion.files import ingest_file
from ingestion.landing import Load, land_frame, list_loads
from ingestion.registry import get_source

from .conftest import hgjck_frame

REFERENCE = datetime.fromisoformat("2023-04-14T20:00+08:00")
AS_OF = REFERENCE
MONTHS = [f"2022-{m:02d}" for m in range(1, 13)] + ["2023-01", "2023-02", "2023-03"]


def good_hgjck() -> pd.DataFrame:
    n = len(MONTHS)
    return hgjck_frame(MONTHS, [2.6e8 + 1e6 * i for i in range(n)], [2.1e8] * n, [7.5] * n)


def land(name: str, frame: pd.DataFrame, when: str, params: dict | None = None, file_name: str | None = None) -> Load:
    moment = datetime.fromisoformat(when)
    return land_frame(get_source(name), frame, params or {}, origin="test", fetched_at=moment, file_name=file_name).load


def check(con: duckdb.DuckDBPyConnection, name: str, run_id: str = "run") -> CheckOutcome:
    source = get_source(name)
    outcome = check_source(source, list_loads(source=name), con=con, reference=REFERENCE, as_of=AS_OF)
    record_verdicts(con, outcome.verdicts, run_id)
    record_check(
        con,
        run_id=run_id,
        source=name,
        check_name="great_expectations",
        passed=outcome.passed,
        severity=outcome.severity or "OK",
        loads_checked=outcome.loads_checked,
        loads_failed=len(outcome.failed_load_ids),
        summary=outcome.summary(),
        failures=[f.as_dict() for f in outcome.failures],
        suite_hash=outcome.suite_hash,
        seconds=outcome.timings["total_s"],
    )
    return outcome


@pytest.fixture
def con(warehouse_home: Paths) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(warehouse_home.working_db))
    yield connection
    connection.close()


def test_a_failed_load_is_quarantined_until_a_good_load_replaces_it(con: duckdb.DuckDBPyConnection) -> None:
    from warehouse.landing_views import refresh_source_view

    good = land("macro_china_hgjck", good_hgjck(), "2023-04-13T08:00+08:00")
    assert check(con, "macro_china_hgjck", "r1").passed
    bad_frame = good_hgjck()
    bad_frame.loc[0, "当月出口额-同比增长"] = 5000.0  # a yoy of +5000 %
    bad = land("macro_china_hgjck", bad_frame, "2023-04-14T08:00+08:00")
    outcome = check(con, "macro_china_hgjck", "r2")
    assert not outcome.passed and outcome.severity == "ERROR"
    assert outcome.failed_load_ids == [bad.load_id]
    failure = next(f for f in outcome.failures if f.critical)
    assert failure.column == "当月出口额-同比增长"
    assert failure.rows[0]["row"] == 1 and failure.rows[0]["value"] == 5000.0
    # nothing new landed: the newest load is still the quarantined one, so the check keeps failing
    again = check(con, "macro_china_hgjck", "r3")
    assert not again.passed and again.loads_checked == 0
    assert [f.check for f in again.failures if f.critical] == ["newest_load_is_quarantined"]
    usable = refresh_source_view(con, get_source("macro_china_hgjck"), list_loads(source="macro_china_hgjck"))
    assert [ld.load_id for ld in usable] == [good.load_id]
    fixed = land("macro_china_hgjck", good_hgjck().assign(**{"当月出口额-同比增长": 7.6}), "2023-04-14T09:00+08:00")
    recovered = check(con, "macro_china_hgjck", "r4")
    assert recovered.passed and not recovered.failures
    assert [v.load_id for v in recovered.verdicts] == [fixed.load_id]
    history = check_history(con, "macro_china_hgjck")
    assert [h["passed"] for h in history] == [True, False, False, True]
    assert all(h["suite_hash"] == recovered.suite_hash and h["seconds"] >= 0 for h in history)


def test_a_warning_is_reported_and_does_not_block(con: duckdb.DuckDBPyConnection) -> None:
    frame = good_hgjck()
    frame.loc[2, "当月出口额-环比增长"] = 1500.0  # a month-on-month change beyond the plausible range
    load = land("macro_china_hgjck", frame, "2023-04-13T08:00+08:00")
    outcome = check(con, "macro_china_hgjck")
    assert outcome.passed and outcome.severity == "WARN"
    assert [v.status for v in outcome.verdicts] == ["warned"]
    warning = outcome.failures[0]
    assert (warning.severity, warning.column, warning.rows[0]["row"]) == ("warning", "当月出口额-环比增长", 3)
    assert load.load_id in warning.load_ids


def test_failing_rows_are_capped_at_twenty_with_the_full_count(con: duckdb.DuckDBPyConnection) -> None:
    months = [f"{y}-{m:02d}" for y in (2021, 2022) for m in range(1, 13)] + ["2023-01", "2023-02", "2023-03"]
    n = len(months)
    frame = hgjck_frame(months, [2.6e8 * 1e4] * n, [2.1e8] * n, [7.5] * n)  # x10,000
    land("macro_china_hgjck", frame, "2023-04-13T08:00+08:00")
    outcome = check(con, "macro_china_hgjck")
    failure = next(f for f in outcome.failures if f.column == "当月出口额-金额")
    assert failure.unexpected_count == n and len(failure.as_dict()["rows"]) == MAX_ROWS_REPORTED
    assert "27 failing rows" in failure.sentence()


def test_text_in_a_numeric_column_names_file_line_and_value(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "hgjck.csv"
    text = good_hgjck().astype(str)
    text.loc[4, "累计进口额-金额"] = "约2.3亿"
    text.to_csv(path, index=False)
    ingest_file(get_source("macro_china_hgjck"), path, available_at=datetime(2023, 4, 13, tzinfo=UTC))
    outcome = check(con, "macro_china_hgjck")
    critical = [f for f in outcome.failures if f.critical]
    assert [(f.check, f.column) for f in critical] == [("expect_column_values_to_be_in_type_list", "累计进口额-金额")]
    assert critical[0].rows == [
        {
            "load_id": outcome.verdicts[0].load_id,
            "row": 5,
            "file": "hgjck.csv",
            "line": 6,
            "column": "累计进口额-金额",
            "value": "约2.3亿",
        }
    ]


@pytest.mark.parametrize("mode", ["screen", "always"])
def test_gx_always_mode_reports_what_the_screen_mode_reports(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setenv("WAREHOUSE_GX_MODE", mode)
    frame = good_hgjck()
    frame.loc[1, "月份"] = frame.loc[0, "月份"]  # duplicate key
    frame.loc[3, "当月进口额-金额"] = 2.1e12  # x10,000 in one row
    land("macro_china_hgjck", frame, "2023-04-13T08:00+08:00")
    outcome = check(con, "macro_china_hgjck")
    found = sorted((f.check, f.column, tuple(r["row"] for r in f.rows)) for f in outcome.failures if f.critical)
    assert found == [
        ("expect_column_values_to_be_between", "当月进口额-金额", (4,)),
        ("expect_compound_columns_to_be_unique", "月份, _load_id", (1, 2)),
    ]
    assert (outcome.timings["gx_expectations"] > 10) == (mode == "always")


def test_gx_validates_every_expectation_of_a_clean_load_by_default(con: duckdb.DuckDBPyConnection) -> None:
    land("macro_china_hgjck", good_hgjck(), "2023-04-13T08:00+08:00")
    outcome = check(con, "macro_china_hgjck")
    expanded = expand_patterns(read_suite("macro_china_hgjck")["expectations"], [*good_hgjck().columns, "_load_id"])
    assert outcome.passed and outcome.timings["gx_expectations"] == len(expanded)


def test_clean_loads_need_no_gx_in_screen_mode(con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAREHOUSE_GX_MODE", "screen")
    land("macro_china_hgjck", good_hgjck(), "2023-04-13T08:00+08:00")
    outcome = check(con, "macro_china_hgjck")
    assert outcome.passed and outcome.timings["gx_expectations"] == 0


def test_a_load_is_fresh_against_its_landing_moment_with_month_ends(con: duckdb.DuckDBPyConnection) -> None:
    # landed 2023-04-12, before March's release on 04-13: February (ending 02-28) is the newest month
    land("macro_china_hgjck", good_hgjck().iloc[1:].reset_index(drop=True), "2023-04-12T08:00+08:00")
    assert check(con, "macro_china_hgjck").passed
    # landed 2023-04-14 holding months up to 2022-12 only: stale, the row of the latest month named
    stale_months = [f"2022-{m:02d}" for m in range(1, 13)]
    stale = hgjck_frame(stale_months, [2.6e8] * 12, [2.1e8] * 12, [1.0] * 12)
    load = land("macro_china_hgjck", stale, "2023-04-14T08:00+08:00", file_name="old.csv")
    outcome = check(con, "macro_china_hgjck")
    failure = next(f for f in outcome.failures if f.critical)
    assert failure.check == "load_is_fresh" and failure.column == "月份"
    assert failure.rows[0] == {
        "load_id": load.load_id,
        "row": 1,
        "file": "old.csv",
        "line": 2,
        "column": "月份",
        "value": "2022年12月份",
    }


def test_range_loads_are_fresh_against_the_end_of_their_range(con: duckdb.DuckDBPyConnection) -> None:
    from .test_quality_matrix import _days, margin_sse

    numbers = ("融资余额", "融资买入额", "融券余量", "融券余量金额", "融券卖出量", "融资融券余额")
    january = margin_sse(_days("2023-01-03", "2023-02-14")).astype(dict.fromkeys(numbers, float))
    backfill = {"start_date": "20230103", "end_date": "20230214"}
    land("stock_margin_sse", january, "2023-04-14T08:00+08:00", backfill)
    assert check(con, "stock_margin_sse").passed  # a backfill landed later is not stale
    recent = {"start_date": "20230301", "end_date": "20230413"}
    land("stock_margin_sse", january, "2023-04-14T09:00+08:00", recent)  # asked for March, holds January
    outcome = check(con, "stock_margin_sse")
    assert [f.check for f in outcome.failures if f.critical] == ["load_is_fresh"]


def test_a_per_date_load_must_hold_its_date(con: duckdb.DuckDBPyConnection) -> None:
    from .test_quality_matrix import etf_scale

    frame = etf_scale(datetime(2023, 4, 13).date()).astype({"序号": int, "基金份额": float})
    frame["统计日期"] = pd.to_datetime(frame["统计日期"]).dt.date
    land("fund_etf_scale_sse", frame, "2023-04-14T19:00+08:00", {"date": "20230414"})
    outcome = check(con, "fund_etf_scale_sse")
    failure = next(f for f in outcome.failures if f.critical)
    assert failure.check == "load_holds_requested_date" and failure.column == "统计日期"
    assert failure.unexpected_count == len(frame)


def test_row_count_drop_against_the_previous_load_of_the_same_parameters(con: duckdb.DuckDBPyConnection) -> None:
    land("macro_china_hgjck", good_hgjck(), "2023-04-13T08:00+08:00")
    assert check(con, "macro_china_hgjck").passed
    land("macro_china_hgjck", good_hgjck().iloc[:5], "2023-04-14T08:00+08:00")
    outcome = check(con, "macro_china_hgjck")
    assert [f.check for f in outcome.failures if f.critical] == ["row_count_vs_previous_load"]


def test_pattern_columns_are_checked_by_name_and_value(con: duckdb.DuckDBPyConnection) -> None:
    months = [f"{m}月" for m in range(1, 13)]
    good = pd.DataFrame({"月份": months, "2022年": [180.0] * 12, "2023年": [190.0, 170.0, 200.0] + [None] * 9})
    params = {"symbol": "狭义乘用车", "indicator": "批发"}
    land("car_market_total_cpca", good, "2023-04-13T08:00+08:00", params)
    assert check(con, "car_market_total_cpca").passed
    scaled = good.assign(**{"2023年": good["2023年"] * 10_000})
    land("car_market_total_cpca", scaled, "2023-04-14T08:00+08:00", params)
    outcome = check(con, "car_market_total_cpca")
    assert {(f.check, f.column) for f in outcome.failures if f.critical} == {
        ("expect_column_values_to_be_between", "2023年")
    }
    renamed = good.rename(columns={"2023年": "2023"})
    land("car_market_total_cpca", renamed, "2023-04-14T09:00+08:00", params)
    outcome = check(con, "car_market_total_cpca")
    assert ("columns_match_registry", "/^\\d{4}年$/") in {(f.check, f.column) for f in outcome.failures if f.critical}


def test_a_stale_source_is_a_warning(con: duckdb.DuckDBPyConnection) -> None:
    land("macro_china_hgjck", good_hgjck().iloc[3:].reset_index(drop=True), "2022-12-20T08:00+08:00")
    outcome = check(con, "macro_china_hgjck")
    assert outcome.passed and outcome.severity == "WARN"
    assert [f.check for f in outcome.failures] == ["source_is_fresh"]
    assert not outcome.freshness["fresh"]


def test_sources_shows_the_latest_check_and_quarantined_loads(con: duckdb.DuckDBPyConnection) -> None:
    from warehouse.status import source_status

    land("macro_china_hgjck", good_hgjck(), "2023-04-13T08:00+08:00")
    check(con, "macro_china_hgjck", "r1")
    bad = good_hgjck()
    bad.loc[0, "月份"] = None
    land("macro_china_hgjck", bad, "2023-04-14T08:00+08:00")
    check(con, "macro_china_hgjck", "r2")
    con.close()
    row = next(r for r in source_status() if r["source"] == "macro_china_hgjck")
    assert row["check_result"] == "FAILED" and row["check_status"] == "FAILED (1 load quarantined)"
    assert row["checks_recorded"] == 2 and row["loads"] == 2
    assert row["rows"] == len(MONTHS) and row["latest_period"] == "2023-03-01"  # the usable load, not the bad one
    assert "expect_column_values_to_not_be_null" in row["check_summary"]
    other = next(r for r in source_status() if r["source"] == "stock_a_ttm_lyr")
    assert other["check_status"] == "not checked yet"


DEMO_LANDING = Path(__file__).resolve().parent.parent / "data" / "demo" / "landing"


def _demo_frame(name: str) -> pd.DataFrame:
    newest = sorted((DEMO_LANDING / name).glob("*.parquet"))[-1]
    frame = pd.read_parquet(newest)
    frame["_load_id"] = newest.stem
    return frame


def _comparable(result: object) -> list[dict]:
    return [
        {
            "type": item.expectation_config.type,
            "kwargs": item.expectation_config.kwargs,
            "success": item.success,
            "result": item.result,
            "exception": item.exception_info,
        }
        for item in result.results
    ]


@pytest.mark.parametrize(
    "name", ["macro_china_hgjck", "stock_ggcg_em", "index_zh_a_hist", "customs_exports_by_partner"]
)
def test_memoized_configurations_give_gx_s_own_results(name: str) -> None:
    """The adapter's speed-up (GX's expectation configurations reused inside one validation)
    changes no verdict, observed value or failing row, on good and on broken frames."""
    from expectations import gx_validation
    from expectations.gx_configuration_memo import memo_active

    good = _demo_frame(name)
    broken = good.copy()
    numeric = [c for c in broken.columns if pd.api.types.is_numeric_dtype(broken[c])]
    broken[numeric[0]] = broken[numeric[0]] * 10_000
    broken = pd.concat([broken, broken.head(2)], ignore_index=True).astype({numeric[-1]: object})
    broken.loc[0, numeric[-1]] = "n/a"
    broken = broken.drop(columns=[c for c in broken.columns if c != "_load_id"][1])
    digest = suite_hash(read_suite(name))
    for frame in (good, broken):
        for result_format in ("BOOLEAN_ONLY", "COMPLETE"):
            memoized = gx_validation.gx_validate(name, digest, frame, None, result_format)
            suite = gx_validation.gx_suite(name, digest, tuple(str(c) for c in frame.columns), None)
            batch = gx_validation.gx_batch_definition().get_batch(batch_parameters={"dataframe": frame})
            plain = batch.validate(
                suite, result_format={"result_format": result_format, "partial_unexpected_count": 20}
            )
            assert _comparable(memoized) == _comparable(plain)
            assert not memo_active()  # GX's own property outside the adapter's validations
    assert not memoized.success
