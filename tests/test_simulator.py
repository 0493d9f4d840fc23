"""The simulated upstream itself: routing, answers, faults (the wire formats are tested per host)."""

from __future__ import annotations

import time

import pandas as pd
import pytest
import requests

from simulator import Dataset, DatasetError, Fault, Simulator, routing
from simulator.wire import FUNCTIONS, NotFound

HGJCK = "https://datacenter-web.eastmoney.com/api/data/v1/get"
QUERY = {"reportName": "RPT_ECONOMY_CUSTOMS", "pageNumber": "1", "pageSize": "1"}


def customs_frame(n: int = 3) -> pd.DataFrame:
    columns = [
        "当月出口额-金额",
        "当月出口额-同比增长",
        "当月出口额-环比增长",
        "当月进口额-金额",
        "当月进口额-同比增长",
    ]
    columns += [
        "当月进口额-环比增长",
        "累计出口额-金额",
        "累计出口额-同比增长",
        "累计进口额-金额",
        "累计进口额-同比增长",
    ]
    frame = pd.DataFrame({c: [float(i) for i in range(n)] for c in columns})
    frame.insert(0, "月份", [f"2023年{m:02d}月份" for m in range(n, 0, -1)])
    return frame


def test_requests_reach_the_simulator_with_their_original_url_and_host(upstream: Simulator) -> None:
    upstream.dataset.put("macro_china_hgjck", customs_frame())
    response = requests.get(HGJCK, params=QUERY, timeout=5)
    assert response.status_code == 200
    assert response.url.startswith(HGJCK)
    page = response.json()["result"]
    assert page["pages"] == 3 and page["count"] == 3 and len(page["data"]) == 1
    (served,) = upstream.requests()
    assert served.host == "datacenter-web.eastmoney.com" and served.query["reportName"] == "RPT_ECONOMY_CUSTOMS"


def test_cookies_set_by_a_simulated_host_are_sent_back_to_that_host(upstream: Simulator) -> None:
    from simulator.wire import ENDPOINTS, Endpoint, Response

    def set_cookie(request, data):  # type: ignore[no-untyped-def]
        return Response(200, request.headers.get("Cookie", "").encode(), {"Set-Cookie": "token=abc; Path=/"})

    ENDPOINTS.append(Endpoint("cookies.example.cn", "/c", set_cookie))
    try:
        with requests.Session() as session:
            session.get("https://cookies.example.cn/c", timeout=5)
            assert session.get("https://cookies.example.cn/c", timeout=5).text == "token=abc"
    finally:
        ENDPOINTS.pop()


def test_an_unknown_host_gets_502_naming_it(upstream: Simulator) -> None:
    response = requests.get("https://www.example.com/x", timeout=5)
    assert response.status_code == 502
    assert "www.example.com/x" in response.text


def test_nothing_in_the_dataset_is_404_and_an_empty_report_is_the_hosts_empty_answer(upstream: Simulator) -> None:
    assert requests.get(HGJCK, params=QUERY, timeout=5).status_code == 404
    upstream.dataset.put("macro_china_hgjck", customs_frame(0))
    body = requests.get(HGJCK, params=QUERY, timeout=5).json()
    assert body["result"] is None and body["code"] == 9201


def test_status_faults_apply_a_given_number_of_times(upstream: Simulator) -> None:
    upstream.dataset.put("macro_china_hgjck", customs_frame())
    upstream.inject(Fault("status", host="datacenter-web.eastmoney.com", status=429, times=2))
    codes = [requests.get(HGJCK, params=QUERY, timeout=5).status_code for _ in range(3)]
    assert codes == [429, 429, 200]


def test_slow_trickling_and_silent_answers_time_out_on_the_client(upstream: Simulator) -> None:
    upstream.dataset.put("macro_china_hgjck", customs_frame(50))
    with upstream.fault(Fault("slow", seconds=2)), pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(HGJCK, params=QUERY, timeout=0.5)
    with upstream.fault(Fault("silent")):
        started = time.monotonic()
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.get(HGJCK, params=QUERY, timeout=0.5)
        assert time.monotonic() - started < 2
    # a trickle never trips a read timeout: every chunk arrives within it, the whole takes longer
    with upstream.fault(Fault("trickle", chunk=1024, seconds=0.05)):
        started = time.monotonic()
        response = requests.get(HGJCK, params={**QUERY, "pageSize": "50"}, timeout=0.5)
        assert response.status_code == 200 and time.monotonic() - started > 0.5


def test_reset_and_garbage(upstream: Simulator) -> None:
    upstream.dataset.put("macro_china_hgjck", customs_frame())
    with upstream.fault(Fault("reset")), pytest.raises(requests.exceptions.ConnectionError):
        requests.get(HGJCK, params=QUERY, timeout=5)
    with upstream.fault(Fault("garbage")), pytest.raises(requests.exceptions.JSONDecodeError):
        requests.get(HGJCK, params=QUERY, timeout=5).json()


def test_a_table_needs_the_parameters_that_select_it() -> None:
    dataset = Dataset()
    with pytest.raises(DatasetError, match="not simulated"):
        dataset.put("no_such_function", pd.DataFrame())
    for served in FUNCTIONS.values():
        if served.key:
            with pytest.raises(DatasetError, match="missing"):
                dataset.put(served.function, pd.DataFrame())
            break


def test_routing_is_off_outside_the_simulator() -> None:
    assert routing.installed() is None
    with Simulator() as simulator:
        routing.install(simulator.url)
        assert routing.installed() == simulator.url
        routing.uninstall()
    assert routing.installed() is None


def test_what_a_host_derives_from_a_table_is_computed_once_per_table_put() -> None:
    dataset = Dataset()
    builds: list[int] = []

    def build(frame: pd.DataFrame) -> int:
        builds.append(len(frame))
        return len(frame)

    dataset.put("macro_china_hgjck", customs_frame(3))
    assert [dataset.derived("macro_china_hgjck", "rows", build) for _ in range(3)] == [3, 3, 3]
    assert builds == [3]  # paging through a table encodes it once
    dataset.put("macro_china_hgjck", customs_frame(5))
    assert dataset.derived("macro_china_hgjck", "rows", build) == 5 and builds == [3, 5]
    dataset.remove("macro_china_hgjck")
    with pytest.raises(NotFound):
        dataset.derived("macro_china_hgjck", "rows", build)
