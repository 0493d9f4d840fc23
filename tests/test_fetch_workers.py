"""Fetch worker processes: deadlines without leftovers, no overlapping retries, every request
attributed to its real host, workers cleaned up.

akshare's own functions run over the simulated upstream (the ``upstream`` fixture); where a test
needs a host the simulator does not serve, it registers a small endpoint for the test and calls a
stand-in from ``tests/fetch_fakes.py`` that requests it through ``requests`` as akshare does.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ground.settings import REPO_ROOT
from ingestion import fetch_pool
from ingestion.fetching import Fetcher, FetchError, SourceUnavailable, shutdown_workers
from ingestion.registry import Column, Source, get_source, registry
from simulator import Fault, Simulator
from simulator.wire import ENDPOINTS, Endpoint, Request, Response

from .conftest import hgjck_frame

pytestmark = pytest.mark.integration

HGJCK = get_source("macro_china_hgjck")
CUSTOMS_HOST = "datacenter-web.eastmoney.com"
FAKES = "tests.fetch_fakes"


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def fake_source(function: str, hosts: tuple[str, ...] = ("declared.example.cn",)) -> Source:
    """A source served by a stand-in of tests/fetch_fakes.py (one column: the pid that ran it)."""
    return dataclasses.replace(
        HGJCK, name=f"src_{function}", function=function, hosts=hosts, columns=(Column(type="int", name="pid"),)
    )


def fake_fetcher(**settings: float) -> Fetcher:
    options: dict = {"module": FAKES, "deadline_seconds": 5.0, "max_attempts": 1, "min_interval_seconds": 0.0}
    return Fetcher(**(options | settings))


def customs_fetcher(**settings: float) -> Fetcher:
    options: dict = {"deadline_seconds": 2.0, "max_attempts": 1, "min_interval_seconds": 0.0, "backoff_base": 0.0}
    return Fetcher(**(options | settings))


def serve_customs(upstream: Simulator, months: int = 24) -> None:
    names = [f"{2021 + i // 12}-{i % 12 + 1:02d}" for i in range(months)]
    upstream.dataset.put("macro_china_hgjck", hgjck_frame(names, [1.0e8] * months, [2.0e8] * months, [3.0] * months))


def call_threads() -> set[threading.Thread]:
    """This process's threads, less the simulator's own (its server and request handlers)."""
    return {
        t
        for t in threading.enumerate()
        if t.name != "upstream-simulator" and "process_request_thread" not in t.name and t.is_alive()
    }


def timed(func) -> tuple[BaseException | None, float]:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    try:
        func()
    except BaseException as exc:
        return exc, time.monotonic() - started
    return None, time.monotonic() - started


def pool_records_since(count: int) -> list[fetch_pool.WorkerRecord]:
    return list(fetch_pool.worker_pool().history)[count:]


@pytest.fixture(autouse=True)
def _direct(monkeypatch: pytest.MonkeyPatch) -> None:
    """Local servers must be reached directly, whatever proxy the machine has."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture(scope="module", autouse=True)
def _fork_server_running() -> None:
    """The first worker of a process starts the fork server, which imports akshare (seconds): done
    once here, as a process does on its first fetch, so that timings below are of calls alone."""
    fetch_pool.worker_pool().start_worker("").kill("warm-up done")


@pytest.fixture
def test_hosts() -> Iterator[list[str]]:
    """Two hosts the simulator answers for this test only: GET /x answers 'ok'."""
    hosts = ["a.fetch-test.cn", "b.fetch-test.cn"]

    def ok(request: Request, data: object) -> Response:
        return Response.text("ok")

    added = [Endpoint(host, "/x", ok) for host in hosts]
    ENDPOINTS.extend(added)
    try:
        yield hosts
    finally:
        for endpoint in added:
            ENDPOINTS.remove(endpoint)


# -------------------------------------------------------------------------------- the worker


def test_calls_run_in_a_reused_worker_process(upstream: Simulator, test_hosts: list[str]) -> None:
    fetcher = fake_fetcher()
    source = fake_source("get", (test_hosts[0],))
    first = fetcher.fetch(source, {"url": f"https://{test_hosts[0]}/x"})
    second = fetcher.fetch(source, {"url": f"https://{test_hosts[0]}/x"})
    pid = int(first["pid"].iloc[0])
    assert pid != os.getpid(), "the call ran in the calling process"
    assert int(second["pid"].iloc[0]) == pid, "the worker was not reused"
    assert pid in fetch_pool.worker_pool().idle_pids()
    assert [r.host for r in upstream.requests()] == [test_hosts[0]] * 2, "the worker's requests reach the simulator"


