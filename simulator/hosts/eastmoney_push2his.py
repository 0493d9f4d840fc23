"""push2his.eastmoney.com: Eastmoney's historical bars (``/api/qt/stock/kline/get``).

A request names one security by ``secid=<market>.<code>``, the bar period by ``klt`` (101 daily,
102 weekly, 103 monthly), the adjustment by ``fqt`` (0 none, 1 forward, 2 backward) and a date
range by ``beg``/``end`` (``YYYYMMDD``; ``0`` and ``20500000`` for everything). The answer is
``{"rc": 0, "data": {"code", "market", "name", "decimal", "dktotal", "klines": [...]}}`` where each
kline is one comma-separated text line, fields ``f51..f61`` in that order: date, open, close,
high, low, volume (手), turnover (元), amplitude %, change %, change, turnover rate %. A
``secid`` the host does not know is answered ``"data": null``; a known one with no bar in the
range with ``"klines": []``.

Served: ``index_zh_a_hist`` (one table per ``symbol`` and ``period``; akshare asks for the whole
history and slices it itself), ``fund_etf_hist_em`` (one table per ``symbol``, ``period`` and
``adjust``; akshare passes its range, the host filters) and ``index_global_hist_em`` (one table per
``symbol``, the index's Chinese name; market ``100``, the code in the table's ``代码`` column;
fourteen fields ``f51..f64``, of which akshare keeps date, open, close, high, low and amplitude, and
``data.code``/``data.name``).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from simulator.dataset import Dataset
from simulator.hosts.eastmoney_push2 import index_market
from simulator.wire import NotFound, Request, Response, endpoint, serves

HOST = "push2his.eastmoney.com"

serves(
    "index_zh_a_hist",
    key=("symbol", "period"),
    hosts=(HOST, "80.push2.eastmoney.com"),
    description="指数日行情 (klines; code->market map from 80.push2)",
)
serves("fund_etf_hist_em", key=("symbol", "period", "adjust"), hosts=(HOST,), description="ETF 行情 (klines)")
serves(
    "index_global_hist_em", key=("symbol",), hosts=(HOST,), description="全球指数历史行情 (klines of secid 100.<code>)"
)

GLOBAL_MARKET = 100

PERIODS = {"101": "daily", "102": "weekly", "103": "monthly"}
ADJUSTS = {"0": "", "1": "qfq", "2": "hfq"}
KLINE_COLUMNS = ["日期", "开盘", "收盘", "最高", "最低", "成交量", "成交额", "振幅", "涨跌幅", "涨跌额", "换手率"]


def etf_market(code: str) -> int:
    """``akshare/fund/fund_etf_em.py::get_market_id``: 1 (Shanghai) for 5xxxxx/6xxxxx, else 0."""
    return 1 if code.startswith(("5", "6")) or not code.startswith(("0", "1", "2", "3")) else 0


def kline_number(value: Any, decimals: int | None) -> str:
    """A number as a kline field: ``-`` when missing, else with ``decimals`` decimals (None: an integer,
    as volumes travel)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    number = float(value)
    if decimals is None:
        return str(int(number)) if number.is_integer() else repr(number)
    return f"{number:.{decimals}f}"


def kline_date(value: Any) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def klines(frame: pd.DataFrame, decimal: int) -> list[str]:
    """Each bar as one kline line, fields f51..f61 in akshare's positional column order. Prices,
    turnover and change carry the security's ``decimal`` places, volume is a whole number, the
    percentages two places (what ``pd.to_numeric`` reads back; the volume therefore as int64)."""
    if frame.empty:
        return []
    places: dict[str, int | None] = {"成交量": None, "振幅": 2, "涨跌幅": 2, "换手率": 2}
    dates = frame["日期"].map(kline_date)
    numbers = [
        [kline_number(v, places.get(name, decimal)) for v in frame[name].astype(object)] for name in KLINE_COLUMNS[1:]
    ]
    return [",".join(fields) for fields in zip(dates, *numbers, strict=True)]


def in_range(frame: pd.DataFrame, beg: str | None, end: str | None) -> pd.DataFrame:
    """The bars with ``beg <= date <= end`` (``YYYYMMDD``; ``0`` and a far ``end`` mean unbounded)."""
    if frame.empty:
        return frame
    days = frame["日期"].map(kline_date).str.replace("-", "")
    keep = pd.Series(True, index=frame.index)
    if beg and beg != "0":
        keep &= days >= beg
    if end:
        keep &= days <= end
    return frame[keep]


