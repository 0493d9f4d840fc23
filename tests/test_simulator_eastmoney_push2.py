"""80.push2.eastmoney.com over the simulator: the index code -> market map of ``index_zh_a_hist``.

akshare builds it once per process (``index_code_id_map_em`` is ``lru_cache``d) from a quote list
paged by ``fetch_paginated_data``; these tests clear that cache so that each sees its own upstream.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
import requests
from akshare.index.index_zh_em import index_code_id_map_em

from simulator import Simulator
from simulator.hosts.eastmoney_push2 import HOST, KNOWN_INDEX_MARKETS


@pytest.fixture(autouse=True)
def fresh_code_map() -> Iterator[None]:
    index_code_id_map_em.cache_clear()
    yield
    index_code_id_map_em.cache_clear()


def bars(change: float) -> pd.DataFrame:
    return pd.DataFrame({"日期": ["2023-04-13", "2023-04-14"], "收盘": [1000.0, 1001.0], "涨跌幅": [0.5, change]})


def test_the_map_lists_the_known_indices_and_every_index_served(upstream: Simulator) -> None:
    upstream.dataset.put("index_zh_a_hist", bars(1.2), symbol="399998", period="daily")
    upstream.dataset.put("index_zh_a_hist", bars(-0.4), symbol="000998", period="daily")
    code_map = index_code_id_map_em()
    assert code_map == {**KNOWN_INDEX_MARKETS, "399998": 0, "000998": 1}
    assert code_map["000300"] == 1 and code_map["399006"] == 0 and code_map["000859"] == 2
    [served] = upstream.requests(HOST)
    assert served.query["fs"].startswith("b:MK0010") and served.query["pz"] == "100"


def test_more_than_a_page_of_indices_runs_akshares_paging_loop(upstream: Simulator) -> None:
    codes = [f"399{i:03d}" for i in range(700, 800)]
    for code in codes:
        upstream.dataset.put("index_zh_a_hist", bars(0.1), symbol=code, period="daily")
    code_map = index_code_id_map_em()
    assert len(code_map) == len(KNOWN_INDEX_MARKETS) + len(codes) > 100
    assert all(code_map[code] == 0 for code in codes)
    assert [r.query.get("pn") for r in upstream.requests(HOST)] == ["1", "2"]


def test_a_page_past_the_last_is_data_null(upstream: Simulator) -> None:
    body = requests.get(f"https://{HOST}/api/qt/clist/get", params={"pn": "9", "pz": "100"}, timeout=5).json()
    assert body["rc"] == 0 and body["data"] is None  # the host's answer past the last page
