"""The source registry drives everything: these tests fail when something drifts from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.dbt_sources import SOURCES_YML, render
from ingestion.registry import RegistryError, load_registry, registry

REQUIRED_AKSHARE = {
    "macro_china_hgjck",
    "macro_china_exports_yoy",
    "macro_china_imports_yoy",
    "macro_china_trade_balance",
    "car_market_total_cpca",
    "car_market_fuel_cpca",
    "stock_hsgt_hist_em",
    "stock_margin_account_info",
    "stock_margin_sse",
    "stock_margin_szse",
    "stock_margin_detail_sse",
    "stock_margin_detail_szse",
    "fund_new_found_em",
    "fund_etf_scale_sse",
    "fund_scale_daily_szse",
    "stock_ggcg_em",
    "stock_a_ttm_lyr",
    "stock_a_all_pb",
    "stock_zh_index_hist_csindex",
    "index_analysis_daily_sw",
    "index_analysis_weekly_sw",
    "index_zh_a_hist",
    "stock_sse_deal_daily",
    "stock_szse_summary",
    "tool_trade_date_hist_sina",
    "stock_industry_clf_hist_sw",
}
REQUIRED_CURATED = {
    "customs_exports_by_partner",
    "customs_exports_by_product",
    "customs_ic_trade",
    "caam_autos",
    "ccma_machinery",
    "sia_semiconductors",
    "taiwan_monthly_revenue",
    "paper_prices",
    "planned_reductions",
}


def test_every_source_of_the_note_is_registered() -> None:
    sources = registry()
    functions = {s.function for s in sources.values() if s.kind == "akshare"}
    assert functions >= REQUIRED_AKSHARE
    assert "stock_hsgt_hold_stock_em" in functions or "stock_hsgt_individual_em" in functions
    assert {s.name for s in sources.values() if s.kind == "curated"} >= REQUIRED_CURATED


def test_stock_connect_and_indices_have_one_load_per_parameter_set() -> None:
    hsgt = registry()["stock_hsgt_hist_em"]
    assert {p["symbol"] for p in hsgt.call_params()} == {"北向资金", "沪股通", "深股通", "南向资金"}
    indices = {p["symbol"] for p in registry()["index_zh_a_hist"].call_params()}
    assert {"000001", "399001", "000300", "399006", "000688", "000905", "000985", "399373", "399377"} <= indices


def test_dbt_sources_yml_is_generated_from_the_registry() -> None:
    assert SOURCES_YML.read_text(encoding="utf-8") == render(), (
        "dbt_project/models/staging/__sources.yml is stale: run `python -m ingestion.dbt_sources`"
    )


def test_schema_check_names_missing_and_unexpected_columns() -> None:
    cpca = registry()["car_market_total_cpca"]
    assert cpca.schema_problems(["月份", "2022年", "2023年"]) == []
    assert cpca.schema_problems(["月份", "2023年"]) == ["missing column /^\\d{4}年$/"]
    hgjck = registry()["macro_china_hgjck"]
    problems = hgjck.schema_problems([*hgjck.column_names[:-1], "累计进口同比"])
    assert problems == ["missing column 累计进口额-同比增长", "unexpected column '累计进口同比'"]


def test_series_parameters_drop_call_dates() -> None:
    index = registry()["index_zh_a_hist"]
    params = {"symbol": "000300", "period": "daily", "start_date": "20230101", "end_date": "20230414"}
    assert index.series_params(params) == {"symbol": "000300", "period": "daily"}


def test_a_bad_registry_entry_is_refused_with_the_source_named(tmp_path: Path) -> None:
    bad = tmp_path / "sources.yml"
    bad.write_text(
        "sources:\n  broken:\n    title: x\n    kind: akshare\n    section: exports\n    cadence: daily\n"
        "    history: append\n    key: [日期]\n    period: {column: 日期, format: date, grain: day}\n"
        "    publication: null\n    columns:\n      - {name: 日期, type: date}\n",
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match="source broken: akshare sources need a function"):
        load_registry(bad)


ENTRY = (
    "sources:\n  probe:\n    title: t\n    kind: akshare\n    function: macro_china_hgjck\n{hosts}"
    "    section: exports\n    cadence: monthly\n    history: full_reload\n    key: []\n"
    "    period: {{column: 日期, format: date, grain: day}}\n"
    "    publication: null\n    columns:\n      - {{name: 日期, type: date}}\n"
)


@pytest.mark.parametrize(
    ("hosts", "expected"),
    [
        (
            "    hosts: [push2his.eastmoney.com, 80.push2.eastmoney.com]\n",
            ("push2his.eastmoney.com", "80.push2.eastmoney.com"),
        ),
        ("    host: datacenter-web.eastmoney.com\n", ("datacenter-web.eastmoney.com",)),
        ("", "akshare sources need hosts"),
        ("    hosts: [https://legulegu.com/api]\n", "hosts must be lower-case host names"),
        ("    host: a.cn\n    hosts: [a.cn]\n", "not both host and hosts"),
    ],
    ids=["list", "one-host-shorthand", "missing", "url", "both"],
)
def test_hosts_list_every_host_a_function_calls(tmp_path: Path, hosts: str, expected: object) -> None:
    path = tmp_path / "sources.yml"
    path.write_text(ENTRY.format(hosts=hosts), encoding="utf-8")
    if isinstance(expected, tuple):
        source = load_registry(path)["probe"]
        assert source.hosts == expected and source.host == expected[0]
    else:
        with pytest.raises(RegistryError, match=f"source probe: .*{expected}"):
            load_registry(path)
