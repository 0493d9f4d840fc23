"""fund.eastmoney.com over the simulator: ``fund_new_found_em`` (新成立基金).

The page answers a JavaScript assignment (``var newfunddata={datas:[...],record:..}``) that akshare
reads with demjson; every field is text: 成立来涨幅 with thousands separators, 优惠费率 with a
``%``, missing numbers as ''. The host orders the funds by 集中认购期, newest first.
"""

from __future__ import annotations

from datetime import date

import akshare as ak
import numpy as np
import pandas as pd
import pytest
import requests

from simulator import Simulator
from simulator.hosts.eastmoney_fund import HOST


def funds(n: int) -> pd.DataFrame:
    """A fund_new_found_em table in the host's order (集中认购期 descending)."""
    days = [d.date() for d in pd.bdate_range(end="2023-04-13", periods=n)][::-1]
    frame = pd.DataFrame(
        {
            "基金代码": [f"{17000 + i:06d}" for i in range(n)],
            "基金简称": [f"测试成长混合{'AC'[i % 2]}" for i in range(n)],
            "发行公司": ["华夏基金", "易方达基金", "博时基金"] * (n // 3) + ["华夏基金"] * (n % 3),
            "基金类型": ["混合型-偏股", "股票型", "债券型-长债", "指数型-股票"] * (n // 4) + ["股票型"] * (n % 4),
            "集中认购期": [f"{d - pd.Timedelta(days=20)}至{d - pd.Timedelta(days=3)}" for d in days],
            "募集份额": np.linspace(0.5, 60, n).round(4),
            "成立日期": days,
            "成立来涨幅": np.linspace(-1.5, 1500.25, n).round(2),
            "基金经理": [f"经理{i}" for i in range(n)],
            "申购状态": ["封闭期", "开放申购"] * (n // 2) + ["封闭期"] * (n % 2),
            "优惠费率": np.linspace(0, 0.15, n).round(2),
        }
    )
    frame.loc[1, ["募集份额", "优惠费率"]] = np.nan
    return frame


def test_new_funds_round_trip(upstream: Simulator) -> None:
    table = funds(40)
    upstream.dataset.put("fund_new_found_em", table)
    got = ak.fund_new_found_em()
    pd.testing.assert_frame_equal(got, table)
    assert got["成立日期"].map(type).eq(date).all() and got["基金代码"].dtype == "str"
    [served] = upstream.requests(HOST)
    assert served.query["page"] == "1,50000" and served.query["t"] == "xcln"


def test_the_page_writes_grouped_numbers_and_percent_signs_and_pages(upstream: Simulator) -> None:
    upstream.dataset.put("fund_new_found_em", funds(40))
    url = f"https://{HOST}/data/FundNewIssue.aspx"
    text = requests.get(url, params={"t": "xcln", "page": "1,50"}, timeout=5).text
    assert text.startswith('var newfunddata={datas:[["') and text.endswith("]],record:40,pages:1,curpage:1}")
    assert '"1,500.25"' in text and '"0.15%"' in text
    second = requests.get(url, params={"t": "xcln", "page": "2,15"}, timeout=5).text
    assert second.count('"开放申购"') + second.count('"封闭期"') == 15 and second.endswith("pages:3,curpage:2}")


def test_no_new_fund_crashes_akshare(upstream: Simulator) -> None:
    upstream.dataset.put("fund_new_found_em", funds(4).iloc[0:0])
    with pytest.raises(ValueError, match="Length mismatch"):
        ak.fund_new_found_em()
