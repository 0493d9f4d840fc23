"""fund.eastmoney.com: Eastmoney's fund data pages (JavaScript assignments, not JSON).

``/data/FundNewIssue.aspx?t=xcln`` (新成立基金) answers ``var newfunddata={datas:[[...],...],
record:N,pages:P,curpage:C}``: a JavaScript object literal with unquoted keys (akshare strips the
characters of ``"var newfunddata="`` from both ends and reads it with demjson). Each fund is a
list of 19 text fields in the order akshare names them by position; ``page=<number>,<size>``
pages it and ``sort=<field>,<asc|desc>`` orders it. No fund is ``datas:[]``.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import Request, Response, endpoint, serves

HOST = "fund.eastmoney.com"

serves("fund_new_found_em", hosts=(HOST,), description="新成立基金 (FundNewIssue.aspx?t=xcln)")

# sort keys the page uses -> field position in a row
_SORT_FIELDS = {"jzrgq": 10, "clrq": 6, "mjfe": 5, "jjdm": 0}


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _number(value: Any, *, grouped: bool = False, suffix: str = "") -> str:
    """A number as the page writes it: shortest text, thousands grouped where the page groups
    them (成立来涨幅, which akshare un-groups with ``.str.replace(",", "")``), '' when missing."""
    if value is None or pd.isna(value):
        return ""
    number = float(value)
    return (f"{number:,}" if grouped else repr(number)) + suffix


def fund_row(row: dict[str, Any]) -> list[str]:
    """One fund as the page's 19 fields (``akshare/fund/fund_init_em.py::fund_new_found_em`` names
    positions 0-2, 4-10 and 18; the others it drops)."""
    fee = _number(row.get("优惠费率"), suffix="%")  # akshare strips the "%"
    return [
        _text(row.get("基金代码")),
        _text(row.get("基金简称")),
        _text(row.get("发行公司")),
        "80000" + _text(row.get("基金代码"))[-3:],  # company id
        _text(row.get("基金类型")),
        _number(row.get("募集份额")),
        _text(row.get("成立日期"))[:10],
        _number(row.get("成立来涨幅"), grouped=True),
        _text(row.get("基金经理")),
        _text(row.get("申购状态")),
        _text(row.get("集中认购期")),
        "1",  # can be bought on the site
        "30" + _text(row.get("基金代码"))[-6:],  # manager id
        "",  # a second manager's id
        "1",  # fee shown
        "",  # original fee (shown struck through when there is a discount)
        "1",  # discount shown
        "",  # discount note
        fee,
    ]


@endpoint(HOST, "/data/FundNewIssue.aspx")
def new_issue(request: Request, data: Dataset) -> Response:
    """Inverts ``fund_new_found_em``: ``demjson.decode(r.text.strip("var newfunddata="))["datas"]``."""
    if request.param("t") != "xcln":
        return Response(404, b"", {"Content-Type": "text/html"})
    frame = data.get("fund_new_found_em")
    rows = [fund_row(row) for row in frame.astype(object).to_dict("records")]
    field, _, direction = (request.param("sort") or "jzrgq,desc").partition(",")
    if field in _SORT_FIELDS:
        position = _SORT_FIELDS[field]
        rows.sort(key=lambda r: r[position], reverse=direction == "desc")
    number_text, _, size_text = (request.param("page") or "1,50").partition(",")
    number, size = max(1, int(number_text or 1)), max(1, int(size_text or 50))
    page = rows[(number - 1) * size : number * size]
    pages = math.ceil(len(rows) / size)
    datas = json.dumps(page, ensure_ascii=False, separators=(",", ":"))
    body = f"var newfunddata={{datas:{datas},record:{len(rows)},pages:{pages},curpage:{number}}}"
    return Response.text(body, content_type="application/x-javascript")
