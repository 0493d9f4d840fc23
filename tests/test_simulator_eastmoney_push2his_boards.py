"""91.push2his.eastmoney.com over the simulator: ``stock_board_concept_hist_em`` for a board code.

akshare returns 日期 as text, 成交量 as int64 (whole lots on the wire) and reorders the kline fields
(涨跌幅 and 涨跌额 before 成交量); the host filters the range. An unknown board is ``data: null``,
on which akshare raises ``InvalidParameterError``; no bar in the range is an empty frame.
"""

from __future__ import annotations

import akshare as ak
import numpy as np
import pandas as pd
import pytest
from akshare.exceptions import InvalidParameterError

from simulator import Simulator
from simulator.hosts.eastmoney_push2his_boards import HOST

COLUMNS = ["日期", "开盘", "收盘", "最高", "最低", "涨跌幅", "涨跌额", "成交量", "成交额", "振幅", "换手率"]


def board_bars(n: int, end: str = "2023-04-14") -> pd.DataFrame:
    """Bars as akshare returns them, but 日期 as dates and 成交量 as float (the warehouse's types)."""
    rng = np.random.default_rng(n)
    close = (1000 + rng.normal(0, 15, n).cumsum()).round(2)
    prev = np.concatenate([[close[0]], close[:-1]])
    return pd.DataFrame(
        {
            "日期": [d.date() for d in pd.bdate_range(end=end, periods=n)],
            "开盘": (prev * 1.001).round(2),
            "收盘": close,
            "最高": (close * 1.01).round(2),
            "最低": (close * 0.99).round(2),
            "涨跌幅": ((close / prev - 1) * 100).round(2),
            "涨跌额": (close - prev).round(2),
            "成交量": rng.integers(10**5, 10**7, n).astype(float),
            "成交额": rng.integers(10**8, 10**10, n).astype(float),
            "振幅": rng.uniform(0.5, 4, n).round(2),
            "换手率": rng.uniform(0.5, 6, n).round(2),
        }
    )


def test_a_range_comes_back_in_akshares_column_order(upstream: Simulator) -> None:
    table = board_bars(60)
    upstream.dataset.put("stock_board_concept_hist_em", table, symbol="BK1234", period="daily", adjust="")
    got = ak.stock_board_concept_hist_em(symbol="BK1234", start_date="20230403", end_date="20230414")
    week = table[table["日期"] >= pd.Timestamp("2023-04-03").date()].reset_index(drop=True)
    expected = week.assign(日期=week["日期"].astype(str), 成交量=week["成交量"].astype("int64"))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert list(got.columns) == COLUMNS and got["成交量"].dtype == "int64"
    [kline] = upstream.requests(HOST)
    assert (kline.query["secid"], kline.query["beg"], kline.query["end"]) == ("90.BK1234", "20230403", "20230414")


def test_an_unknown_board_raises_and_an_empty_range_is_an_empty_frame(upstream: Simulator) -> None:
    upstream.dataset.put("stock_board_concept_hist_em", board_bars(10), symbol="BK1234", period="daily", adjust="")
    with pytest.raises(InvalidParameterError, match="BK9999"):
        ak.stock_board_concept_hist_em(symbol="BK9999", start_date="20230403", end_date="20230414")
    got = ak.stock_board_concept_hist_em(symbol="BK1234", start_date="20300101", end_date="20300201")
    assert got.empty and list(got.columns) == COLUMNS
