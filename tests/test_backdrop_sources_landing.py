"""The note's backdrop sources (concept boards, gold, US rates and CPI, the dollar index) land as
the registry declares them, fetched by akshare's own functions over the simulated upstream.

No recording of these sources exists in ../shared/realdata (see its SOURCES.md), so the upstream
serves the demo snapshot's tables; what this pins is akshare's parsing and the landing's
representation: each column's Parquet type as landed, and the conversions the manifest records
(akshare returns 日期 as text for the board history, a datetime64 for Sina's futures, whole numbers
as int64 where the registry says float).
"""

from __future__ import annotations

from datetime import date

import pytest

from ground.settings import DEMO_LANDING, Paths
from ingestion.fetching import Fetcher
from ingestion.landing import land_frame
from ingestion.plans import planned_calls
from ingestion.registry import registry
from ingestion.trading_calendar import landed_week

from .conftest import DEMO_AS_OF, DEMO_WEEK
from .upstream_state import fill_from_landing

pytestmark = pytest.mark.integration

# text lands as string or large_string (pandas' str dtype), as for every other source
ARROW = {"string": {"string", "large_string"}, "float": {"double"}, "int": {"int64"}, "date": {"date32[day]"}}

# source -> {column: representation akshare returned} for the conversions landing records
EXPECTED_CONVERSIONS = {
    "stock_board_concept_name_em": {"总市值": "int64", "下跌家数": "int64", "上涨家数": "int64"},
    "stock_board_concept_hist_em": {"日期": "str", "成交量": "int64"},
    "spot_hist_sge": {},
    "futures_foreign_hist": {"date": "datetime64[us]", "volume": "int64"},
    "bond_zh_us_rate": {},
    "macro_usa_cpi_yoy": {},
    "index_global_hist_em": {},
}


def fetcher() -> Fetcher:
    return Fetcher(deadline_seconds=60, max_attempts=1, min_interval_seconds=0, backoff_base=0)


@pytest.mark.parametrize("name", sorted(EXPECTED_CONVERSIONS))
def test_a_backdrop_source_lands_in_the_registrys_types(name: str, upstream, warehouse_home: Paths) -> None:
    source = registry()[name]
    fill_from_landing(upstream.dataset, DEMO_LANDING, DEMO_AS_OF, [name])
    [params, *_] = planned_calls(source, landed_week(DEMO_WEEK), today=date(2023, 4, 14), landing=DEMO_LANDING)
    frame = fetcher().fetch(source, params)
    load = land_frame(source, frame, params, origin="akshare", fetched_at=DEMO_AS_OF).load
    landed = dict(load.columns)
    assert list(landed) == [c.name for c in source.columns]
    for column in source.columns:
        assert landed[column.name] in ARROW[column.type], (column.name, landed[column.name])
    conversions = {c["column"]: c["returned"] for c in load.conversions}
    # a column akshare returned as int64 only converts when it holds whole numbers (the data decides)
    for column, returned in conversions.items():
        assert EXPECTED_CONVERSIONS[name].get(column) == returned, (column, returned)
    required = {c: r for c, r in EXPECTED_CONVERSIONS[name].items() if r in ("str", "datetime64[us]")}
    assert required.items() <= conversions.items()
    assert load.period_max is not None


def test_the_board_list_is_dated_by_its_fetch_day_and_drives_the_history_calls(upstream, warehouse_home: Paths) -> None:
    lists = registry()["stock_board_concept_name_em"]
    fill_from_landing(upstream.dataset, DEMO_LANDING, DEMO_AS_OF, [lists.name])
    frame = fetcher().fetch(lists, {})
    load = land_frame(lists, frame, {}, origin="akshare", fetched_at=DEMO_AS_OF).load
    assert (load.period_min, load.period_max) == ("2023-04-14", "2023-04-14")  # the Shanghai day of the fetch
    history = registry()["stock_board_concept_hist_em"]
    calls = planned_calls(history, landed_week(DEMO_WEEK), today=date(2023, 4, 14))  # plans from this landing
    assert sorted(c["symbol"] for c in calls) == sorted(frame["板块代码"])
    assert {(c["start_date"], c["end_date"], c["period"], c["adjust"]) for c in calls} == {
        ("20230403", "20230414", "daily", "")
    }
