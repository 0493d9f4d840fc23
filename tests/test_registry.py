"""The source registry drives everything: these tests fail when something drifts from it."""

from __future__ import annotations

from datetime import date
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
    "stock_board_concept_name_em",
    "stock_board_concept_hist_em",
    "spot_hist_sge",
    "futures_foreign_hist",
    "bond_zh_us_rate",
    "macro_usa_cpi_yoy",
    "index_global_hist_em",
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
    "customs_trade_by_partner_yearly",
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


BOARD_LIST = """
sources:
  boards:
    title: x
    kind: akshare
    function: stock_board_concept_name_em
    host: 79.push2.eastmoney.com
    section: themes
    cadence: daily
    history: snapshot
    key: [板块代码]
    period: {fetched: true, format: date, grain: day}
    publication: null
    columns:
      - {name: 板块代码, type: string}
  bars:
    title: y
    kind: akshare
    function: stock_board_concept_hist_em
    host: 91.push2his.eastmoney.com
    section: themes
    cadence: daily
    history: append
    call: per_range
    range_params: {start: start_date, end: end_date}
    param_sets_from: {source: boards, column: 板块代码, param: symbol}
    key: [日期]
    period: {column: 日期, format: date, grain: day}
    publication: null
    columns:
      - {name: 日期, type: date}
"""


def test_parameter_sets_from_another_sources_column(tmp_path: Path) -> None:
    path = tmp_path / "sources.yml"
    path.write_text(BOARD_LIST, encoding="utf-8")
    bars = load_registry(path)["bars"]
    assert bars.call_params(["BK0901", "BK0902"]) == [{"symbol": "BK0901"}, {"symbol": "BK0902"}]
    with pytest.raises(RegistryError, match="its parameter sets are the values of 板块代码 in boards"):
        bars.call_params()
    path.write_text(BOARD_LIST.replace("column: 板块代码, param", "column: 名称, param"), encoding="utf-8")
    with pytest.raises(RegistryError, match=r"source bars: param_sets_from names boards\.名称"):
        load_registry(path)


def test_a_period_comes_from_one_place_and_years_have_their_grain(tmp_path: Path) -> None:
    path = tmp_path / "sources.yml"
    both = BOARD_LIST.replace(
        "period: {fetched: true, format: date, grain: day}",
        "period: {fetched: true, column: 板块代码, format: date, grain: day}",
    )
    path.write_text(both, encoding="utf-8")
    with pytest.raises(RegistryError, match="source boards: period needs exactly one of column, param or fetched"):
        load_registry(path)
    year = BOARD_LIST.replace(
        "period: {fetched: true, format: date, grain: day}", "period: {fetched: true, format: yyyy, grain: month}"
    )
    path.write_text(year, encoding="utf-8")
    with pytest.raises(RegistryError, match="format yyyy has grain year"):
        load_registry(path)


def test_the_annual_trade_file_is_a_yearly_source() -> None:
    trade = registry()["customs_trade_by_partner_yearly"]
    assert (trade.cadence, trade.period.format, trade.period.grain) == ("yearly", "yyyy", "year")
    assert trade.publication is not None and trade.publication.published_at(date(2022, 12, 31)).date() == date(
        2023, 1, 14
    )
    boards = registry()["stock_board_concept_name_em"]
    assert boards.period.fetched and boards.period.column is None
