"""legulegu's wire format: akshare's stock_a_ttm_lyr and stock_a_all_pb over the simulated host."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
import requests

from simulator import Fault, Simulator
from simulator.hosts.legulegu import CSRF_TOKEN
from tests.conftest import REALDATA

TTM_COLUMNS = [
    "middlePETTM",
    "averagePETTM",
    "middlePELYR",
    "averagePELYR",
    "quantileInAllHistoryMiddlePeTtm",
    "quantileInRecent10YearsMiddlePeTtm",
    "quantileInAllHistoryAveragePeTtm",
    "quantileInRecent10YearsAveragePeTtm",
    "quantileInAllHistoryMiddlePeLyr",
    "quantileInRecent10YearsMiddlePeLyr",
    "quantileInAllHistoryAveragePeLyr",
    "quantileInRecent10YearsAveragePeLyr",
    "close",
]
PB_COLUMNS = [
    "middlePB",
    "equalWeightAveragePB",
    "close",
    "quantileInAllHistoryMiddlePB",
    "quantileInRecent10YearsMiddlePB",
    "quantileInAllHistoryEqualWeightAveragePB",
    "quantileInRecent10YearsEqualWeightAveragePB",
]


def weekdays(n: int, first: date = date(2023, 1, 3)) -> list[date]:
    days = [first + timedelta(days=k) for k in range(n * 2)]
    return [d for d in days if d.weekday() < 5][:n]


def valuation_table(columns: list[str], days: list[date]) -> pd.DataFrame:
    """A legulegu history as akshare returns it: ``date`` (datetime.date) then float columns."""
    rng = np.random.default_rng(7)
    table = pd.DataFrame({"date": days})
    for column in columns:
        table[column] = np.round(rng.uniform(0.05, 60.0, len(days)), 4)
    return table


def test_stock_a_ttm_lyr_returns_the_served_history_after_the_csrf_step(upstream: Simulator) -> None:
    import akshare as ak

    table = valuation_table(TTM_COLUMNS, weekdays(30))
    table.loc[3, "averagePELYR"] = np.nan  # a missing value travels as null
    upstream.dataset.put("stock_a_ttm_lyr", table)

    frame = ak.stock_a_ttm_lyr()

    pd.testing.assert_frame_equal(frame, table)
    assert frame["date"].map(type).eq(date).all()
    page, api = upstream.requests()
    assert (page.host, page.path) == ("www.legulegu.com", "/stockdata/a-ttm-lyr")
    assert (api.host, api.path, api.query["marketId"]) == ("legulegu.com", "/api/stock-data/market-ttm-lyr", "5")


def test_stock_a_all_pb_drops_the_cap_weighted_pb_the_host_sends(upstream: Simulator) -> None:
    import akshare as ak

    table = valuation_table(PB_COLUMNS, weekdays(12))
    upstream.dataset.put("stock_a_all_pb", table)

    frame = ak.stock_a_all_pb()

    pd.testing.assert_frame_equal(frame, table)
    wire = requests.get(
        "https://legulegu.com/api/stock-data/market-index-pb",
        params={"marketId": "ALL", "token": upstream.requests()[-1].query["token"]},
        headers={"X-CSRF-Token": CSRF_TOKEN},
        timeout=5,
    ).json()["data"]
    assert list(wire[0]) == ["date", "middlePB", "equalWeightAveragePB", "weightingAveragePB", *PB_COLUMNS[2:]]
    assert wire[0]["date"] == f"{table['date'][0]:%Y-%m-%d}"


def test_the_api_refuses_a_caller_without_the_pages_csrf_token_or_the_days_token(upstream: Simulator) -> None:
    upstream.dataset.put("stock_a_all_pb", valuation_table(PB_COLUMNS, weekdays(3)))
    api = "https://legulegu.com/api/stock-data/market-index-pb"
    today_token = hashlib.md5(date.today().isoformat().encode()).hexdigest()
    page = requests.get("https://legulegu.com/stockdata/all-pb", timeout=5)
    assert f'<meta name="_csrf" content="{CSRF_TOKEN}"/>' in page.text and "SESSION" in page.cookies
    no_csrf = requests.get(api, params={"marketId": "ALL", "token": today_token}, timeout=5)
    stale_token = requests.get(
        api, params={"marketId": "ALL", "token": "0" * 32}, headers={"X-CSRF-Token": CSRF_TOKEN}, timeout=5
    )
    good = requests.get(
        api, params={"marketId": "ALL", "token": today_token}, headers={"X-CSRF-Token": CSRF_TOKEN}, timeout=5
    )
    assert (no_csrf.status_code, stale_token.status_code, good.status_code) == (403, 403, 200)


@pytest.mark.parametrize("function", ["stock_a_ttm_lyr", "stock_a_all_pb"])
def test_no_data_is_an_empty_list_on_which_akshare_raises_keyerror(upstream: Simulator, function: str) -> None:
    import akshare as ak

    columns = TTM_COLUMNS if function == "stock_a_ttm_lyr" else PB_COLUMNS
    upstream.dataset.put(function, valuation_table(columns, []))
    with pytest.raises(KeyError, match="date"):
        getattr(ak, function)()


def test_http_errors_surface_as_akshares_api_error_or_a_json_error(upstream: Simulator) -> None:
    import akshare as ak
    from akshare.exceptions import APIError

    upstream.dataset.put("stock_a_ttm_lyr", valuation_table(TTM_COLUMNS, weekdays(3)))
    with upstream.fault(Fault("status", status=503, path="/stockdata/")), pytest.raises(APIError, match="503"):
        ak.stock_a_ttm_lyr()
    with upstream.fault(Fault("status", status=503, path="/api/")), pytest.raises(requests.exceptions.JSONDecodeError):
        ak.stock_a_ttm_lyr()


@pytest.mark.realdata
def test_real_all_a_median_pb_comes_back_through_akshare(upstream: Simulator) -> None:
    import akshare as ak

    path = REALDATA / "valuation" / "all_pb.csv"
    if not path.exists():
        pytest.skip(f"recorded data {path} is absent (/work/shared/realdata not mounted)")
    real = pd.read_csv(path)
    real["date"] = pd.to_datetime(real["date"]).dt.date
    table = valuation_table(PB_COLUMNS, list(real["date"]))
    table["middlePB"] = real["middlePB"]
    upstream.dataset.put("stock_a_all_pb", table)

    frame = ak.stock_a_all_pb()

    pd.testing.assert_frame_equal(frame[["date", "middlePB"]], real)
    assert frame.loc[frame["date"] == date(2023, 4, 14), "middlePB"].notna().all()
