"""push2his.eastmoney.com over the simulator: ``index_zh_a_hist`` and ``fund_etf_hist_em`` klines.

What akshare really returns, and what these tests pin: ``日期`` as text (akshare indexes by the
parsed date, slices, then drops the index), ``成交量`` as int64 (the host sends whole lots), the
other fields float64. ``index_zh_a_hist`` asks for the whole history and slices it itself;
``fund_etf_hist_em`` passes its range and the host filters.
"""

from __future__ import annotations

from collections.abc import Iterator

import akshare as ak
import numpy as np
import pandas as pd
import pytest
import requests
from akshare.index.index_zh_em import index_code_id_map_em

from simulator import Simulator
from simulator.hosts.eastmoney_push2his import HOST, KLINE_COLUMNS

from .conftest import REALDATA

PRICES = ["开盘", "收盘", "最高", "最低"]


@pytest.fixture(autouse=True)
def fresh_code_map() -> Iterator[None]:
    index_code_id_map_em.cache_clear()
    yield
    index_code_id_map_em.cache_clear()


def bars(n: int, end: str = "2023-04-14", price: float = 3000.0, decimals: int = 2) -> pd.DataFrame:
    """Daily bars as akshare returns them, but 日期 as dates and 成交量 as float (the warehouse's types)."""
    rng = np.random.default_rng(n)
    close = (price + rng.normal(0, price / 100, n).cumsum()).round(decimals)
    frame = pd.DataFrame(
        {
            "日期": [d.date() for d in pd.bdate_range(end=end, periods=n)],
            "开盘": (close * 0.998).round(decimals),
            "收盘": close,
            "最高": (close * 1.01).round(decimals),
            "最低": (close * 0.99).round(decimals),
            "成交量": rng.integers(10**6, 10**9, n).astype(float),
            "成交额": rng.integers(10**9, 10**12, n).astype(float),
            "振幅": rng.uniform(0, 4, n).round(2),
            "涨跌幅": rng.normal(0, 1, n).round(2),
            "涨跌额": rng.normal(0, 10, n).round(decimals),
            "换手率": rng.uniform(0, 3, n).round(2),
        }
    )
    frame.loc[n // 2, "换手率"] = np.nan  # the host sends "-"
    return frame


def as_returned(frame: pd.DataFrame) -> pd.DataFrame:
    """The same bars in akshare's representation: 日期 text, 成交量 int64."""
    return frame.assign(日期=frame["日期"].astype(str), 成交量=frame["成交量"].astype("int64")).reset_index(drop=True)


def week(frame: pd.DataFrame, start: str = "2023-04-10", end: str = "2023-04-14") -> pd.DataFrame:
    days = pd.to_datetime(frame["日期"])
    return frame[(days >= start) & (days <= end)]


def secids(upstream: Simulator) -> list[str]:
    return [r.query["secid"] for r in upstream.requests(HOST)]


# ---------------------------------------------------------------------------------- index_zh_a_hist


@pytest.mark.parametrize(("symbol", "market"), [("000300", "1"), ("399006", "0"), ("000985", "1")])
def test_index_history_is_served_whole_and_akshare_slices_the_range(
    upstream: Simulator, symbol: str, market: str
) -> None:
    table = bars(300)
    upstream.dataset.put("index_zh_a_hist", table, symbol=symbol, period="daily")
    got = ak.index_zh_a_hist(symbol=symbol, period="daily", start_date="20230410", end_date="20230414")
    pd.testing.assert_frame_equal(got, as_returned(week(table)))
    assert got["日期"].dtype == "str" and got["成交量"].dtype == "int64"
    [kline] = upstream.requests(HOST)
    assert kline.query["secid"] == f"{market}.{symbol}"
    assert (kline.query["beg"], kline.query["end"], kline.query["klt"]) == ("0", "20500000", "101")


def test_weekly_bars_are_another_table(upstream: Simulator) -> None:
    daily, weekly = bars(30), bars(10, price=4000.0)
    upstream.dataset.put("index_zh_a_hist", daily, symbol="000001", period="daily")
    upstream.dataset.put("index_zh_a_hist", weekly, symbol="000001", period="weekly")
    got = ak.index_zh_a_hist(symbol="000001", period="weekly", start_date="19700101", end_date="22220101")
    pd.testing.assert_frame_equal(got, as_returned(weekly))


def test_an_index_missing_from_the_cached_map_is_found_by_akshares_fallback(upstream: Simulator) -> None:
    upstream.dataset.put("index_zh_a_hist", bars(5), symbol="000300", period="daily")
    ak.index_zh_a_hist(symbol="000300", start_date="20230410", end_date="20230414")  # caches the map
    table = bars(20)
    upstream.dataset.put("index_zh_a_hist", table, symbol="399998", period="daily")
    got = ak.index_zh_a_hist(symbol="399998", start_date="20230410", end_date="20230414")
    pd.testing.assert_frame_equal(got, as_returned(week(table)))
    # not in the map: Shanghai first (data null), then Shenzhen, which akshare then asks once more
    assert secids(upstream)[-3:] == ["1.399998", "0.399998", "0.399998"]


def test_a_range_without_bars_is_an_empty_frame_but_no_bars_at_all_crashes_akshare(upstream: Simulator) -> None:
    upstream.dataset.put("index_zh_a_hist", bars(20), symbol="000300", period="daily")
    got = ak.index_zh_a_hist(symbol="000300", start_date="20300101", end_date="20300201")
    assert got.empty and list(got.columns) == KLINE_COLUMNS
    upstream.dataset.put("index_zh_a_hist", bars(20).iloc[0:0], symbol="000300", period="daily")
    with pytest.raises(ValueError, match="Length mismatch"):
        ak.index_zh_a_hist(symbol="000300", start_date="20230410", end_date="20230414")


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["000001.SH", "000300.SH", "000688.SH", "399001.SZ", "399006.SZ"])
def test_index_realdata_comes_back_for_the_report_week(upstream: Simulator, name: str) -> None:
    path = REALDATA / "index_daily" / f"{name}.csv"
    if not path.exists():
        pytest.skip(f"recorded data {path} is absent (/work/shared/realdata not mounted)")
    recorded = pd.read_csv(path)
    named = {
        "date": "日期",
        "open": "开盘",
        "close": "收盘",
        "high": "最高",
        "low": "最低",
        "volume": "成交量",
        "amount": "成交额",
        "amplitude": "振幅",
        "change_percent": "涨跌幅",
        "change_amount": "涨跌额",
        "turnover": "换手率",
    }
    table = recorded.rename(columns=named).reindex(columns=KLINE_COLUMNS)
    symbol = path.stem.split(".")[0]
    upstream.dataset.put("index_zh_a_hist", table, symbol=symbol, period="daily")
    got = ak.index_zh_a_hist(symbol=symbol, period="daily", start_date="20230410", end_date="20230414")
    # the host sends an index's prices with 2 decimals (399006's recording has 4: not Eastmoney's)
    expected = as_returned(week(table)).round(dict.fromkeys(PRICES, 2))
    pd.testing.assert_frame_equal(got, expected)
    assert got["日期"].tolist() == ["2023-04-10", "2023-04-11", "2023-04-12", "2023-04-13", "2023-04-14"]


