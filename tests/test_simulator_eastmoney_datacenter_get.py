"""datacenter.eastmoney.com over the simulator: ``bond_zh_us_rate`` (RPTA_WEB_TREASURYYIELD).

akshare learns the number of pages from page 1, then reads pages 1.. (500 rows each, newest
first) until one reaches back to its ``start_date``; it renames the fields by name, sorts the rows
oldest first and slices from ``start_date``.
"""

from __future__ import annotations

from datetime import date

import akshare as ak
import numpy as np
import pandas as pd

from simulator import Simulator
from simulator.hosts.eastmoney_datacenter_get import HOST, TREASURY_YIELDS

COLUMNS = ["日期", *TREASURY_YIELDS.values()]
ORDER = [
    "日期",
    "中国国债收益率2年",
    "中国国债收益率5年",
    "中国国债收益率10年",
    "中国国债收益率30年",
    "中国国债收益率10年-2年",
    "中国GDP年增率",
    "美国国债收益率2年",
    "美国国债收益率5年",
    "美国国债收益率10年",
    "美国国债收益率30年",
    "美国国债收益率10年-2年",
    "美国GDP年增率",
]


def yields(start: str, end: str = "2023-04-14") -> pd.DataFrame:
    days = [d.date() for d in pd.bdate_range(start, end)]
    rng = np.random.default_rng(len(days))
    frame = pd.DataFrame({"日期": days})
    for i, name in enumerate(TREASURY_YIELDS.values()):
        frame[name] = (2.0 + 0.1 * i + rng.normal(0, 0.02, len(days)).cumsum()).round(4)
    frame.loc[frame["日期"].map(lambda d: d.month % 3 != 0 or d.day < 28), ["中国GDP年增率", "美国GDP年增率"]] = np.nan
    frame.loc[5, "美国国债收益率10年"] = np.nan  # a US holiday
    return frame[ORDER]


def test_pages_are_read_until_start_date_and_the_rows_come_back_oldest_first(upstream: Simulator) -> None:
    table = yields("2019-01-01")
    upstream.dataset.put("bond_zh_us_rate", table)
    got = ak.bond_zh_us_rate(start_date="20210104")
    expected = table[table["日期"] >= date(2021, 1, 4)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)
    assert got["日期"].map(type).eq(date).all()
    pages = [r.query["p"] for r in upstream.requests(HOST)]
    assert pages == ["1", "1", "2"]  # the probe, then pages until 2021-01-04 is covered (page 3 is never read)


def test_the_whole_history_when_start_date_is_earlier(upstream: Simulator) -> None:
    table = yields("2021-01-01")
    upstream.dataset.put("bond_zh_us_rate", table)
    got = ak.bond_zh_us_rate(start_date="19901219")
    pd.testing.assert_frame_equal(got, table)
    assert np.isnan(got.loc[5, "美国国债收益率10年"])
