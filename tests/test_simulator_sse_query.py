"""query.sse.com.cn over the simulator: akshare's own SSE functions read back the tables served.

Each test puts a table (in the shape the akshare function returns) into the simulated upstream,
calls the real akshare function, and compares what it returns with the table: values, column
names and order, and the dtypes akshare really produces. Empty answers and HTTP errors show
the exception akshare itself raises (reported in issue 11; ``ingestion/fetching.py`` types them).
"""

from __future__ import annotations

from datetime import date
from types import ModuleType

import pandas as pd
import pytest
import requests

from simulator import Fault, Simulator

from .conftest import REALDATA

SSE = "query.sse.com.cn"
REFERER = "https://www.sse.com.cn/"
MARGIN_COLUMNS = ["信用交易日期", "融资余额", "融资买入额", "融券余量", "融券余量金额", "融券卖出量", "融资融券余额"]
DETAIL_COLUMNS = [
    "信用交易日期",
    "标的证券代码",
    "标的证券简称",
    "融资余额",
    "融资买入额",
    "融资偿还额",
    "融券余量",
    "融券卖出量",
    "融券偿还量",
]
ETF_COLUMNS = ["序号", "基金代码", "基金简称", "ETF类型", "统计日期", "基金份额"]
MEASURES = ["挂牌数", "市价总值", "流通市值", "成交金额", "成交量", "平均市盈率", "换手率", "流通换手率"]


@pytest.fixture(scope="module")
def ak() -> ModuleType:
    import akshare

    return akshare


def raw_answer(path: str, **params: str) -> dict:
    """The host's JSON for a query, as a browser on www.sse.com.cn gets it."""
    response = requests.get(f"https://{SSE}{path}", params=params, headers={"Referer": REFERER}, timeout=10)
    response.raise_for_status()
    return response.json()


def margin_history(days: pd.DatetimeIndex, *, integers: bool = False) -> pd.DataFrame:
    """An SSE margin summary history, newest first as the host lists it."""
    n = len(days)
    frame = pd.DataFrame({"信用交易日期": [d.strftime("%Y%m%d") for d in days[::-1]]})
    for i, column in enumerate(MARGIN_COLUMNS[1:]):
        values = [800_000_000_000.0 / (i + 1) + 1_234_567.89 * k + 0.01 * (k % 7) for k in range(n)]
        frame[column] = [round(v) for v in values] if integers else values
    frame["信用交易日期"] = frame["信用交易日期"].astype("str")
    return frame


# ----------------------------------------------------------------------------- stock_margin_sse


def test_margin_summary_serves_the_requested_range_newest_first(upstream: Simulator, ak: ModuleType) -> None:
    history = margin_history(pd.bdate_range("2023-03-01", "2023-04-14"))
    upstream.dataset.put("stock_margin_sse", history)

    got = ak.stock_margin_sse(start_date="20230403", end_date="20230414")

    inside = history[history["信用交易日期"].between("20230403", "20230414")].reset_index(drop=True)
    assert list(got["信用交易日期"]) == sorted(inside["信用交易日期"], reverse=True)
    pd.testing.assert_frame_equal(got, inside)  # float64 figures, text dates, exactly
    (served,) = upstream.requests(SSE)
    assert served.path == "/marketdata/tradedata/queryMargin.do"
    assert (served.query["beginDate"], served.query["endDate"]) == ("20230403", "20230414")


def test_margin_summary_integers_on_the_wire_come_back_as_int64(upstream: Simulator, ak: ModuleType) -> None:
    """The real host sends amounts in 元 as JSON integers: akshare then returns int64 columns."""
    history = margin_history(pd.bdate_range("2023-04-10", "2023-04-14"), integers=True)
    upstream.dataset.put("stock_margin_sse", history)

    got = ak.stock_margin_sse(start_date="20230410", end_date="20230414")

    assert {str(got[c].dtype) for c in MARGIN_COLUMNS[1:]} == {"int64"}
    pd.testing.assert_frame_equal(got, history)


def test_margin_summary_reads_only_the_first_page_of_5000_rows(upstream: Simulator, ak: ModuleType) -> None:
    """akshare asks for one page of 5000 and never pages on: a longer range silently loses its oldest days.

    (The registry keeps stock_margin_sse ranges to 3660 calendar days, about 2500 trading days.)
    """
    history = margin_history(pd.bdate_range("2003-01-01", periods=5003))
    upstream.dataset.put("stock_margin_sse", history)

    got = ak.stock_margin_sse(start_date="20000101", end_date="20300101")

    assert len(got) == 5000
    pd.testing.assert_frame_equal(got, history.head(5000))
    page = raw_answer(
        "/marketdata/tradedata/queryMargin.do",
        isPagination="true",
        beginDate="",
        endDate="",
        **{"pageHelp.pageSize": "5000", "pageHelp.pageNo": "2"},
    )
    assert page["pageHelp"]["total"] == 5003 and page["pageHelp"]["pageCount"] == 2
    assert [row["opDate"] for row in page["result"]] == list(history["信用交易日期"].tail(3))


