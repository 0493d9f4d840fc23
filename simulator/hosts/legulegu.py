"""legulegu.com and www.legulegu.com: 乐咕乐股's market valuation pages and their JSON API.

Both functions first load a page (``get_cookie_csrf`` in ``akshare/stock_feature/stock_a_indicator.py``),
which sets a session cookie and carries the CSRF token in ``<meta name="_csrf" content="...">``;
then they call ``/api/stock-data/...`` with ``X-CSRF-Token`` and ``token`` = md5 of today's
ISO date (``get_token_lg``). The API answers ``{"data": [record, ...]}``, one record per
trading day, fields in the order akshare returns them (it builds the frame from the records).
The simulated API refuses (HTTP 403, nginx's page, as the real host refuses a blocked client)
a request without the page's CSRF token or with a token that is not md5 of a date within a day
of today.

``date`` is sent as ``YYYY-MM-DD``: ``stock_a_ttm_lyr`` parses it with a bare
``pd.to_datetime(...).dt.date`` and ``stock_a_all_pb`` with ``utc=True`` then
``tz_convert("Asia/Shanghai")``; a calendar date is read as the same day by both (epoch
milliseconds, the format of older versions of this API, would parse as 1970 under both).
"""

from __future__ import annotations

import hashlib
import math
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import Request, Response, endpoint, serves

HOSTS = ("legulegu.com", "www.legulegu.com")
API_HOST = "legulegu.com"
CSRF_TOKEN = "5f1c3a8e-0b7d-4c52-9e61-7d2f4a9b8c30"
SESSION_COOKIE = "SESSION=ZjM4ZDk2YzQtNTBiMS00YzZmLWE0ZWQtMGIzYzY1ZGQ3MjQx; Path=/; HttpOnly"
FORBIDDEN = "<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center></body></html>"

serves("stock_a_ttm_lyr", hosts=HOSTS, description="全部A股等权重/中位数市盈率 (/api/stock-data/market-ttm-lyr)")
serves("stock_a_all_pb", hosts=HOSTS, description="全部A股等权重/中位数市净率 (/api/stock-data/market-index-pb)")

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="_csrf" content="{token}"/>
<meta name="_csrf_header" content="X-CSRF-TOKEN"/>
<title>{title} - 乐咕乐股</title>
</head>
<body><div id="chart"></div></body>
</html>
"""


def _page(title: str) -> Response:
    body = PAGE.format(token=CSRF_TOKEN, title=title).encode("utf-8")
    return Response(200, body, {"Content-Type": "text/html;charset=UTF-8", "Set-Cookie": SESSION_COOKIE})


def stockdata_page(request: Request, data: Dataset) -> Response:
    """The HTML page ``get_cookie_csrf`` reads the ``_csrf`` meta tag (and the cookie) from."""
    return _page(request.path.rsplit("/", 1)[-1])


for _host in HOSTS:
    endpoint(_host, "^/stockdata/", method="GET")(stockdata_page)


def _header(request: Request, name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in request.headers.items() if k.lower() == wanted), None)


def _valid_day_token(token: str | None) -> bool:
    """``get_token_lg``: md5 of the caller's local ISO date (a day either way for time zones)."""
    today = datetime.now().date()
    days = (today + timedelta(days=k) for k in (-1, 0, 1))
    return token in {hashlib.md5(d.isoformat().encode()).hexdigest() for d in days}


def _refused(request: Request) -> Response | None:
    if _header(request, "X-CSRF-Token") != CSRF_TOKEN or not _valid_day_token(request.param("token")):
        return Response(403, FORBIDDEN.encode(), {"Content-Type": "text/html"})
    return None


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (date, pd.Timestamp)):
        return f"{value:%Y-%m-%d}"
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _json_value(v) for k, v in row.items()} for row in frame.astype(object).to_dict("records")]


@endpoint(API_HOST, "/api/stock-data/market-ttm-lyr", method="GET")
def market_ttm_lyr(request: Request, data: Dataset) -> Response:
    """``stock_a_ttm_lyr`` (``akshare/stock_feature/stock_ttm_lyr.py``) keeps every field as sent."""
    refused = _refused(request)
    if refused is not None:
        return refused
    if request.param("marketId") != "5":
        return Response.json({"data": []})
    return Response.json({"data": _records(data.get("stock_a_ttm_lyr"))})


@endpoint(API_HOST, "/api/stock-data/market-index-pb", method="GET")
def market_index_pb(request: Request, data: Dataset) -> Response:
    """``stock_a_all_pb`` (``akshare/stock_feature/stock_all_pb.py``) drops ``weightingAveragePB``,
    the cap-weighted PB, so the wire carries one (a plausible 0.85 x the equal-weight mean)."""
    refused = _refused(request)
    if refused is not None:
        return refused
    if request.param("marketId") != "ALL":
        return Response.json({"data": []})
    frame = data.get("stock_a_all_pb")
    if "equalWeightAveragePB" in frame.columns:
        position = list(frame.columns).index("equalWeightAveragePB") + 1
        frame.insert(position, "weightingAveragePB", (frame["equalWeightAveragePB"] * 0.85).round(2))
    return Response.json({"data": _records(frame)})
