"""91.push2his.eastmoney.com: Eastmoney's historical bars of boards (``/api/qt/stock/kline/get``).

``stock_board_concept_hist_em`` names a concept board by ``secid=90.<board code>`` (it looks a
board name up in the concept list first, unless the symbol is already a ``BK`` code), the period
by ``klt``, the adjustment by ``fqt`` and its range by ``beg``/``end`` (``YYYYMMDD``), which the
host applies. The answer is the kline format of :mod:`simulator.hosts.eastmoney_push2his` (fields
``f51..f61``: date, open, close, high, low, volume, turnover, amplitude, change %, change,
turnover rate); akshare reorders the columns (change % and change before volume). An unknown
board is ``"data": null`` (akshare raises ``InvalidParameterError``); a known one without bars in
the range has ``"klines": []`` (akshare returns an empty frame with its columns).

Tables are keyed by ``symbol`` (the board code), ``period`` and ``adjust``.
"""

from __future__ import annotations

from typing import Any

from simulator.dataset import Dataset
from simulator.hosts.eastmoney_push2his import ADJUSTS, PERIODS, in_range, klines
from simulator.wire import NotFound, Request, Response, endpoint, serves

HOST = "91.push2his.eastmoney.com"
BOARD_MARKET = "90"

serves(
    "stock_board_concept_hist_em",
    key=("symbol", "period", "adjust"),
    hosts=(HOST,),
    description="东方财富概念板块历史行情 (klines of secid 90.BKxxxx)",
)


def _envelope(data: dict[str, Any] | None) -> Response:
    return Response.json({"rc": 0, "rt": 17, "svr": 177617938, "lt": 1, "full": 0, "dlmkts": "", "data": data})


@endpoint(HOST, "/api/qt/stock/kline/get")
def board_kline(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/stock/stock_board_concept_em.py::stock_board_concept_hist_em``."""
    market, _, code = (request.param("secid") or "").partition(".")
    period = PERIODS.get(request.param("klt") or "101")
    adjust = ADJUSTS.get(request.param("fqt") or "0")
    if market != BOARD_MARKET or not code or period is None or adjust is None:
        return _envelope(None)
    try:
        frame = data.get("stock_board_concept_hist_em", symbol=code, period=period, adjust=adjust)
    except NotFound:
        return _envelope(None)
    bars = in_range(frame, request.param("beg"), request.param("end"))
    return _envelope(
        {
            "code": code,
            "market": int(market),
            "name": code,
            "decimal": 2,
            "dktotal": len(frame),
            "preKPrice": None,
            "klines": klines(bars, 2),
        }
    )
