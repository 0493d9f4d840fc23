"""www.szse.cn over the simulator: akshare's own SZSE functions read back the tables served.

The report service answers JSON (``/api/report/ShowReport/data``) and xlsx downloads
(``/api/report/ShowReport``); akshare parses both with its own code (``r.json()``,
``pd.read_excel(..., engine="openpyxl")``). Each test compares what akshare returns with the
table served: values, column names and order, dtypes. Empty answers, empty cells and HTTP
errors show the exception akshare itself raises.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from types import ModuleType

import pandas as pd
import pytest
import requests

from simulator import Fault, Simulator

SZSE = "www.szse.cn"
TOTAL_COLUMNS = ["融资买入额", "融资余额", "融券卖出量", "融券余量", "融券余额", "融资融券余额"]
DETAIL_COLUMNS = ["证券代码", "证券简称", *TOTAL_COLUMNS]
SUMMARY_COLUMNS = ["证券类别", "数量", "成交金额", "总市值", "流通市值"]
FUND_COLUMNS = ["日期", "基金代码", "基金简称", "基金份额"]


@pytest.fixture(scope="module")
def ak() -> ModuleType:
    import akshare

    return akshare


def read_xlsx(url: str, params: dict[str, str]) -> pd.DataFrame:
    response = requests.get(url, params=params, timeout=10)
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    return pd.read_excel(io.BytesIO(response.content), engine="openpyxl", dtype=str)


# ----------------------------------------------------------------------------- stock_margin_szse


def margin_total() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "融资买入额": [412.63],
            "融资余额": [7332.4],
            "融券卖出量": [0.26],
            "融券余量": [3.77],
            "融券余额": [354.2],
            "融资融券余额": [7686.6],
        }
    )


def test_margin_total_of_one_day(upstream: Simulator, ak: ModuleType) -> None:
    upstream.dataset.put("stock_margin_szse", margin_total(), date="20230413")

    got = ak.stock_margin_szse(date="20230413")

    pd.testing.assert_frame_equal(got, margin_total())  # 亿元 / 亿股, float64
    raw = requests.get(
        "https://www.szse.cn/api/report/ShowReport/data",
        params={"CATALOGID": "1837_xxpl", "txtDate": "2023-04-13"},
        timeout=10,
    ).json()
    assert [tab["metadata"]["tabkey"] for tab in raw] == ["tab1", "tab2"]
    assert raw[0]["data"] == [
        {
            "jrrzmr": "412.63",
            "jrrzye": "7,332.40",
            "jrrjmc": "0.26",
            "jrrjyl": "3.77",
            "jrrjye": "354.20",
            "jrrzrjye": "7,686.60",
        }
    ]


def test_margin_total_of_a_day_without_data_crashes_akshare(upstream: Simulator, ak: ModuleType) -> None:
    upstream.dataset.put("stock_margin_szse", margin_total(), date="20230413")
    with pytest.raises(ValueError, match="Length mismatch: Expected axis has 0 elements, new values have 6 elements"):
        ak.stock_margin_szse(date="20230414")


# ----------------------------------------------------------------------------- stock_margin_detail_szse


def margin_detail(n: int, *, whole_volumes: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "证券代码": pd.Series([f"{2000 + 7 * i:06d}" for i in range(n)], dtype="str"),
            "证券简称": pd.Series([f"深测{i}" for i in range(n)], dtype="str"),
            "融资买入额": [54_055_797.0 + 0.37 * i for i in range(n)],
            "融资余额": [867_433_012.55 + i for i in range(n)],
            "融券卖出量": [9600.0 + 100 * i for i in range(n)],
            "融券余量": [112_200.0 for _ in range(n)],
            "融券余额": [2_935_152.0 + 0.5 * i for i in range(n)],
            "融资融券余额": [870_368_164.55 + i for i in range(n)],
        }
    )
    if whole_volumes:
        frame = frame.astype({"融券卖出量": "int64", "融券余量": "int64"})
    return frame


def test_margin_detail_of_one_day_from_the_xlsx(upstream: Simulator, ak: ModuleType) -> None:
    table = margin_detail(30)
    upstream.dataset.put("stock_margin_detail_szse", table, date="20230413")

    got = ak.stock_margin_detail_szse(date="20230413")

    assert list(got.columns) == DETAIL_COLUMNS and got["证券代码"].iloc[0] == "002000"  # leading zeros kept
    pd.testing.assert_frame_equal(got, table)
    sheet = read_xlsx(
        "https://www.szse.cn/api/report/ShowReport",
        {"SHOWTYPE": "xlsx", "CATALOGID": "1837_xxpl", "TABKEY": "tab2", "txtDate": "2023-04-13"},
    )
    assert list(sheet.columns)[2:4] == ["融资买入额(元)", "融资余额(元)"]
    assert sheet.iloc[0, 2] == "54,055,797.00"  # text with thousands separators, as the host writes figures


def test_whole_share_volumes_come_back_as_int64(upstream: Simulator, ak: ModuleType) -> None:
    """Volumes in 股 written without decimals (``9,600``) are int64 in akshare's frame; the registry's float accepts it."""
    table = margin_detail(3, whole_volumes=True)
    upstream.dataset.put("stock_margin_detail_szse", table, date="20230413")

    got = ak.stock_margin_detail_szse(date="20230413")

    assert str(got["融券卖出量"].dtype) == "int64" and str(got["融资余额"].dtype) == "float64"
    pd.testing.assert_frame_equal(got, table)


def test_margin_detail_of_a_day_without_data_is_an_empty_frame(upstream: Simulator, ak: ModuleType) -> None:
    got = ak.stock_margin_detail_szse(date="20230415")
    assert list(got.columns) == DETAIL_COLUMNS and got.empty


def test_margin_detail_with_a_column_of_empty_cells_crashes_akshare(upstream: Simulator, ak: ModuleType) -> None:
    """A figure column with no value at all reads as float NaN; akshare's ``.str.replace`` then fails."""
    table = margin_detail(3).astype({"融资买入额": object})
    table["融资买入额"] = ""  # the host leaves the cells empty
    upstream.dataset.put("stock_margin_detail_szse", table, date="20230413")
    with pytest.raises(AttributeError, match=r"Can only use \.str accessor with string values"):
        ak.stock_margin_detail_szse(date="20230413")


