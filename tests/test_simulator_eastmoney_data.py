"""data.eastmoney.com over the simulator: the page ``stock_hsgt_hold_stock_em`` reads its date from.

akshare first reads the ranking page's date (``<div class="title">…<span>（2023-04-14）</span>``)
and then asks datacenter-web.eastmoney.com for that day only; the page shows the newest holding
date the simulated upstream has.
"""

from __future__ import annotations

from datetime import date

import akshare as ak
import pandas as pd
import pytest
import requests

from simulator import Fault, Simulator

from .test_simulator_eastmoney_datacenter import hold_frame, same

PAGE = "https://data.eastmoney.com/hsgtcg/list.html"


def test_the_page_shows_the_newest_holding_date_and_akshare_gets_that_day_only(upstream: Simulator) -> None:
    older, newer = hold_frame(date(2023, 4, 13)), hold_frame(date(2023, 4, 14))
    upstream.dataset.put("stock_hsgt_hold_stock_em", pd.concat([older, newer], ignore_index=True), indicator="今日排行")
    assert "<span>（2023-04-14）</span>" in requests.get(PAGE, timeout=5).text
    got = ak.stock_hsgt_hold_stock_em(market="北向", indicator="今日排行")
    same(got, newer)
    hosts = [r.host for r in upstream.requests()]
    assert hosts[1:3] == ["data.eastmoney.com", "datacenter-web.eastmoney.com"]  # after the page read above


def test_without_holdings_the_page_shows_today_and_the_report_is_empty(upstream: Simulator) -> None:
    upstream.dataset.put("stock_hsgt_hold_stock_em", hold_frame(date(2023, 4, 14)).iloc[0:0], indicator="今日排行")
    today = pd.Timestamp.now(tz="Asia/Shanghai").strftime("%Y-%m-%d")
    assert f"（{today}）" in requests.get(PAGE, timeout=5).text


def test_nothing_served_is_404(upstream: Simulator) -> None:
    assert requests.get(PAGE, timeout=5).status_code == 404


def test_an_error_page_makes_akshare_crash_on_the_missing_date(upstream: Simulator) -> None:
    upstream.dataset.put("stock_hsgt_hold_stock_em", hold_frame(date(2023, 4, 14)), indicator="今日排行")
    upstream.inject(Fault("status", host="data.eastmoney.com", status=503))
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'find'"):
        ak.stock_hsgt_hold_stock_em(market="北向", indicator="今日排行")