def test_an_akshare_function_runs_over_the_simulator_in_a_worker(upstream: Simulator) -> None:
    serve_customs(upstream)
    frame = customs_fetcher().fetch(HGJCK, {})
    assert list(frame.columns) == HGJCK.column_names and len(frame) == 24
    assert {r.host for r in upstream.requests()} == {CUSTOMS_HOST}


def test_parameters_the_function_does_not_take_are_rejected_in_the_worker() -> None:
    with pytest.raises(FetchError, match="do not fit the function's signature") as caught:
        fake_fetcher().fetch(fake_source("get"), {"symbol": "x"})
    assert type(caught.value) is FetchError and caught.value.host == "declared.example.cn"
    with pytest.raises(FetchError, match="cannot load the function"):
        fake_fetcher().fetch(fake_source("no_such_function"), {})


# -------------------------------------------------------------------------------- deadlines


def _assert_abandoned(err: BaseException | None, elapsed: float, deadline: float, before: set) -> None:
    assert isinstance(err, SourceUnavailable), f"expected SourceUnavailable, got {err!r}"
    assert elapsed < deadline + 1.0, f"the call took {elapsed:.2f} s with a {deadline:g} s deadline"
    assert call_threads() <= before, f"threads left running: {call_threads() - before}"
    assert fetch_pool.worker_pool().busy_pids() == [], "a worker still runs the call"


def test_a_silent_server_is_abandoned_within_the_deadline(upstream: Simulator) -> None:
    serve_customs(upstream)
    upstream.inject(Fault("silent", host=CUSTOMS_HOST))
    before = call_threads()
    err, elapsed = timed(lambda: customs_fetcher(deadline_seconds=2.0).fetch(HGJCK, {}))
    print(f"silent server: abandoned after {elapsed:.2f} s (deadline 2 s)")
    _assert_abandoned(err, elapsed, 2.0, before)
    assert isinstance(err, SourceUnavailable)
    assert err.host == CUSTOMS_HOST and "2 s deadline" in str(err) and "macro_china_hgjck()" in str(err)
    asked = len(upstream.requests())
    time.sleep(1.0)
    assert len(upstream.requests()) == asked, "the abandoned call kept sending requests"


def test_a_trickling_server_is_abandoned_and_its_worker_killed(upstream: Simulator) -> None:
    """Every chunk arrives within the read timeout, so only killing the worker ends the call."""
    serve_customs(upstream)
    upstream.inject(Fault("trickle", host=CUSTOMS_HOST, chunk=8, seconds=0.2))
    history = len(fetch_pool.worker_pool().history)
    before = call_threads()
    err, elapsed = timed(lambda: customs_fetcher(deadline_seconds=2.0).fetch(HGJCK, {}))
    print(f"trickling server: abandoned after {elapsed:.2f} s (deadline 2 s)")
    _assert_abandoned(err, elapsed, 2.0, before)
    assert f"a request to {CUSTOMS_HOST} was in flight" in str(err) and "worker process killed" in str(err)
    killed = [r for r in pool_records_since(history) if r.ended == "killed at the deadline"]
    assert len(killed) == 1 and not alive(killed[0].pid), "the worker of the abandoned call is still running"


def test_a_server_slower_than_akshares_own_15_s_timeout_is_abandoned(
    upstream: Simulator, test_hosts: list[str]
) -> None:
    """akshare passes timeout=15 in some functions (fund_etf_hist_em, fund_scale_daily_szse): the
    deadline still holds, and nothing waits out the 15 s."""
    upstream.inject(Fault("slow", host=test_hosts[0], seconds=20))
    before = call_threads()
    source = fake_source("get", (test_hosts[0],))
    err, elapsed = timed(
        lambda: fake_fetcher(deadline_seconds=3.0).fetch(source, {"url": f"https://{test_hosts[0]}/x", "timeout": 15})
    )
    print(f"server slower than 15 s: abandoned after {elapsed:.2f} s (deadline 3 s)")
    _assert_abandoned(err, elapsed, 3.0, before)
    assert isinstance(err, SourceUnavailable) and err.host == test_hosts[0] and "3 s deadline" in str(err)


