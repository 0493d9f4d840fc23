"""stock2.finance.sina.com.cn over the simulator: ``futures_foreign_hist`` (COMEX gold, GC).

Sina sends every value as text inside JSONP named in the path; ``pd.read_json`` types the dates
(datetime64, midnight: the landing conforms them to dates) and numbers (float64 prices, int64
volume) itself.
"""

from __future__ import annotations

from datetime import date

import akshare as ak
import numpy as np
import pandas as pd
import pytest
import requests

from simulator import Simulator
from simulator.hosts.sina_stock2 import HOST


def gold(n: int, end: str = "2023-04-13") -> pd.DataFrame:
    rng = np.random.default_rng(n)
    close = (1900 + rng.normal(0, 12, n).cumsum()).round(1)
    return pd.DataFrame(
        {
            "date": [d.date() for d in pd.bdate_range(end=end, periods=n)],
            "open": (close - 3.2).round(1),
            "high": (close + 9.4).round(1),
            "low": (close - 11.7).round(1),
            "close": close,
            "volume": rng.integers(50_000, 300_000, n).astype(float),
        }
    )


def test_gold_history_comes_back_typed_by_read_json(upstream: Simulator) -> None:
    table = gold(250)
    upstream.dataset.put("futures_foreign_hist", table, symbol="GC")
    got = ak.futures_foreign_hist(symbol="GC")
    assert got["date"].dtype.kind == "M" and (got["date"].dt.normalize() == got["date"]).all()
    assert got["volume"].dtype == "int64"
    expected = table.assign(
        date=pd.to_datetime(table["date"]).astype(got["date"].dtype), volume=table["volume"].astype("int64")
    )
    pd.testing.assert_frame_equal(got, expected)
    [request] = upstream.requests(HOST)
    assert request.query["symbol"] == "GC" and request.query["source"] == "web"


def test_the_answer_is_jsonp_named_after_the_path(upstream: Simulator) -> None:
    upstream.dataset.put("futures_foreign_hist", gold(3), symbol="GC")
    url = f"https://{HOST}/futures/api/jsonp.php/var%20_S2023_4_14=/GlobalFuturesService.getGlobalFuturesDailyKLine"
    text = requests.get(url, params={"symbol": "GC", "_": "2023_4_14", "source": "web"}, timeout=5).text
    assert text.startswith("/*<script>") and "var _S2023_4_14=([{" in text and text.endswith("]);")
    assert '"close":"' in text  # numbers travel as text


def test_an_unknown_symbol_is_null_on_which_akshare_crashes(upstream: Simulator) -> None:
    upstream.dataset.put("futures_foreign_hist", gold(3), symbol="GC")
    with pytest.raises(ValueError):
        ak.futures_foreign_hist(symbol="XX")


def test_gold_dates_are_calendar_days(upstream: Simulator) -> None:
    table = gold(5)
    upstream.dataset.put("futures_foreign_hist", table, symbol="GC")
    got = ak.futures_foreign_hist(symbol="GC")
    assert got["date"].dt.date.tolist() == table["date"].tolist()
    assert got["date"].dt.date.iloc[-1] == date(2023, 4, 13)
