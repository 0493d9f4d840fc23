"""79.push2.eastmoney.com over the simulator: ``stock_board_concept_name_em``, today's concept boards.

akshare pages through the list (``fetch_paginated_data``: 100 boards a page, sorted by code), sorts
every board by today's change itself and names the 26 fields of a row by position; these tests pin
that the host's field order lands each value in the column akshare names, and what akshare
returns: 排名 as int64, counts as int64 (float64 where a board has ``-``), names as text.
"""

from __future__ import annotations

from collections.abc import Iterator

import akshare as ak
import numpy as np
import pandas as pd
import pytest
from akshare.stock import stock_board_concept_em

from simulator import Simulator

COLUMNS = [
    "排名",
    "板块名称",
    "板块代码",
    "最新价",
    "涨跌额",
    "涨跌幅",
    "总市值",
    "换手率",
    "上涨家数",
    "下跌家数",
    "领涨股票",
    "领涨股票-涨跌幅",
]


@pytest.fixture(autouse=True)
def fresh_board_list() -> Iterator[None]:
    """akshare caches the list per process (lru_cache): every test asks the host again."""
    cached = stock_board_concept_em.__dict__["__stock_board_concept_name_em"]
    cached.cache_clear()
    yield
    cached.cache_clear()


@pytest.fixture(autouse=True)
def no_paging_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """fetch_paginated_data sleeps 0.5-1.5 s between pages (politeness towards the real host)."""
    import akshare.utils.func as func

    monkeypatch.setattr(func.time, "sleep", lambda _seconds: None)


def boards(n: int) -> pd.DataFrame:
    """A board list as akshare returns it: best change first, 排名 1..n (changes distinct: akshare's
    sort is not stable, so tied boards could come back in either order)."""
    rng = np.random.default_rng(n)
    change = np.linspace(6, -6, n).round(2)
    close = rng.uniform(500, 3000, n).round(2)
    frame = pd.DataFrame(
        {
            "排名": np.arange(1, n + 1, dtype="int64"),
            "板块名称": [f"概念{i:03d}" for i in range(n)],
            "板块代码": [f"BK{1000 + (i * 37) % 900:04d}" for i in range(n)],
            "最新价": close,
            "涨跌额": (close * change / 100).round(2),
            "涨跌幅": change,
            "总市值": rng.integers(10**10, 10**13, n).astype("int64"),
            "换手率": rng.uniform(0.2, 8, n).round(2),
            "上涨家数": rng.integers(0, 80, n).astype("int64"),
            "下跌家数": rng.integers(0, 80, n).astype("int64"),
            "领涨股票": [f"股票{i}" for i in range(n)],
            "领涨股票-涨跌幅": rng.uniform(0, 20, n).round(2),
        }
    )
    return frame.astype({"板块名称": "str", "板块代码": "str", "领涨股票": "str"})


def test_three_pages_of_boards_come_back_ranked_by_change(upstream: Simulator) -> None:
    table = boards(230)
    upstream.dataset.put("stock_board_concept_name_em", table.sample(frac=1, random_state=3))
    got = ak.stock_board_concept_name_em()
    assert list(got.columns) == COLUMNS
    pd.testing.assert_frame_equal(got, table, check_dtype=False)
    assert got["排名"].dtype == "int64" and got["上涨家数"].dtype == "int64" and got["总市值"].dtype == "int64"
    asked = [(r.host, r.query["pn"], r.query["fid"]) for r in upstream.requests()]
    assert asked == [("79.push2.eastmoney.com", str(p), "f12") for p in (1, 2, 3)]


def test_a_dash_becomes_nan_and_makes_the_column_float(upstream: Simulator) -> None:
    table = boards(5)
    table["上涨家数"] = table["上涨家数"].astype(float)
    table.loc[2, "上涨家数"] = np.nan
    upstream.dataset.put("stock_board_concept_name_em", table)
    got = ak.stock_board_concept_name_em()
    assert got["上涨家数"].dtype == "float64" and np.isnan(got.loc[2, "上涨家数"])
    assert got["下跌家数"].dtype == "int64"


def test_the_name_lookup_of_the_history_uses_the_same_list(upstream: Simulator) -> None:
    table = boards(4)
    upstream.dataset.put("stock_board_concept_name_em", table)
    bars = pd.DataFrame(
        {
            "日期": ["2023-04-13", "2023-04-14"],
            "开盘": [1.0, 2.0],
            "收盘": [1.5, 2.5],
            "最高": [2.0, 3.0],
            "最低": [0.5, 1.5],
            "涨跌幅": [0.1, 0.2],
            "涨跌额": [0.01, 0.02],
            "成交量": [10, 20],
            "成交额": [100.0, 200.0],
            "振幅": [1.0, 2.0],
            "换手率": [0.3, 0.4],
        }
    )
    code = table.loc[1, "板块代码"]
    upstream.dataset.put("stock_board_concept_hist_em", bars, symbol=code, period="daily", adjust="")
    got = ak.stock_board_concept_hist_em(symbol=table.loc[1, "板块名称"], start_date="20230401", end_date="20230414")
    assert got["收盘"].tolist() == [1.5, 2.5]
    kline = upstream.requests("91.push2his.eastmoney.com")[-1]
    assert kline.query["secid"] == f"90.{code}"