def test_a_hang_requests_cannot_see_is_abandoned_and_its_worker_killed() -> None:
    """A raw socket read (as in curl_cffi) ignores request timeouts: killing the worker ends it."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        history = len(fetch_pool.worker_pool().history)
        port = server.getsockname()[1]
        before = call_threads()
        err, elapsed = timed(lambda: fake_fetcher(deadline_seconds=1.0).fetch(fake_source("raw_hang"), {"port": port}))
    _assert_abandoned(err, elapsed, 1.0, before)
    assert "1 s deadline; the call was abandoned and its worker process killed" in str(err)
    assert err.host == "declared.example.cn", "no request was seen: the registry's host is named"  # type: ignore[union-attr]
    [record] = pool_records_since(history)
    assert record.ended == "killed at the deadline" and not alive(record.pid)


def test_a_worker_whose_call_left_a_thread_running_is_not_reused() -> None:
    fetcher = fake_fetcher()
    first = int(fetcher.fetch(fake_source("leave_thread"), {"seconds": 60})["pid"].iloc[0])
    assert not alive(first), "the worker kept running a thread of a finished call"
    second = int(fetcher.fetch(fake_source("compute"), {"seconds": 0})["pid"].iloc[0])
    assert second != first


def test_no_retry_overlaps_an_earlier_attempt(upstream: Simulator) -> None:
    serve_customs(upstream)
    upstream.inject(Fault("trickle", host=CUSTOMS_HOST, chunk=8, seconds=0.2))
    history = len(fetch_pool.worker_pool().history)
    fetcher = customs_fetcher(deadline_seconds=1.0, max_attempts=3, breaker_threshold=5)
    with pytest.raises(SourceUnavailable, match="gave up after 3 attempts"):
        fetcher.fetch(HGJCK, {})
    workers = pool_records_since(history)
    arrivals = [r.at for r in upstream.requests(CUSTOMS_HOST)]
    assert len(workers) == 3 and len(arrivals) == 3, (workers, arrivals)
    for worker, next_request in zip(workers, arrivals[1:], strict=False):
        assert worker.ended_at is not None and worker.ended_at <= next_request, (
            f"attempt worker {worker.pid} was still running when the next attempt's request arrived"
        )
    assert not any(alive(w.pid) for w in workers)


# ---------------------------------------------------------------------------- hosts of requests


def test_a_function_calling_two_hosts_is_throttled_on_both(upstream: Simulator, test_hosts: list[str]) -> None:
    a, b = test_hosts
    source = fake_source("get_each", ("declared.example.cn",))  # the registry's host is not what is throttled
    fetcher = fake_fetcher(min_interval_seconds=0.5)
    urls = [f"https://{a}/x", f"https://{b}/x"]
    fetcher.fetch(source, {"urls": urls})
    fetcher.fetch(source, {"urls": urls})
    on_a, on_b = ([r.at for r in upstream.requests(h)] for h in (a, b))
    assert len(on_a) == len(on_b) == 2
    assert on_a[1] - on_a[0] >= 0.5 - 0.02, f"requests to {a} only {on_a[1] - on_a[0]:.3f} s apart"
    assert on_b[1] - on_b[0] >= 0.5 - 0.02, f"requests to {b} only {on_b[1] - on_b[0]:.3f} s apart"
    assert on_b[0] - on_a[0] < 0.45, "requests to different hosts were spaced as if one host"
    assert set(fetcher.guard.intervals) == set(), "no per-host policy in this test"


def test_waiting_for_a_hosts_turn_does_not_count_against_the_deadline(
    upstream: Simulator, test_hosts: list[str]
) -> None:
    """The deadline bounds the upstream and akshare, not the fetcher's own politeness."""
    a, _ = test_hosts
    fetcher = fake_fetcher(deadline_seconds=1.0, min_interval_seconds=1.5)
    started = time.monotonic()
    fetcher.fetch(fake_source("get_each", (a,)), {"urls": [f"https://{a}/x"] * 2})
    assert time.monotonic() - started >= 1.5
    first, second = (r.at for r in upstream.requests(a))
    assert second - first >= 1.5 - 0.02