def _table(data: Dataset, market: int, code: str, period: str, adjust: str) -> tuple[str, pd.DataFrame] | None:
    """The function and bars this secid serves: an index at its market, else an ETF at its market;
    None for a code the dataset serves only at another market (the host's unknown secid)."""
    elsewhere = False
    for function, market_of, params in (
        ("index_zh_a_hist", index_market, {"period": period}),
        ("fund_etf_hist_em", etf_market, {"period": period, "adjust": adjust}),
    ):
        try:
            frame = data.get(function, symbol=code, **params)
        except NotFound:
            continue
        if market_of(code) == market:
            return function, frame
        elsewhere = True
    if elsewhere:
        return None
    raise NotFound(f"no bars of {market}.{code} (period {period}, adjust {adjust!r})")


def _envelope(data: dict[str, Any] | None) -> Response:
    return Response.json({"rc": 0, "rt": 17, "svr": 177617938, "lt": 1, "full": 0, "dlmkts": "", "data": data})


def global_klines(frame: pd.DataFrame) -> list[str]:
    """A global index's bars as fourteen fields (``f51..f64``): date, open, close, high, low, volume,
    turnover, amplitude, change %, change, turnover rate and three the host leaves ``-``. Volume
    and turnover are 0 for an index without trades; change is against the previous bar."""
    if frame.empty:
        return []
    bars = frame.assign(_day=frame["日期"].map(kline_date)).sort_values("_day", kind="stable")
    close = pd.to_numeric(bars["最新价"], errors="coerce").astype(float)
    change = close - close.shift(1)
    change_pct = change / close.shift(1) * 100
    fields = [
        bars["_day"].tolist(),
        *(
            [kline_number(v, 4) for v in pd.to_numeric(bars[name], errors="coerce").astype(float)]
            for name in ("今开", "最新价", "最高", "最低")
        ),
        ["0"] * len(bars),
        ["0.00"] * len(bars),
        [kline_number(v, 2) for v in pd.to_numeric(bars["振幅"], errors="coerce").astype(float)],
        [kline_number(v, 2) for v in change_pct],
        [kline_number(v, 4) for v in change],
        ["-"] * len(bars),
        ["-"] * len(bars),
        ["-"] * len(bars),
        ["-"] * len(bars),
    ]
    return [",".join(values) for values in zip(*fields, strict=True)]


def _global_index(data: Dataset, code: str) -> pd.DataFrame | None:
    """The table of the global index whose ``代码`` is ``code`` (None when none is served)."""
    for _params, frame in data.tables("index_global_hist_em"):
        if "代码" in frame.columns and (frame["代码"].astype(str) == code).any():
            return frame
    return None


def _global_kline(code: str, data: Dataset) -> Response:
    """Inverts ``akshare/index/index_global_em.py::index_global_hist_em`` (whole history, ``lmt``)."""
    frame = _global_index(data, code)
    if frame is None:
        return _envelope(None)
    name = str(frame["名称"].dropna().iloc[0]) if "名称" in frame.columns and frame["名称"].notna().any() else code
    payload = {
        "code": code,
        "market": GLOBAL_MARKET,
        "name": name,
        "decimal": 4,
        "dktotal": len(frame),
        "preKPrice": None,
        "prePrice": None,
        "qtMiscType": 0,
        "klines": global_klines(frame),
    }
    return _envelope(payload)


@endpoint(HOST, "/api/qt/stock/kline/get")
def kline(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/index/index_zh_em.py::index_zh_a_hist`` and
    ``akshare/fund/fund_etf_em.py::fund_etf_hist_em`` (``item.split(",")`` per kline, then
    column names by position), and ``index_global_hist_em`` for market 100."""
    market_text, _, code = (request.param("secid") or "").partition(".")
    if market_text == str(GLOBAL_MARKET) and code:
        return _global_kline(code, data)
    period = PERIODS.get(request.param("klt") or "101")
    adjust = ADJUSTS.get(request.param("fqt") or "0")
    if not market_text.isdigit() or not code or period is None or adjust is None:
        return _envelope(None)
    served = _table(data, int(market_text), code, period, adjust)
    if served is None:
        return _envelope(None)
    function, frame = served
    bars = in_range(frame, request.param("beg"), request.param("end"))
    decimal = 3 if function == "fund_etf_hist_em" else 2
    payload = {
        "code": code,
        "market": int(market_text),
        "name": code,
        "decimal": decimal,
        "dktotal": len(frame),
        "preKPrice": None,
        "klines": klines(bars, decimal),
    }
    return _envelope(payload)