# ----------------------------------------------------------------------------- stock_szse_summary


def class_summary() -> pd.DataFrame:
    nan = float("nan")
    rows = [
        ("股票", 2924, 683_427_012_345.67, 38_013_620_000_000.0, 31_171_170_000_000.0),
        ("主板A股", 1500, 424_676_912_000.5, 25_973_190_000_000.0, 21_817_480_000_000.0),
        ("创业板A股", 1383, 258_573_700_345.17, 11_839_090_000_000.0, 9_234_490_000_000.0),
        ("基金", 762, 33_754_500_000.0, 560_000_000_000.0, 550_000_000_000.0),
        ("ETF", 341, 33_201_890_000.0, 390_000_000_000.0, 390_000_000_000.0),
        ("债券", 11312, 197_399_500_000.0, nan, nan),
        ("债券回购", 9, 515_909_600_000.0, nan, nan),
        ("期权", 180, 316_244_000.0, nan, nan),
    ]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS).astype({"证券类别": "str"})


def test_class_summary_of_one_day(upstream: Simulator, ak: ModuleType) -> None:
    """Classes come back without the host's indentation; a figure that does not apply ("-") is NaN."""
    table = class_summary()
    upstream.dataset.put("stock_szse_summary", table, date="20230414")

    got = ak.stock_szse_summary(date="20230414")

    assert str(got["数量"].dtype) == "int64"
    pd.testing.assert_frame_equal(got, table)
    sheet = read_xlsx(
        "http://www.szse.cn/api/report/ShowReport",
        {"SHOWTYPE": "xlsx", "CATALOGID": "1803_sczm", "TABKEY": "tab1", "txtQueryDate": "2023-04-14"},
    )
    assert sheet.iloc[1, 0] != "主板A股" and sheet.iloc[1, 0].strip() == "主板A股"
    assert sheet.iloc[6, 3] == "-"