def test_the_breaker_keys_on_the_host_that_failed(upstream: Simulator, test_hosts: list[str]) -> None:
    a, b = test_hosts
    upstream.inject(Fault("status", host=b, status=503))
    source = fake_source("get_each", ("declared.example.cn",))
    fetcher = fake_fetcher(breaker_threshold=1, breaker_cooldown_seconds=600)
    urls = [f"https://{a}/x", f"https://{b}/x"]
    with pytest.raises(SourceUnavailable, match=f"HTTP 503.*circuit breaker for {b} is now open") as caught:
        fetcher.fetch(source, {"urls": urls})
    assert caught.value.host == b
    assert fetcher.breaker_open(b) and not fetcher.breaker_open(a) and not fetcher.breaker_open("declared.example.cn")
    served = len(upstream.requests())
    with pytest.raises(SourceUnavailable, match=f"circuit breaker for {b} is open") as refused:
        fetcher.fetch(source, {"urls": urls})
    assert refused.value.host == b
    assert [r.host for r in upstream.requests()[served:]] == [a], f"the request to {b} was sent despite its breaker"


def test_requests_from_other_threads_of_the_call_pass_the_gate_too(upstream: Simulator, test_hosts: list[str]) -> None:
    a, _ = test_hosts
    upstream.inject(Fault("status", host=a, status=503))
    fetcher = fake_fetcher(breaker_threshold=1)
    with pytest.raises(SourceUnavailable, match=f"HTTP 503.*circuit breaker for {a} is now open"):
        fetcher.fetch(fake_source("get_from_a_thread", (a,)), {"url": f"https://{a}/x"})
    assert fetcher.breaker_open(a)


def test_a_host_the_registry_lists_fails_fast_while_its_breaker_is_open(
    upstream: Simulator, test_hosts: list[str]
) -> None:
    a, _ = test_hosts
    upstream.inject(Fault("status", host=a, status=429))
    fetcher = fake_fetcher(breaker_threshold=1)
    source = fake_source("get", (a,))
    with pytest.raises(SourceUnavailable, match="HTTP 429"):
        fetcher.fetch(source, {"url": f"https://{a}/x"})
    history = len(fetch_pool.worker_pool().history)
    served = len(upstream.requests())
    with pytest.raises(SourceUnavailable, match=f"circuit breaker for {a} is open"):
        fetcher.fetch(source, {"url": f"https://{a}/x"})
    assert len(upstream.requests()) == served and len(fetch_pool.worker_pool().history) == history


# -------------------------------------------------------------------------------- clean-up


def test_shutdown_stops_every_worker(upstream: Simulator, test_hosts: list[str]) -> None:
    frame = fake_fetcher().fetch(fake_source("get", (test_hosts[0],)), {"url": f"https://{test_hosts[0]}/x"})
    pid = int(frame["pid"].iloc[0])
    assert alive(pid)
    shutdown_workers()
    assert not alive(pid)
    assert fetch_pool.worker_pool().idle_pids() == []