def test_margin_summary_of_a_range_without_data_crashes_akshare(upstream: Simulator, ak: ModuleType) -> None:
    upstream.dataset.put("stock_margin_sse", margin_history(pd.bdate_range("2023-04-10", "2023-04-14")))
    with pytest.raises(ValueError, match="Length mismatch: Expected axis has 0 elements, new values have 13 elements"):
        ak.stock_margin_sse(start_date="20230415", end_date="20230416")


# ----------------------------------------------------------------------------- stock_margin_detail_sse


def margin_detail(day: str, codes: list[str]) -> pd.DataFrame:
    n = len(codes)
    frame = pd.DataFrame(
        {
            "信用交易日期": [day] * n,
            "标的证券代码": codes,
            "标的证券简称": [f"测试{i}号" for i in range(n)],
            "融资余额": [677_110_812.0 + 1000.5 * i for i in range(n)],
            "融资买入额": [41_033_221.0 + i for i in range(n)],
            "融资偿还额": [49_940_927.0 - i for i in range(n)],
            "融券余量": [355_700.0 + 100 * i for i in range(n)],
            "融券卖出量": [35_500.0 for _ in range(n)],
            "融券偿还量": [28_200.0 + 100 * i for i in range(n)],
        }
    )
    return frame.astype({c: "str" for c in DETAIL_COLUMNS[:3]})


def test_margin_detail_of_one_day(upstream: Simulator, ak: ModuleType) -> None:
    table = margin_detail("20230413", ["600000", "600519", "688981"])
    upstream.dataset.put("stock_margin_detail_sse", table, date="20230413")
    upstream.dataset.put("stock_margin_detail_sse", margin_detail("20230412", ["600000"]), date="20230412")

    got = ak.stock_margin_detail_sse(date="20230413")

    assert list(got.columns) == DETAIL_COLUMNS
    pd.testing.assert_frame_equal(got, table)
    assert upstream.requests(SSE)[-1].query["detailsDate"] == "20230413"


def test_margin_detail_of_a_day_not_yet_published_crashes_akshare(upstream: Simulator, ak: ModuleType) -> None:
    """On the evening of a trading day its margin detail is not out yet: the host answers an empty result."""
    upstream.dataset.put("stock_margin_detail_sse", margin_detail("20230413", ["600000"]), date="20230413")
    with pytest.raises(ValueError, match="Length mismatch: Expected axis has 0 elements, new values have 13 elements"):
        ak.stock_margin_detail_sse(date="20230414")


# ----------------------------------------------------------------------------- fund_etf_scale_sse


def etf_scale(day: date, shares: dict[str, float]) -> pd.DataFrame:
    names = {"510050": "上证50ETF", "510300": "沪深300ETF", "588000": "科创50ETF"}
    return pd.DataFrame(
        {
            "序号": range(1, len(shares) + 1),
            "基金代码": pd.Series(list(shares), dtype="str"),
            "基金简称": pd.Series([names.get(c, f"ETF{c}") for c in shares], dtype="str"),
            "ETF类型": pd.Series(["单市场ETF" if c.startswith("51") else "跨市场ETF" for c in shares], dtype="str"),
            "统计日期": [day] * len(shares),
            "基金份额": list(shares.values()),
        }
    )


def test_etf_scale_of_one_day_comes_back_in_shares(upstream: Simulator, ak: ModuleType) -> None:
    """The host publishes 万份 with two decimals; akshare multiplies by 10000 (float products included)."""
    shares = {"510050": 2_045_316.68 * 10000, "510300": 1_621_668.77 * 10000, "588000": 0.07 * 10000}
    table = etf_scale(date(2023, 4, 14), shares)
    upstream.dataset.put("fund_etf_scale_sse", table, date="20230414")

    got = ak.fund_etf_scale_sse(date="20230414")

    assert list(got.columns) == ETF_COLUMNS
    assert str(got["序号"].dtype) == "int64" and got["统计日期"].map(type).eq(date).all()
    pd.testing.assert_frame_equal(got, table)
    raw = raw_answer("/commonQuery.do", sqlId="COMMON_SSE_ZQPZ_ETFZL_XXPL_ETFGM_SEARCH_L", STAT_DATE="2023-04-14")
    assert raw["result"][0]["TOT_VOL"] == "2045316.68"  # 万份, as the host publishes it


def test_etf_scale_of_a_day_without_data_crashes_akshare(upstream: Simulator, ak: ModuleType) -> None:
    with pytest.raises(KeyError, match=r"None of \[Index\(\['序号', '基金代码'"):
        ak.fund_etf_scale_sse(date="20230415")


def test_real_recorded_etf_shares_come_back_exactly(upstream: Simulator, ak: ModuleType) -> None:
    path = REALDATA / "funds" / "etf_shares.csv"
    if not path.exists():
        pytest.skip(f"real recorded SSE ETF shares (fund_etf_scale_sse) not available at {path}")
    recorded = pd.read_csv(path, dtype={"code": str})
    week = recorded[recorded["date"].between("2023-04-10", "2023-04-14")]
    assert week["date"].nunique() == 5
    for day, rows in week.groupby("date"):
        stamp = date.fromisoformat(str(day))
        upstream.dataset.put(
            "fund_etf_scale_sse",
            etf_scale(stamp, dict(zip(rows["code"], rows["shares"], strict=True))),
            date=f"{stamp:%Y%m%d}",
        )
    for day, rows in week.groupby("date"):
        got = ak.fund_etf_scale_sse(date=str(day).replace("-", ""))
        assert list(got["基金代码"]) == list(rows["code"])
        assert list(got["基金份额"]) == list(rows["shares"])  # bit for bit
        assert set(got["统计日期"]) == {date.fromisoformat(str(day))}