def test_an_empty_figure_cell_crashes_akshare_with_attribute_error(upstream: Simulator, ak: ModuleType) -> None:
    """The known crash (issue 11): ``x.replace(",", "")`` on a cell read as NaN (stock_summary.py, line 44)."""
    table = class_summary().astype({"流通市值": object})
    table.loc[6, "流通市值"] = ""  # the host leaves 债券回购's 流通市值 empty
    upstream.dataset.put("stock_szse_summary", table, date="20230414")
    with pytest.raises(AttributeError, match=r"^'float' object has no attribute 'replace'$"):
        ak.stock_szse_summary(date="20230414")


def test_class_summary_of_a_day_without_data_is_an_empty_frame(upstream: Simulator, ak: ModuleType) -> None:
    got = ak.stock_szse_summary(date="20230415")
    assert list(got.columns) == SUMMARY_COLUMNS and got.empty


# ----------------------------------------------------------------------------- fund_scale_daily_szse


def fund_history() -> pd.DataFrame:
    days = [d.date() for d in pd.bdate_range("2023-03-01", "2023-04-14")]
    codes = {"159915": "创业板ETF", "159001": "货币ETF", "159919": "沪深300ETF"}
    rows = [
        (day, code, name, 14_392_760_000.0 + 1_000_000.0 * i + 0.5 * k)
        for i, day in enumerate(days)
        for k, (code, name) in enumerate(codes.items())
    ]
    frame = pd.DataFrame(rows, columns=FUND_COLUMNS)
    return frame.astype({"基金代码": "str", "基金简称": "str"})


def test_fund_scale_serves_the_requested_range(upstream: Simulator, ak: ModuleType) -> None:
    history = fund_history()
    upstream.dataset.put("fund_scale_daily_szse", history, symbol="ETF")

    got = ak.fund_scale_daily_szse(start_date="20230403", end_date="20230414", symbol="ETF")

    inside = history[history["日期"].between(date(2023, 4, 3), date(2023, 4, 14))].reset_index(drop=True)
    assert got["日期"].map(type).eq(date).all() and got["基金代码"].iloc[1] == "159001"
    pd.testing.assert_frame_equal(got, inside)
    (served,) = upstream.requests(SZSE)
    assert (served.query["txtStart"], served.query["txtEnd"], served.query["jjlb"]) == (
        "2023-04-03",
        "2023-04-14",
        "ETF",
    )


def test_fund_scale_of_another_class_or_a_too_long_range_is_akshares_empty_frame(
    upstream: Simulator, ak: ModuleType
) -> None:
    """More than six months (or a class without data) is the header alone; akshare returns an empty frame."""
    upstream.dataset.put("fund_scale_daily_szse", fund_history(), symbol="ETF")
    for got in (
        ak.fund_scale_daily_szse(start_date="20220901", end_date="20230414", symbol="ETF"),
        ak.fund_scale_daily_szse(start_date="20230403", end_date="20230414", symbol="LOF"),
    ):
        assert list(got.columns) == FUND_COLUMNS and got.empty


# ----------------------------------------------------------------------------- the host's errors


@pytest.mark.parametrize(
    ("function", "params", "error", "message"),
    [
        (
            "stock_margin_szse",
            {"date": "20230413"},
            requests.exceptions.JSONDecodeError,
            r"Expecting value: line 1 column 1",
        ),
        ("stock_margin_detail_szse", {"date": "20230413"}, zipfile.BadZipFile, "File is not a zip file"),
        ("stock_szse_summary", {"date": "20230414"}, zipfile.BadZipFile, "File is not a zip file"),
        (
            "fund_scale_daily_szse",
            {"start_date": "20230403", "end_date": "20230414", "symbol": "ETF"},
            requests.exceptions.HTTPError,
            "503 Server Error",
        ),
    ],
)
def test_an_http_error_page_as_akshare_reports_it(
    upstream: Simulator, ak: ModuleType, function: str, params: dict, error: type, message: str
) -> None:
    upstream.inject(Fault("status", host=SZSE, status=503))
    with pytest.raises(error, match=message):
        getattr(ak, function)(**params)
    assert upstream.requests(SZSE)[-1].status == 503
