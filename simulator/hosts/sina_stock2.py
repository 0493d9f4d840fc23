"""stock2.finance.sina.com.cn: Sina Finance's futures API, foreign futures daily bars.

``futures_foreign_hist`` gets ``/futures/api/jsonp.php/var%20_S<Y_M_D>=/GlobalFuturesService.
getGlobalFuturesDailyKLine?symbol=<code>&_=<Y_M_D>&source=web``: JSONP whose variable is named in
the path, ``var _S2023_4_14=([{"date": "2023-04-13", "open": "2017.800", ...}, ...]);`` behind the
comment Sina puts first. Every value travels as text; akshare cuts the array out
(``text[text.find("["):-2]``, so the answer must end with ``);``) and parses it with
``pd.read_json``, which types the dates and numbers itself. The whole history of the contract,
oldest first; a symbol Sina does not know is answered ``null``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import NotFound, Request, Response, endpoint, serves

HOST = "stock2.finance.sina.com.cn"
PATH = r"^/futures/api/jsonp\.php/var(?:%20| )(_S[0-9_]+)=/GlobalFuturesService\.getGlobalFuturesDailyKLine$"
PREFIX = "/*<script>location.href='//sina.com';</script>*/\n"

serves("futures_foreign_hist", key=("symbol",), hosts=(HOST,), description="新浪外盘期货日K线 (JSONP)")

PRICES = ("open", "high", "low", "close")


def _text(value: Any, decimals: int) -> str | None:
    number = float(value)
    if math.isnan(number):
        return None
    return f"{number:.{decimals}f}"


def daily_bars(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Bars as Sina sends them: oldest first, prices with three decimals, volume whole, all as text."""
    bars = frame.assign(_day=pd.to_datetime(frame["date"].astype(object))).sort_values("_day", kind="stable")
    out = []
    for day, (_, bar) in zip(bars["_day"], bars.iterrows(), strict=True):
        row: dict[str, Any] = {"date": day.strftime("%Y-%m-%d")}
        row.update({name: _text(bar[name], 3) for name in PRICES})
        row["volume"] = _text(bar["volume"], 0)
        out.append(row)
    return out


@endpoint(HOST, PATH)
def daily_kline(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/futures/futures_foreign.py::futures_foreign_hist``."""
    match = re.match(PATH, request.path)
    variable = match.group(1) if match else "_S"
    try:
        bars: Any = data.derived("futures_foreign_hist", "kline", daily_bars, symbol=request.param("symbol") or "")
    except NotFound:
        bars = None
    payload = json.dumps(bars, ensure_ascii=False, separators=(",", ":"))
    return Response.text(f"{PREFIX}var {variable}=({payload});", content_type="application/javascript")
