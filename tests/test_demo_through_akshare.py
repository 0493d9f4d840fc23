"""The demo snapshot is made the way real data arrives: akshare sources through their akshare
functions over the simulated upstream, curated sources through the file parser of `warehouse ingest`.

So a demo load carries what akshare's code does to an answer (text dates, Categoricals, its own
row order, the calendar day it appends), and regenerating the snapshot reproduces every load id.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from ground.settings import DEMO_LANDING
from ingestion.demo.common import DEMO_AS_OF
from ingestion.demo.generate import builder_loads, generate
from ingestion.landing import list_loads, read_load
from ingestion.registry import registry
from simulator import routing

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not any(DEMO_LANDING.glob("*/*.json")), reason="no demo snapshot"),
]

# one per way akshare's code reshapes an answer, plus CPCA's answer that carries several tables
ROUND_TRIP_SOURCES = ["index_zh_a_hist", "stock_sse_deal_daily", "car_market_total_cpca", "index_analysis_weekly_sw"]


def conversions(name: str) -> set[tuple[str, str, str]]:
    return {(c["column"], c["returned"], c["stored"]) for ld in list_loads(DEMO_LANDING, name) for c in ld.conversions}


def test_regenerating_through_akshare_reproduces_the_snapshot_and_leaves_no_routing(tmp_path: Path) -> None:
    before = (routing.installed(), os.environ.get("WAREHOUSE_UPSTREAM"))
    generate(tmp_path / "landing", ROUND_TRIP_SOURCES)
    assert (routing.installed(), os.environ.get("WAREHOUSE_UPSTREAM")) == before, "the demo's upstream outlived it"
    for name in ROUND_TRIP_SOURCES:
        fresh = [(ld.load_id, ld.content_hash, ld.available_at) for ld in list_loads(tmp_path / "landing", name)]
        committed = [(ld.load_id, ld.content_hash, ld.available_at) for ld in list_loads(DEMO_LANDING, name)]
        assert fresh == committed, f"{name}: what akshare returns over the simulator differs from data/demo"


def test_demo_loads_carry_what_akshare_returns() -> None:
    # the three representations the review found, conformed at the landing and recorded
    assert conversions("index_zh_a_hist") == {("日期", "str", "date"), ("成交量", "int64", "float")}
    assert conversions("fund_etf_hist_em") == {("日期", "str", "date"), ("成交量", "int64", "float")}
    assert conversions("stock_sse_deal_daily") == {("单日情况", "category", "string")}
    # akshare appends 1992-05-04 to whatever calendar Sina sends
    for load in list_loads(DEMO_LANDING, "tool_trade_date_hist_sina"):
        assert date(1992, 5, 4) in set(read_load(load)["trade_date"]), load.describe()
    # new funds come in the order akshare asks the page for: 集中认购期, newest first
    funds = read_load(list_loads(DEMO_LANDING, "fund_new_found_em")[-1])
    assert list(funds["集中认购期"]) == sorted(funds["集中认购期"], reverse=True)
    for load in list_loads(DEMO_LANDING):
        if registry()[load.source].kind == "akshare":
            assert load.akshare_version and load.file_name is None, load.describe()


def test_curated_demo_loads_are_read_from_the_analysts_csv_files() -> None:
    for name, source in registry().items():
        if source.kind != "curated":
            continue
        for load in list_loads(DEMO_LANDING, name):
            assert load.file_name and load.file_name.endswith(".csv"), load.describe()
            assert load.akshare_version is None


def test_what_the_hosts_publish_after_the_as_of_moment_is_kept_for_the_upstream_not_landed() -> None:
    snapshot, later = builder_loads("stock_margin_detail_sse")
    assert [spec.params for spec in later] == [{"date": "20230414"}]  # public the next morning, 09:00
    assert all(spec.moment > DEMO_AS_OF for spec in later) and all(spec.moment <= DEMO_AS_OF for spec in snapshot)
    landed = {ld.params["date"] for ld in list_loads(DEMO_LANDING, "stock_margin_detail_sse")}
    assert landed == {spec.params["date"] for spec in snapshot} and "20230414" not in landed
