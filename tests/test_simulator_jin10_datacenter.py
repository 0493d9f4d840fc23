"""datacenter-api.jin10.com over the simulator: the three trade series akshare reads from jin10.

``__macro_china_base_func`` reads ``/reports/list_v2`` backwards: newest page first, then
``max_date`` = the oldest date of the page minus one day, until a page comes back empty. akshare
adds 商品 (the series name), parses 日期 to dates and sorts oldest first.
"""

from __future__ import annotations

from datetime import date

import akshare as ak
import numpy as np
import pandas as pd
import pytest

from simulator import Simulator
from simulator.hosts.jin10_datacenter import HOST, PAGE_ROWS

SERIES = {
    "macro_china_exports_yoy": ("中国以美元计算出口年率报告", "66"),
    "macro_china_imports_yoy": ("中国以美元计算进口年率报告", "77"),
    "macro_china_trade_balance": ("中国以美元计算贸易帐报告", "61"),
}


def releases(name: str, n: int) -> pd.DataFrame:
    """Monthly releases as akshare returns them (oldest first); the next release is scheduled (今值 NaN)."""
    rng = np.random.default_rng(n)
    days = [date(2023, 4, 13) - pd.DateOffset(months=n - 1 - i) for i in range(n)]
    frame = pd.DataFrame(
        {
            "商品": [name] * n,
            "日期": [d.date() for d in days],
            "今值": rng.normal(5, 10, n).round(1),
            "预测值": rng.normal(5, 10, n).round(1),
            "前值": rng.normal(5, 10, n).round(1),
        }
    )
    frame.loc[n - 1, "今值"] = np.nan
    frame.loc[0, "预测值"] = np.nan
    return frame


@pytest.mark.parametrize("function", sorted(SERIES))
def test_jin10_series_round_trip_through_akshares_backwards_paging(upstream: Simulator, function: str) -> None:
    name, attr_id = SERIES[function]
    table = releases(name, 3 * PAGE_ROWS + 5)
    upstream.dataset.put(function, table)
    got = getattr(ak, function)()
    pd.testing.assert_frame_equal(got, table)
    asked = upstream.requests(HOST)
    assert {r.query["attr_id"] for r in asked} == {attr_id}
    assert len(asked) == 5  # four pages and the empty one that ends akshare's loop
    assert asked[0].query["max_date"] == ""
    oldest_of_first_page = table["日期"].iloc[-PAGE_ROWS]
    assert asked[1].query["max_date"] == str(oldest_of_first_page - pd.Timedelta(days=1))[:10]


def test_no_release_crashes_akshare(upstream: Simulator) -> None:
    upstream.dataset.put("macro_china_exports_yoy", releases("x", 3).iloc[0:0])
    with pytest.raises(ValueError, match="Length mismatch"):
        ak.macro_china_exports_yoy()
