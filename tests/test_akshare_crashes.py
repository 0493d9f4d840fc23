"""akshare's own crashes on normal answers surface as typed errors naming function, parameters and
host (issue 11, item 6), and only those: the same exception on another answer keeps its general
classification.

akshare's functions run over the simulated upstream, in fetch worker processes, filled with the
demo snapshot's upstream state and then changed where a test needs an edge case (an empty cell,
a year with no month yet, a day without rows).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest

from ground.settings import DEMO_LANDING
from ingestion.fetching import AkshareCrash, EmptyResult, Fetcher, FetchError, SchemaDrift
from ingestion.registry import Source, registry
from simulator import Simulator
from simulator.wire import ENDPOINTS, FUNCTIONS, Endpoint, Request, Response

from .conftest import DEMO_AS_OF
from .upstream_state import fill_from_landing

pytestmark = pytest.mark.integration

DAY = "20230414"  # a trading day of the demo week with data everywhere
SATURDAY = "20230415"


def source_of(function: str) -> Source:
    """The registered source of ``function`` (the test waits for the simulator to serve its host)."""
    source = next(s for s in registry().values() if s.function == function)
    if function not in FUNCTIONS:
        pytest.skip(f"the simulator does not serve {function} ({', '.join(source.hosts)}) yet")
    return source


def fetch(source: Source, params: dict[str, Any]) -> FetchError:
    """The error fetching ``source`` raises (retries allowed, so that a retried crash would show)."""
    fetcher = Fetcher(deadline_seconds=60, max_attempts=3, min_interval_seconds=0, backoff_base=0)
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(source, params)
    return caught.value


def assert_named(err: FetchError, function: str, params: dict[str, Any], host: str) -> None:
    call = f"{function}({', '.join(f'{k}={v!r}' for k, v in params.items())})"
    message = str(err)
    assert call in message and f"from {host} " in message, message
    assert (err.function, err.params, err.host, err.attempts) == (function, params, host, 1), "retried, or misnamed"


def serve_demo(upstream: Simulator, *functions: str) -> None:
    names = [source_of(function).name for function in functions]
    fill_from_landing(upstream.dataset, DEMO_LANDING, DEMO_AS_OF, names)


@pytest.fixture
def override() -> Iterator[Any]:
    """Answer one host's path with a test handler, ahead of the simulator's own endpoint."""
    added: list[Endpoint] = []

    def install(host: str, path: str, handler: Any) -> None:
        endpoint = Endpoint(host, path, handler)
        ENDPOINTS.insert(0, endpoint)
        added.append(endpoint)

    yield install
    for endpoint in added:
        ENDPOINTS.remove(endpoint)


# ------------------------------------------------------------------------------------ SZSE


def test_an_empty_cell_in_szse_summary_is_an_akshare_crash(upstream: Simulator) -> None:
    """akshare calls x.replace(",", "") on every figure (stock_summary.py:44): an empty cell is a float."""
    serve_demo(upstream, "stock_szse_summary")
    table = upstream.dataset.get("stock_szse_summary", date=DAY).astype({"流通市值": object})
    row = int(table["流通市值"].notna().to_numpy().nonzero()[0][-1])
    table.loc[row, "流通市值"] = ""  # the host leaves the cell empty
    upstream.dataset.put("stock_szse_summary", table, date=DAY)
    err = fetch(source_of("stock_szse_summary"), {"date": DAY})
    assert type(err) is AkshareCrash, err
    assert_named(err, "stock_szse_summary", {"date": DAY}, "www.szse.cn")
    assert f"1 empty cell(s): {table.loc[row, '证券类别'].strip()}/流通市值" in str(err)
    assert "szse-empty-figure-cells" in str(err) and "akshare/stock/stock_summary.py:44" in str(err)


def test_an_empty_figure_column_in_szse_margin_detail_is_an_akshare_crash(upstream: Simulator) -> None:
    serve_demo(upstream, "stock_margin_detail_szse")
    [day] = [k["date"] for k, _ in upstream.dataset.tables("stock_margin_detail_szse")][-1:]
    table = upstream.dataset.get("stock_margin_detail_szse", date=day).astype({"融资买入额": object})
    table["融资买入额"] = ""
    upstream.dataset.put("stock_margin_detail_szse", table, date=day)
    err = fetch(source_of("stock_margin_detail_szse"), {"date": day})
    assert type(err) is AkshareCrash, err
    assert_named(err, "stock_margin_detail_szse", {"date": day}, "www.szse.cn")
    assert f"{len(table)} empty cell(s)" in str(err) and "Can only use .str accessor" in str(err)


def test_a_figure_sent_as_a_number_is_drift_not_the_empty_cell_crash(upstream: Simulator, override: Any) -> None:
    """The same AttributeError ('float' has no replace) from a format change, not an empty cell."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["证券类别", "数量", "成交金额(元)", "总市值(元)", "流通市值(元)"])
    sheet.append(["股票", "2,924", 683427012345.67, "38,013,620,000,000.00", "31,171,170,000,000.00"])
    content = io.BytesIO()
    book.save(content)
    xlsx = Response.binary(content.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    override("www.szse.cn", "/api/report/ShowReport", lambda request, data: xlsx)
    err = fetch(source_of("stock_szse_summary"), {"date": DAY})
    assert type(err) is SchemaDrift, err
    assert "'float' object has no attribute 'replace'" in str(err) and "akshare crash" not in str(err)


def test_a_szse_margin_day_without_rows_is_an_empty_result(upstream: Simulator) -> None:
    serve_demo(upstream, "stock_margin_szse")
    err = fetch(source_of("stock_margin_szse"), {"date": SATURDAY})
    assert type(err) is EmptyResult, err
    assert_named(err, "stock_margin_szse", {"date": SATURDAY}, "www.szse.cn")
    assert "szse-no-rows" in str(err) and "Length mismatch" in str(err)


# ------------------------------------------------------------------------------------- SSE


@pytest.mark.parametrize(
    ("function", "params", "raised"),
    [
        ("stock_margin_detail_sse", {"date": SATURDAY}, "Length mismatch"),
        ("stock_margin_sse", {"start_date": SATURDAY, "end_date": "20230416"}, "Length mismatch"),
        ("stock_sse_deal_daily", {"date": SATURDAY}, "Length mismatch"),
        ("fund_etf_scale_sse", {"date": SATURDAY}, "None of [Index("),
    ],
)
def test_an_sse_answer_without_rows_is_an_empty_result(
    upstream: Simulator, function: str, params: dict[str, str], raised: str
) -> None:
    serve_demo(upstream, function)
    err = fetch(source_of(function), params)
    assert type(err) is EmptyResult, err
    assert_named(err, function, params, "query.sse.com.cn")
    assert "sse-no-rows" in str(err) and raised in str(err)


def test_an_sse_answer_with_other_fields_is_drift_not_an_empty_day(upstream: Simulator, override: Any) -> None:
    """The same Length mismatch when SSE sends rows of another shape: the answer has rows."""
    override(
        "query.sse.com.cn", "/marketdata/tradedata/queryMargin.do", lambda r, d: Response.json({"result": [{"a": 1}]})
    )
    err = fetch(source_of("stock_margin_detail_sse"), {"date": DAY})
    assert type(err) is SchemaDrift, err
    assert "Length mismatch: Expected axis has 1 elements" in str(err)


# ------------------------------------------------------------------------------------ CPCA


def _no_month_of_the_current_year(upstream: Simulator, function: str) -> None:
    for params, table in upstream.dataset.tables(function):
        current = max(c for c in table.columns if c.endswith("年"))
        upstream.dataset.put(function, table.assign(**{current: float("nan")}), **params)


@pytest.mark.parametrize(
    ("function", "params"),
    [
        ("car_market_total_cpca", {"symbol": "狭义乘用车", "indicator": "批发"}),
        ("car_market_fuel_cpca", {"symbol": "整体市场"}),
    ],
)
def test_cpca_in_early_january_is_an_empty_result(upstream: Simulator, function: str, params: dict[str, str]) -> None:
    serve_demo(upstream, function)
    _no_month_of_the_current_year(upstream, function)
    err = fetch(source_of(function), params)
    assert type(err) is EmptyResult, err
    assert_named(err, function, params, "data.cpcadata.com")
    assert "cpca-no-current-year" in str(err) and "no month of the current year has a value yet" in str(err)


def test_a_cpca_chart_without_months_is_drift_not_early_january(upstream: Simulator) -> None:
    """The same IndexError at columns[2] when the chart akshare reads is empty altogether."""
    serve_demo(upstream, "car_market_total_cpca")
    for params, _ in upstream.dataset.tables("car_market_total_cpca"):
        if params["symbol"] == "狭义乘用车":
            upstream.dataset.remove("car_market_total_cpca", **params)
    err = fetch(source_of("car_market_total_cpca"), {"symbol": "狭义乘用车", "indicator": "批发"})
    assert type(err) is SchemaDrift, err
    assert "IndexError" in str(err) and "cpca-no-current-year" not in str(err)


# --------------------------------------------------------------------------------- Shenwan


@pytest.mark.parametrize(
    ("function", "params"),
    [
        ("index_analysis_weekly_sw", {"symbol": "一级行业", "date": SATURDAY}),
        ("index_analysis_daily_sw", {"symbol": "一级行业", "start_date": SATURDAY, "end_date": "20230416"}),
    ],
)
def test_a_shenwan_report_without_rows_is_an_empty_result(
    upstream: Simulator, function: str, params: dict[str, str]
) -> None:
    serve_demo(upstream, function)
    err = fetch(source_of(function), params)
    assert type(err) is EmptyResult, err
    assert_named(err, function, params, "www.swsresearch.com")
    assert "sw-analysis-zero-rows" in str(err) and "KeyError: '发布日期'" in str(err)


def test_a_shenwan_answer_without_its_data_is_drift_not_zero_rows(upstream: Simulator, override: Any) -> None:
    """A KeyError too, on another key: the general rule, not swallowed as empty."""

    def changed(request: Request, data: Any) -> Response:
        return Response.json({"code": 200, "payload": {"count": 3, "results": []}})

    override("www.swsresearch.com", "/institute-sw/api/index_analysis/index_analysis_reports/", changed)
    err = fetch(source_of("index_analysis_weekly_sw"), {"symbol": "一级行业", "date": DAY})
    assert type(err) is SchemaDrift, err
    assert "KeyError: 'data'" in str(err)


def test_every_known_crash_names_a_registered_function() -> None:
    import re

    from ingestion.akshare_crashes import KNOWN

    functions = {s.function for s in registry().values() if s.function}
    for crash in KNOWN:
        assert any(re.fullmatch(crash.functions, f) for f in functions), f"{crash.case} matches no registered source"
    assert len({c.case for c in KNOWN}) == len(KNOWN), "case ids are unique"