def test_a_new_upstream_gets_a_fresh_worker(test_hosts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing akshare caches in a worker (lru_cache'd code maps) carries over to another upstream."""
    source = fake_source("get", (test_hosts[0],))
    pids = []
    for _ in range(2):
        with Simulator() as simulator:
            monkeypatch.setenv("WAREHOUSE_UPSTREAM", simulator.url)
            frame = fake_fetcher().fetch(source, {"url": f"https://{test_hosts[0]}/x"})
            pids.append(int(frame["pid"].iloc[0]))
            assert len(simulator.requests()) == 1
    assert pids[0] != pids[1] and not alive(pids[0])


SCRIPT = """
import sys
sys.path.insert(0, {repo!r})
from ingestion.fetching import Fetcher
from tests.test_fetch_workers import fake_source

if __name__ == "__main__":
    frame = Fetcher(module="tests.fetch_fakes", max_attempts=1).fetch(fake_source("compute"), {{"seconds": 0}})
    print(int(frame["pid"].iloc[0]), flush=True)
    sys.stdin.readline()  # the test checks the worker, then lets this process exit (or kills it)
"""


@pytest.mark.parametrize("ending", ["exit", "killed"])
def test_workers_end_with_their_process(tmp_path: Path, ending: str) -> None:
    """At interpreter exit (atexit), and even when the process is killed (the worker's lifeline)."""
    script = tmp_path / "fetch_once.py"
    script.write_text(textwrap.dedent(SCRIPT.format(repo=str(REPO_ROOT))), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    assert process.stdin is not None and process.stdout is not None
    line = process.stdout.readline()
    assert line.strip().isdigit(), f"the script printed {line!r}"
    worker = int(line)
    assert alive(worker)
    if ending == "killed":
        os.kill(process.pid, signal.SIGKILL)
    else:
        process.stdin.write("\n")
        process.stdin.flush()
    assert process.wait(timeout=60) == (-signal.SIGKILL if ending == "killed" else 0)
    deadline = time.monotonic() + 10
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(worker), f"worker {worker} outlived its parent ({ending})"


def test_workers_stop_when_a_dagster_run_ends(test_hosts: list[str], upstream: Simulator) -> None:
    """The resource that hands landing assets the fetcher stops its workers at the run's end."""
    import dagster as dg

    from orchestration.resources import AkshareFetcher

    with dg.build_resources({"akshare": AkshareFetcher()}) as resources:
        assert resources.akshare.fetcher() is resources.akshare.fetcher(), "one fetcher for the whole run"
        frame = fake_fetcher().fetch(fake_source("get", (test_hosts[0],)), {"url": f"https://{test_hosts[0]}/x"})
        pid = int(frame["pid"].iloc[0])
        assert alive(pid)
    assert not alive(pid)


# ------------------------------------------------------------------ the same, with akshare's own code


def simulated(upstream: Simulator, function: str) -> Source:
    """The registered source of ``function``, its upstream filled from the demo snapshot."""
    from ground.settings import DEMO_LANDING
    from simulator.wire import FUNCTIONS

    from .conftest import DEMO_AS_OF
    from .upstream_state import fill_from_landing

    source = next(s for s in registry().values() if s.function == function)
    if function not in FUNCTIONS:
        pytest.skip(f"the simulator does not serve {function} ({', '.join(source.hosts)}) yet")
    fill_from_landing(upstream.dataset, DEMO_LANDING, DEMO_AS_OF, [source.name])
    return source


def test_akshares_own_15_s_timeout_does_not_outlast_the_deadline(upstream: Simulator) -> None:
    """fund_etf_hist_em passes timeout=15 to requests.get; push2his answering after 20 s."""
    source = simulated(upstream, "fund_etf_hist_em")
    params = {**source.call_params()[0], "start_date": "20230410", "end_date": "20230414"}
    upstream.inject(Fault("slow", host="push2his.eastmoney.com", seconds=20))
    before = call_threads()
    err, elapsed = timed(lambda: customs_fetcher(deadline_seconds=3.0).fetch(source, params))
    print(f"akshare's fund_etf_hist_em against a 20 s server: abandoned after {elapsed:.2f} s (deadline 3 s)")
    _assert_abandoned(err, elapsed, 3.0, before)
    assert isinstance(err, SourceUnavailable) and err.host == "push2his.eastmoney.com"


def test_index_zh_a_hist_is_throttled_on_both_hosts_it_calls(upstream: Simulator) -> None:
    """index_zh_a_hist reads Eastmoney's code map from 80.push2 before the bars from push2his. akshare
    caches the map in its process (lru_cache), so the second call runs in a fresh worker to ask again."""
    source = simulated(upstream, "index_zh_a_hist")
    params = {**source.call_params()[0], "start_date": "20230410", "end_date": "20230414"}
    fetcher = customs_fetcher(deadline_seconds=60.0, min_interval_seconds=1.0)
    fetcher.fetch(source, params)
    shutdown_workers()
    fetcher.fetch(source, params)
    code_map, bars = (
        [r.at for r in upstream.requests(host)] for host in ("80.push2.eastmoney.com", "push2his.eastmoney.com")
    )
    assert len(code_map) == len(bars) == 2, (code_map, bars)
    assert code_map[1] - code_map[0] >= 1.0 - 0.02, "the code-map host was not throttled"
    assert bars[1] - bars[0] >= 1.0 - 0.02, "the bars host was not throttled"
    assert bars[0] - code_map[0] < 1.0, "a request to one host waited for another host"
