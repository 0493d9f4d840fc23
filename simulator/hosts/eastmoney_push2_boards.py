"""79.push2.eastmoney.com (and its mirrors 17.push2 and push2): Eastmoney's quote list of concept boards.

``stock_board_concept_name_em`` asks ``/api/qt/clist/get`` with ``fs=m:90 t:3 f:!50`` (concept
boards), ``fltt=2`` (decimal numbers), ``fid=f12`` and ``po=1`` (ordered by board code,
descending), ``np=1`` (``diff`` as a list) and ``pz=100`` rows a page, through
``akshare.utils.func.fetch_paginated_data``: the first page gives ``total``, pages 2.. follow;
akshare then sorts every row by ``f3`` (change %) itself and numbers them (排名).

akshare names the 26 fields of a row **by position** (``temp_df.columns = ["排名", "最新价",
"涨跌幅", ..., "_", "领涨股票-涨跌幅"]``), so the host sends them in its own order: the requested
fields ascending, except the leader's code and market (``f140``, ``f141``, which the host adds
after ``f128``) before ``f136``. A value the host does not have travels as ``"-"``. Fields akshare
drops carry plausible values.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import Request, Response, endpoint, serves

HOSTS = ("79.push2.eastmoney.com", "17.push2.eastmoney.com", "push2.eastmoney.com")
CONCEPT_BOARDS = "m:90 t:3 f:!50"

serves(
    "stock_board_concept_name_em",
    hosts=HOSTS,
    description="东方财富概念板块列表 (clist fs=m:90 t:3, fields by position)",
)


def _number(value: Any) -> float | int | str:
    if value is None:
        return "-"
    number = float(value)
    if math.isnan(number):
        return "-"
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _text(value: Any) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def board_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Each board as a ``diff`` object, the fields in the host's order."""
    rows = []
    for board in frame.astype(object).to_dict("records"):
        close, change = board.get("最新价"), board.get("涨跌额")
        base = None
        if isinstance(close, int | float) and isinstance(change, int | float) and not math.isnan(close - change):
            base = close - change
        up, down = _number(board.get("上涨家数")), _number(board.get("下跌家数"))
        rows.append(
            {
                "f2": _number(close),
                "f3": _number(board.get("涨跌幅")),
                "f4": _number(change),
                "f8": _number(board.get("换手率")),
                "f11": 0.0,
                "f12": _text(board.get("板块代码")),
                "f14": _text(board.get("板块名称")),
                "f15": _number(close),
                "f16": _number(base if base is not None else close),
                "f17": _number(base if base is not None else close),
                "f18": _number(base),
                "f20": _number(board.get("总市值")),
                "f21": _number(board.get("总市值")),
                "f22": 0.0,
                "f24": _number(board.get("涨跌幅")),
                "f25": _number(board.get("涨跌幅")),
                "f33": 0.0,
                "f62": "-",
                "f104": up,
                "f105": down,
                "f107": 0,
                "f124": 1681459200,
                "f128": _text(board.get("领涨股票")),
                "f140": "-",
                "f141": 0,
                "f136": _number(board.get("领涨股票-涨跌幅")),
            }
        )
    return rows


def _ordered(request: Request, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    field = request.param("fid") or "f3"
    descending = (request.param("po") or "1") == "1"
    present = [r for r in rows if r.get(field) not in (None, "-")]
    absent = [r for r in rows if r.get(field) in (None, "-")]
    present.sort(key=lambda r: r[field], reverse=descending)
    return present + absent


def _envelope(data: dict[str, Any] | None) -> Response:
    return Response.json({"rc": 0, "rt": 6, "svr": 183610296, "lt": 1, "full": 1, "dlmkts": "", "data": data})


def _concept_boards(request: Request, data: Dataset) -> Response:
    """Inverts ``akshare/stock/stock_board_concept_em.py::stock_board_concept_name_em``."""
    purpose = f"clist|{request.param('fid')}|{request.param('po')}"
    rows = data.derived("stock_board_concept_name_em", purpose, lambda frame: _ordered(request, board_rows(frame)))
    size = max(1, int(request.param("pz") or 20))
    number = max(1, int(request.param("pn") or 1))
    page = rows[(number - 1) * size : number * size]
    if not page:
        return _envelope(None)
    return _envelope({"total": len(rows), "diff": page})


def _is_concept_list(request: Request) -> bool:
    return request.param("fs") == CONCEPT_BOARDS


for _host in HOSTS:
    endpoint(_host, "/api/qt/clist/get", match=_is_concept_list)(_concept_boards)
