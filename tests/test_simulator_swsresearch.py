"""Shenwan's wire formats: akshare's index_analysis_daily_sw / index_analysis_weekly_sw (paged JSON)
and stock_industry_clf_hist_sw (an .xls download) over the simulated host.

akshare sorts the SW reports by 发布日期 alone with pandas' default (unstable) sort, so the order
of the industries within one day is not the order the host sent; the round trips compare the
rows ordered by day and index code.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
import requests

from simulator import Fault, Simulator

INDUSTRIES = {
    "801010": "农林牧渔",
    "801030": "基础化工",
    "801040": "钢铁",
    "801050": "有色金属",
    "801080": "电子",
    "801110": "家用电器",
    "801120": "食品饮料",
    "801150": "医药生物",
    "801750": "计算机",
    "801780": "银行",
    "801880": "汽车",
    "801890": "机械设备",
}
VALUES = [
    "收盘指数",
    "成交量",
    "涨跌幅",
    "换手率",
    "市盈率",
    "市净率",
    "均价",
    "成交额占比",
    "流通市值",
    "平均流通市值",
]


def sw_report(days: list[date]) -> pd.DataFrame:
    """A Shenwan report as akshare returns it: codes and names text, 发布日期 datetime.date, floats."""
    rng = np.random.default_rng(5)
    rows = [(code, name, day) for day in days for code, name in INDUSTRIES.items()]
    table = pd.DataFrame(rows, columns=["指数代码", "指数名称", "发布日期"])
    for column in VALUES:
        table[column] = np.round(rng.uniform(0.5, 5000, len(rows)), 2)
    table["股息率"] = np.round(rng.uniform(0, 5, len(rows)), 2)
    return table


def by_day_and_code(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["发布日期", "指数代码"]).reset_index(drop=True)


def weekdays(first: date, last: date) -> list[date]:
    return [
        first + timedelta(days=k) for k in range((last - first).days + 1) if (first + timedelta(days=k)).weekday() < 5
    ]


def test_daily_report_is_paged_by_50_and_filtered_by_the_range(upstream: Simulator) -> None:
    import akshare as ak

    table = sw_report(weekdays(date(2023, 3, 27), date(2023, 4, 14)))
    table.loc[5, "股息率"] = np.nan
    upstream.dataset.put("index_analysis_daily_sw", table, symbol="一级行业")

    frame = ak.index_analysis_daily_sw(symbol="一级行业", start_date="20230403", end_date="20230414")

    expected = table[table["发布日期"] >= date(2023, 4, 3)].reset_index(drop=True)
    pd.testing.assert_frame_equal(by_day_and_code(frame), expected)
    assert frame["发布日期"].map(type).eq(date).all()
    assert frame["发布日期"].is_monotonic_increasing  # akshare's own sort ran
    pages = math.ceil(len(expected) / 50)
    served = upstream.requests()
    assert len(expected) == 120 and pages == 3
    assert [r.query["page"] for r in served] == ["1", *map(str, range(1, pages + 1))]
    assert {(r.query["type"], r.query["start_date"], r.query["page_size"]) for r in served} == {
        ("DAY", "2023-04-03", "50")
    }


def test_the_daily_wire_is_a_drf_page_with_count_and_links(upstream: Simulator) -> None:
    upstream.dataset.put("index_analysis_daily_sw", sw_report([date(2023, 4, 14)]), symbol="一级行业")
    url = "https://www.swsresearch.com/institute-sw/api/index_analysis/index_analysis_report/"
    query = {"page": "1", "page_size": "5", "index_type": "一级行业", "type": "DAY", "swindexcode": "all"}
    query |= {"start_date": "2023-04-14", "end_date": "2023-04-14"}
    body = requests.get(url, params=query, timeout=5).json()["data"]
    assert body["count"] == 12 and body["previous"] is None and "page=2" in body["next"]
    assert list(body["results"][0])[:3] == ["swindexcode", "swindexname", "bargaindate"]
    assert body["results"][0]["bargaindate"] == "2023-04-14"
    assert requests.get(url, params={**query, "page": "4"}, timeout=5).status_code == 404


def test_weekly_report_of_a_day_comes_back_whole(upstream: Simulator) -> None:
    import akshare as ak

    table = sw_report([date(2023, 4, 14)])
    upstream.dataset.put("index_analysis_weekly_sw", table, symbol="一级行业", date="20230414")
    upstream.dataset.put("index_analysis_weekly_sw", sw_report([date(2023, 4, 7)]), symbol="一级行业", date="20230407")

    frame = ak.index_analysis_weekly_sw(symbol="一级行业", date="20230414")

    pd.testing.assert_frame_equal(by_day_and_code(frame), table)
    assert {r.query["bargaindate"] for r in upstream.requests()} == {"2023-04-14"}


@pytest.mark.parametrize(
    ("function", "params"),
    [
        ("index_analysis_weekly_sw", {"symbol": "一级行业", "date": "20230413"}),
        ("index_analysis_daily_sw", {"symbol": "一级行业", "start_date": "20230415", "end_date": "20230416"}),
    ],
)
def test_zero_rows_make_akshare_raise_keyerror(upstream: Simulator, function: str, params: dict[str, str]) -> None:
    """A known akshare crash: count 0 means no page is fetched, the empty frame has no 发布日期."""
    import akshare as ak

    upstream.dataset.put("index_analysis_daily_sw", sw_report([date(2023, 4, 14)]), symbol="一级行业")
    upstream.dataset.put("index_analysis_weekly_sw", sw_report([date(2023, 4, 14)]), symbol="一级行业", date="20230414")
    with pytest.raises(KeyError, match="发布日期"):
        getattr(ak, function)(**params)
    (served,) = upstream.requests()
    assert served.status == 200


def test_an_http_error_page_surfaces_as_a_json_decode_error(upstream: Simulator) -> None:
    import akshare as ak

    upstream.dataset.put("index_analysis_weekly_sw", sw_report([date(2023, 4, 14)]), symbol="一级行业", date="20230414")
    with upstream.fault(Fault("status", status=503)), pytest.raises(requests.exceptions.JSONDecodeError):
        ak.index_analysis_weekly_sw(symbol="一级行业", date="20230414")


# ----------------------------------------------------------------- stock_industry_clf_hist_sw
def classification() -> pd.DataFrame:
    """The classification history as akshare returns it: codes text (leading zeros kept), dates date."""
    return pd.DataFrame(
        {
            "symbol": ["000001", "000001", "000002", "600519", "688981"],
            "start_date": [
                date(2011, 10, 10),
                date(2021, 7, 30),
                date(2014, 1, 1),
                date(2014, 1, 1),
                date(2020, 7, 16),
            ],
            "industry_code": ["480101", "480301", "430101", "340501", "270108"],
            "update_time": [
                date(2021, 7, 30),
                date(2021, 7, 30),
                date(2021, 7, 30),
                date(2021, 7, 30),
                date(2022, 1, 4),
            ],
        }
    )


def test_the_classification_workbook_is_a_real_xls_akshare_reads_back(upstream: Simulator) -> None:
    import akshare as ak

    table = classification()
    upstream.dataset.put("stock_industry_clf_hist_sw", table)

    frame = ak.stock_industry_clf_hist_sw()

    pd.testing.assert_frame_equal(frame, table)
    assert frame["start_date"].map(type).eq(date).all()
    url = "https://www.swsresearch.com/swindex/pdf/SwClass2021/StockClassifyUse_stock.xls"
    raw = requests.get(url, timeout=5)
    assert raw.content.startswith(b"\xd0\xcf\x11\xe0")  # an OLE2 compound file: BIFF8, not xlsx
    assert raw.headers["Content-Type"] == "application/vnd.ms-excel"


def test_an_empty_classification_is_an_empty_frame_and_an_error_page_no_workbook(upstream: Simulator) -> None:
    import akshare as ak

    upstream.dataset.put("stock_industry_clf_hist_sw", classification().iloc[0:0])
    frame = ak.stock_industry_clf_hist_sw()
    assert frame.empty and list(frame.columns) == ["symbol", "start_date", "industry_code", "update_time"]
    with upstream.fault(Fault("status", status=503)), pytest.raises(ValueError, match="Excel file format"):
        ak.stock_industry_clf_hist_sw()
