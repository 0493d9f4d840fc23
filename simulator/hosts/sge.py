"""www.sge.com.cn: the Shanghai Gold Exchange's daily quotes (``POST /graph/Dailyhq``).

``spot_hist_sge`` posts the form ``instid=<contract>`` and reads ``{"time": [[date, open, close,
low, high], ...]}``: one array per trading day, oldest first, the whole history of the contract
(prices in 元/克; akshare names the five positions date, open, close, low, high). A contract the
exchange does not list is answered with an empty list.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import NotFound, Request, Response, endpoint, serves

HOST = "www.sge.com.cn"

serves("spot_hist_sge", key=("symbol",), hosts=(HOST,), description="上海黄金交易所行情走势 (Dailyhq)")

FIELDS = ("date", "open", "close", "low", "high")


def _price(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def daily_quotes(frame: pd.DataFrame) -> list[list[Any]]:
    """The table's bars as the exchange sends them: oldest first, dates as ``YYYY-MM-DD``."""
    bars = frame.assign(_day=pd.to_datetime(frame["date"].astype(object))).sort_values("_day", kind="stable")
    return [
        [day.strftime("%Y-%m-%d"), *(_price(bar[name]) for name in FIELDS[1:])]
        for day, (_, bar) in zip(bars["_day"], bars.iterrows(), strict=True)
    ]


@endpoint(HOST, "/graph/Dailyhq", method="POST")
def daily(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/spot/spot_sge.py::spot_hist_sge``."""
    symbol = request.form.get("instid") or ""
    try:
        quotes = data.derived("spot_hist_sge", "dailyhq", daily_quotes, symbol=symbol)
    except NotFound:
        quotes = []
    return Response.json({"time": quotes})