# ----------------------------------------------------------------------------- stock_sse_deal_daily


def deal_daily(*, buyback: bool = True, total: bool = True) -> pd.DataFrame:
    """每日股票情况 of 2023-04-14 (long layout); without 股票回购 / 股票 as on dates the host omits them."""
    frame = pd.DataFrame(
        {
            "单日情况": pd.Series(MEASURES, dtype="str"),
            "股票": [2252.0, 480121.65, 385563.72, 4418.31, 363.92, 14.7, 0.9202, 1.1459],
            "主板A": [1700.0, 412289.88, 354569.3, 3888.99, 353.54, 13.67, 0.9433, 1.0968],
            "主板B": [44.0, 870.61, 861.9, 2.4, 0.8, 6.92, 0.2757, 0.2785],
            "科创板": [508.0, 66961.16, 30132.52, 526.92, 9.58, 50.72, 0.7869, 1.7487],
            "股票回购": [0.0, None, None, 27.59, 0.72, None, None, None],
        }
    )
    frame["股票回购"] = frame["股票回购"].astype("float64")
    if not buyback:
        frame["股票回购"] = float("nan")
    if not total:
        frame["股票"] = float("nan")
    return frame


@pytest.mark.parametrize(
    ("buyback", "total", "records"),
    [(True, True, 5), (False, True, 4), (False, False, 3)],
    ids=["six-column layout", "five-column layout (no 股票回购)", "four-column layout (boards only)"],
)
def test_deal_daily_in_each_of_akshares_layouts(
    upstream: Simulator, ak: ModuleType, buyback: bool, total: bool, records: int
) -> None:
    table = deal_daily(buyback=buyback, total=total)
    upstream.dataset.put("stock_sse_deal_daily", table, date="20230414")

    got = ak.stock_sse_deal_daily(date="20230414")

    # akshare hands back 单日情况 as an ordered Categorical (stock_summary.py, line 343);
    # landing conforms it to text (ingestion/conform.py)
    assert isinstance(got["单日情况"].dtype, pd.CategoricalDtype) and got["单日情况"].cat.ordered
    assert list(got["单日情况"].cat.categories) == MEASURES
    pd.testing.assert_frame_equal(got.assign(单日情况=got["单日情况"].astype("str")), table)
    raw = raw_answer(
        "/commonQuery.do",
        sqlId="COMMON_SSE_SJ_GPSJ_CJGK_MRGK_C",
        PRODUCT_CODE="01,02,03,11,17",
        SEARCH_DATE="2023-04-14",
    )
    assert len(raw["result"]) == records
    assert raw["result"][0]["TRADE_DATE"] == "20230414" and raw["result"][0]["LIST_NUM"] == "1700"


def test_deal_daily_of_a_day_without_data_crashes_akshare(upstream: Simulator, ak: ModuleType) -> None:
    with pytest.raises(ValueError, match="Length mismatch: Expected axis has 1 elements, new values have 6 elements"):
        ak.stock_sse_deal_daily(date="20230415")


# ----------------------------------------------------------------------------- the host's errors


def test_the_host_refuses_requests_without_an_sse_referer(upstream: Simulator) -> None:
    upstream.dataset.put("stock_sse_deal_daily", deal_daily(), date="20230414")
    url = "https://query.sse.com.cn/commonQuery.do"
    params = {"sqlId": "COMMON_SSE_SJ_GPSJ_CJGK_MRGK_C", "SEARCH_DATE": "2023-04-14", "jsonCallBack": "cb"}
    assert requests.get(url, params=params, timeout=10).status_code == 403
    answer = requests.get(url, params=params, headers={"Referer": REFERER}, timeout=10)
    assert answer.status_code == 200 and answer.text.startswith("cb({")  # JSONP when a callback is named


@pytest.mark.parametrize(
    ("function", "params"),
    [
        ("stock_margin_sse", {"start_date": "20230410", "end_date": "20230414"}),
        ("stock_margin_detail_sse", {"date": "20230413"}),
        ("fund_etf_scale_sse", {"date": "20230414"}),
        ("stock_sse_deal_daily", {"date": "20230414"}),
    ],
)
def test_an_http_error_page_is_a_json_decode_error_in_akshare(
    upstream: Simulator, ak: ModuleType, function: str, params: dict
) -> None:
    upstream.inject(Fault("status", host=SSE, status=503))
    with pytest.raises(requests.exceptions.JSONDecodeError, match=r"Expecting value: line 1 column 1 \(char 0\)"):
        getattr(ak, function)(**params)
    assert upstream.requests(SSE)[-1].status == 503
