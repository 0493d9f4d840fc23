"""data.eastmoney.com: Eastmoney's data-centre web pages (HTML).

``stock_hsgt_hold_stock_em`` reads the trading date of the holdings ranking from the page
``/hsgtcg/list.html``: the first ``<div class="title">`` holds a ``<span>`` with the date in
full-width parentheses, ``（2023-04-14）``; akshare strips them and asks
datacenter-web.eastmoney.com for that date (see :mod:`simulator.hosts.eastmoney_datacenter`).
"""

from __future__ import annotations

from simulator.dataset import Dataset
from simulator.hosts.eastmoney_datacenter import latest_hold_date
from simulator.wire import Request, Response, endpoint

HOST = "data.eastmoney.com"

_HOLD_LIST_PAGE = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>北向资金持股个股排行_沪深港通持股_数据中心_东方财富网</title></head>
<body>
<div class="main">
  <div class="framecontent">
    <div class="title">北向持股个股排行<span>（{date}）</span></div>
    <div class="content"><div id="dataview"></div></div>
  </div>
</div>
</body>
</html>
"""


@endpoint(HOST, "/hsgtcg/list.html")
def hold_list_page(request: Request, data: Dataset) -> Response:
    """Inverts ``soup.find("div", class_="title").find("span").text.strip("（").strip("）")``
    (``akshare/stock_feature/stock_hsgt_em.py::stock_hsgt_hold_stock_em``): the page shows the newest
    holding date the simulated upstream has."""
    return Response.text(_HOLD_LIST_PAGE.format(date=latest_hold_date(data)), content_type="text/html")
