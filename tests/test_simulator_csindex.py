"""csindex's wire format: akshare's stock_zh_index_hist_csindex over the simulated host."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
import requests

from simulator import Fault, Simulator

URL = "https://www.csindex.com.cn/csindex-home/perf/index-perf"


def csi_all_share(first: date, n: int) -> pd.DataFrame:
    """CSI All Share bars as akshare returns them: 日期 datetime.date, names text, 样本数量 int64."""
    days = [d for d in (first + timedelta(days=k) for k in range(n * 2)) if d.weekday() < 5][:n]
    rng = np.random.default_rng(3)
    close = np.round(5000 + np.cumsum(rng.normal(0, 30, n)), 2)
    return pd.DataFrame(
        {
            "日期": days,
            "指数代码": "000985",
            "指数中文全称": "中证全指指数",
            "指数中文简称": "中证全指",
            "指数英文全称": "CSI All Share Index",
            "指数英文简称": "CSI All Share",
            "开盘": close - 10,
            "最高": close + 20,
            "最低": close - 25,
            "收盘": close,
            "涨跌": np.round(rng.normal(0, 30, n), 2),
            "涨跌幅": np.round(rng.normal(0, 1, n), 2),
            "成交量": np.round(rng.uniform(60000, 120000, n), 2),
            "成交金额": np.round(rng.uniform(8000, 14000, n), 2),
            "样本数量": np.arange(4840, 4840 + n, dtype="int64"),
            "滚动市盈率": np.round(rng.uniform(13, 16, n), 2),
        }
    )


def test_the_host_filters_the_range_and_akshare_returns_the_rows_unchanged(upstream: Simulator) -> None:
    import akshare as ak

    table = csi_all_share(date(2023, 3, 1), 35)
    table.loc[2, "滚动市盈率"] = np.nan
    upstream.dataset.put("stock_zh_index_hist_csindex", table, symbol="000985")

    frame = ak.stock_zh_index_hist_csindex(symbol="000985", start_date="20230301", end_date="20230331")

    expected = table[table["日期"] <= date(2023, 3, 31)].reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, expected)
    assert frame["日期"].map(type).eq(date).all() and frame["样本数量"].dtype == "int64"
    (served,) = upstream.requests()
    assert served.query == {"indexCode": "000985", "startDate": "20230301", "endDate": "20230331"}


def test_the_records_fields_are_in_the_order_akshare_renames_them_by_position(upstream: Simulator) -> None:
    upstream.dataset.put("stock_zh_index_hist_csindex", csi_all_share(date(2023, 4, 10), 1), symbol="000985")
    body = requests.get(
        URL, params={"indexCode": "000985", "startDate": "20230410", "endDate": "20230410"}, timeout=5
    ).json()
    assert (body["code"], body["success"]) == ("200", True)
    (record,) = body["data"]
    assert list(record)[:2] == ["tradeDate", "indexCode"] and list(record)[-2:] == ["consNumber", "peg"]
    assert record["tradeDate"] == "20230410" and record["consNumber"] == 4840


def test_a_range_without_trading_days_is_empty_and_akshare_raises_length_mismatch(upstream: Simulator) -> None:
    import akshare as ak

    upstream.dataset.put("stock_zh_index_hist_csindex", csi_all_share(date(2023, 4, 3), 5), symbol="000985")
    with pytest.raises(ValueError, match="Length mismatch"):
        ak.stock_zh_index_hist_csindex(symbol="000985", start_date="20230415", end_date="20230416")


def test_an_http_error_page_surfaces_as_a_json_decode_error(upstream: Simulator) -> None:
    import akshare as ak

    upstream.dataset.put("stock_zh_index_hist_csindex", csi_all_share(date(2023, 4, 3), 5), symbol="000985")
    with upstream.fault(Fault("status", status=502)), pytest.raises(requests.exceptions.JSONDecodeError):
        ak.stock_zh_index_hist_csindex(symbol="000985", start_date="20230403", end_date="20230407")
