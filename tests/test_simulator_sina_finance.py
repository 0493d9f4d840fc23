"""Sina's trade calendar: the JS-encoded klc_td_sh.txt, decoded by akshare's tool_trade_date_hist_sina
(Sina's own decoder, run in py_mini_racer)."""

from __future__ import annotations

import random
from datetime import date

import pandas as pd
import pytest
import requests

from simulator import Fault, Simulator
from simulator.hosts.sina_finance import encode_trade_dates
from tests.conftest import trading_calendar_frame

ADDED_BY_AKSHARE = date(1992, 5, 4)


def sse_like_calendar(seed: int = 11) -> list[date]:
    """Every weekday from the SSE's first day to 2024, less holidays of 1 to 40 weekdays (some of
    them back to back, which the encoding writes as runs of zero trading days)."""
    rng = random.Random(seed)
    weekdays = [d.date() for d in pd.bdate_range("1990-12-19", "2024-12-31")]
    days, i = [weekdays[0]], 1
    while i < len(weekdays):
        if rng.random() < 0.02:
            i += rng.choice([1, 1, 2, 5, 9, 40])
            continue
        days.append(weekdays[i])
        i += 1
    return sorted(set(days) | {ADDED_BY_AKSHARE})


def test_thirty_four_years_of_trading_days_come_back_exactly(upstream: Simulator) -> None:
    import akshare as ak

    table = pd.DataFrame({"trade_date": sse_like_calendar()})
    upstream.dataset.put("tool_trade_date_hist_sina", table)

    frame = ak.tool_trade_date_hist_sina()

    pd.testing.assert_frame_equal(frame, table)
    assert frame["trade_date"].map(type).eq(date).all()
    text = requests.get("https://finance.sina.com.cn/realstock/company/klc_td_sh.txt", timeout=5).text
    assert text.startswith('var datelist="') and text.rstrip().endswith('";')


def test_sina_never_sends_1992_05_04_and_akshare_always_adds_it(upstream: Simulator) -> None:
    import akshare as ak

    table = trading_calendar_frame("2021-01-04", "2023-12-29")
    upstream.dataset.put("tool_trade_date_hist_sina", table)

    frame = ak.tool_trade_date_hist_sina()

    assert frame["trade_date"].iloc[0] == ADDED_BY_AKSHARE
    pd.testing.assert_frame_equal(frame.iloc[1:].reset_index(drop=True), table)


def test_the_code_starts_with_the_date_list_branch_and_refuses_days_sina_cannot_hold() -> None:
    # 139 in 12 bits then 63 in 6, low bits first, six to a character: "L", "C", "/"
    assert encode_trade_dates([date(2023, 4, 14)]).startswith("LC/")
    with pytest.raises(ValueError, match="weekend"):
        encode_trade_dates([date(2023, 4, 15)])
    with pytest.raises(ValueError, match="1990-12-19"):
        encode_trade_dates([date(1990, 12, 18)])


@pytest.mark.parametrize(
    "days", [[date(1990, 12, 19)], [date(2023, 4, 14)], [date(2023, 4, 3), date(2023, 4, 14), date(2023, 6, 1)]]
)
def test_edge_calendars_round_trip(upstream: Simulator, days: list[date]) -> None:
    import akshare as ak

    upstream.dataset.put("tool_trade_date_hist_sina", pd.DataFrame({"trade_date": days}))
    assert ak.tool_trade_date_hist_sina()["trade_date"].to_list() == sorted({*days, ADDED_BY_AKSHARE})


def test_an_empty_calendar_and_an_error_page_make_akshare_raise(upstream: Simulator) -> None:
    import akshare as ak

    upstream.dataset.put("tool_trade_date_hist_sina", pd.DataFrame({"trade_date": []}))
    with pytest.raises(ValueError, match="Unexpected return value type"):  # the decoder returns undefined
        ak.tool_trade_date_hist_sina()
    upstream.dataset.put("tool_trade_date_hist_sina", trading_calendar_frame())
    with upstream.fault(Fault("status", status=503)), pytest.raises(IndexError):  # no "=" to split on
        ak.tool_trade_date_hist_sina()