# --------------------------------------------------------------------------------- fund_etf_hist_em


@pytest.mark.parametrize(("symbol", "market"), [("510300", "1"), ("159915", "0"), ("588000", "1")])
def test_etf_bars_of_the_requested_range_round_trip(upstream: Simulator, symbol: str, market: str) -> None:
    table = bars(60, price=1.5, decimals=3)
    upstream.dataset.put("fund_etf_hist_em", table, symbol=symbol, period="daily", adjust="")
    got = ak.fund_etf_hist_em(symbol=symbol, period="daily", start_date="20230403", end_date="20230414", adjust="")
    pd.testing.assert_frame_equal(got, as_returned(week(table, "2023-04-03")))
    [kline] = upstream.requests(HOST)
    assert kline.query["secid"] == f"{market}.{symbol}"
    assert (kline.query["beg"], kline.query["end"], kline.query["fqt"]) == ("20230403", "20230414", "0")


def test_adjusted_etf_bars_are_another_table(upstream: Simulator) -> None:
    plain, forward = bars(20, price=1.5, decimals=3), bars(20, price=0.9, decimals=3)
    upstream.dataset.put("fund_etf_hist_em", plain, symbol="510300", period="daily", adjust="")
    upstream.dataset.put("fund_etf_hist_em", forward, symbol="510300", period="daily", adjust="qfq")
    got = ak.fund_etf_hist_em(symbol="510300", start_date="19700101", end_date="20500101", adjust="qfq")
    pd.testing.assert_frame_equal(got, as_returned(forward))


def test_etf_without_bars_in_the_range_is_akshares_empty_frame(upstream: Simulator) -> None:
    upstream.dataset.put(
        "fund_etf_hist_em", bars(20, price=1.5, decimals=3), symbol="510300", period="daily", adjust=""
    )
    got = ak.fund_etf_hist_em(symbol="510300", start_date="20300101", end_date="20300201")
    assert got.shape == (0, 0)  # no columns at all: akshare returns pd.DataFrame()


def test_a_code_served_only_at_another_market_is_the_hosts_unknown_secid(upstream: Simulator) -> None:
    upstream.dataset.put("fund_etf_hist_em", bars(5, price=1.5, decimals=3), symbol="510300", period="daily", adjust="")
    answer = requests.get(f"https://{HOST}/api/qt/stock/kline/get", params={"secid": "0.510300"}, timeout=5).json()
    assert answer["rc"] == 0 and answer["data"] is None


# ----------------------------------------------------------------------------- index_global_hist_em


def dollar_index(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(n)
    close = (103 + rng.normal(0, 0.3, n).cumsum()).round(4)
    return pd.DataFrame(
        {
            "日期": [d.date() for d in pd.bdate_range(end="2023-04-14", periods=n)],
            "代码": "UDI",
            "名称": "美元指数",
            "今开": (close + 0.05).round(4),
            "最新价": close,
            "最高": (close + 0.4).round(4),
            "最低": (close - 0.35).round(4),
            "振幅": rng.uniform(0.2, 1.2, n).round(2),
        }
    )


def test_the_dollar_index_comes_back_from_market_100(upstream: Simulator) -> None:
    table = dollar_index(400)
    upstream.dataset.put("index_global_hist_em", table, symbol="美元指数")
    got = ak.index_global_hist_em(symbol="美元指数")
    pd.testing.assert_frame_equal(got, table, check_dtype=False)
    assert got["日期"].map(type).eq(type(table["日期"][0])).all() and got["最新价"].dtype == "float64"
    [request] = upstream.requests(HOST)
    assert (request.query["secid"], request.query["fqt"], request.query["lmt"]) == ("100.UDI", "1", "50000")


def test_a_global_index_that_is_not_served_is_data_null(upstream: Simulator) -> None:
    upstream.dataset.put("index_global_hist_em", dollar_index(5), symbol="美元指数")
    with pytest.raises(TypeError):
        ak.index_global_hist_em(symbol="日经225")
