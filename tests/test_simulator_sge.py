"""www.sge.com.cn over the simulator: ``spot_hist_sge`` gets back the Au99.99 bars served.

akshare names the five positions of each ``time`` array (date, open, close, low, high), parses the
dates to ``datetime.date`` objects and the prices to float64; the exchange sends the whole
history, oldest first, whatever the order of the table.
"""

from __future__ import annotations

from datetime import date

import akshare as ak
import numpy as np
import pandas as pd
import requests

from simulator import Simulator
from simulator.hosts.sge import HOST


def bars(n: int, end: str = "2023-04-14") -> pd.DataFrame:
    rng = np.random.default_rng(n)
    close = (440 + rng.normal(0, 2, n).cumsum()).round(2)
    return pd.DataFrame(
        {
            "date": [d.date() for d in pd.bdate_range(end=end, periods=n)],
            "open": (close - 0.5).round(2),
            "close": close,
            "low": (close - 2.25).round(2),
            "high": (close + 1.75).round(2),
        }
    )


def test_the_whole_history_comes_back_oldest_first(upstream: Simulator) -> None:
    table = bars(300)
    upstream.dataset.put("spot_hist_sge", table.iloc[::-1].reset_index(drop=True), symbol="Au99.99")
    got = ak.spot_hist_sge(symbol="Au99.99")
    pd.testing.assert_frame_equal(got, table)
    assert got["date"].map(type).eq(date).all()
    [request] = upstream.requests(HOST)
    assert (request.method, request.path, request.status) == ("POST", "/graph/Dailyhq", 200)


def test_a_missing_price_is_nan_and_contracts_are_separate_tables(upstream: Simulator) -> None:
    gold, silver = bars(20), bars(15)
    gold.loc[3, "open"] = np.nan
    upstream.dataset.put("spot_hist_sge", gold, symbol="Au99.99")
    upstream.dataset.put("spot_hist_sge", silver.assign(close=silver["close"] * 10), symbol="Ag99.99")
    got = ak.spot_hist_sge(symbol="Au99.99")
    assert np.isnan(got.loc[3, "open"]) and len(got) == 20
    assert len(ak.spot_hist_sge(symbol="Ag99.99")) == 15


def test_an_unlisted_contract_is_an_empty_list_on_which_akshare_crashes(upstream: Simulator) -> None:
    upstream.dataset.put("spot_hist_sge", bars(5), symbol="Au99.99")
    answer = requests.post(f"https://{HOST}/graph/Dailyhq", data={"instid": "Pt99.95"}, timeout=5).json()
    assert answer == {"time": []}
    try:
        ak.spot_hist_sge(symbol="Pt99.95")
    except ValueError as exc:  # akshare names five columns of an empty frame
        assert "Length mismatch" in str(exc)
    else:
        raise AssertionError("akshare parsed an empty answer")
