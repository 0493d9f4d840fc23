"""The fetch policy: retries, throttling, breaker, classification, validation; and call plans.

These tests run fake functions inline (the Fetcher's ``resolve`` hook) with a fake clock: the
policy is the same wherever a call runs. Worker processes, deadlines that kill, and requests
attributed to their real hosts over the simulated upstream are in ``tests/test_fetch_workers.py``.
No test touches the network: the only sockets are local servers on 127.0.0.1.
"""

from __future__ import annotations

import dataclasses
import http.client
import importlib.util
import itertools
import json
import random
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
import requests

from ground.settings import DEMO_LANDING
from ingestion import fetching
from ingestion.fetching import (
    EmptyResult,
    Fetcher,
    FetchError,
    SchemaDrift,
    SourceUnavailable,
    classify,
    default_fetcher,
    reset_default_fetcher,
)
from ingestion.landing import land_frame, list_loads, read_load
from ingestion.plans import planned_calls
from ingestion.registry import RangeParams, Source, get_source
from ingestion.request_gate import install as install_request_gate
from ingestion.trading_calendar import landed_week

from .conftest import REALDATA, hgjck_frame

HGJCK = get_source("macro_china_hgjck")


# ------------------------------------------------------------------------------------- helpers


class FakeClock:
    """A monotonic clock that only moves when someone sleeps (or a test moves it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class RecordingRandom(random.Random):
    """A seeded Random that remembers the bounds of every uniform() draw and what it returned."""

    def __init__(self, seed: int = 7) -> None:
        super().__init__(seed)
        self.draws: list[tuple[float, float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        value = super().uniform(a, b)
        self.draws.append((a, b, value))
        return value


class Counted:
    """A fake akshare function: counts calls, remembers the clock at each call, runs ``body``."""

    def __init__(self, body: Callable[..., Any], clock: FakeClock | None = None) -> None:
        self.body = body
        self.clock = clock
        self.calls = 0
        self.started: list[float] = []

    def __call__(self, symbol: str = "") -> Any:
        self.calls += 1
        if self.clock is not None:
            self.started.append(self.clock())
        return self.body()


def good_frame() -> pd.DataFrame:
    return hgjck_frame(["2023-02", "2023-03"], [2.1e8, 3.1559e8], [1.9e8, 2.274e8], [-6.8, 14.8])


def fake_source(function: str = "fake_fn", host: str = "fake.example.com") -> Source:
    """A registry source with macro_china_hgjck's columns, served by a fake function on a fake host."""
    return dataclasses.replace(HGJCK, name=f"src_{function}", function=function, hosts=(host,))


def make_fetcher(clock: FakeClock | None = None, **overrides: Any) -> Fetcher:
    """A fast Fetcher for tests: fake clock and sleep, no throttling unless asked, resolve must be given."""
    clock = clock or FakeClock()
    settings: dict[str, Any] = {
        "deadline_seconds": 5.0,
        "min_interval_seconds": 0.0,
        "clock": clock,
        "sleep": clock.sleep,
        "rng": RecordingRandom(),
    }
    settings.update(overrides)
    return Fetcher(**settings)


def resolver(**functions: Callable[..., Any]) -> Callable[[str], Callable[..., Any]]:
    namespace = SimpleNamespace(**functions)
    return lambda name: getattr(namespace, name)


def raise_(exc: BaseException) -> Callable[[], Any]:
    def body() -> Any:
        raise exc

    return body


def finishes_within(seconds: float, func: Callable[[], Any]) -> BaseException | None:
    """Run ``func`` in a daemon thread; fail the test (instead of hanging it) if it runs past ``seconds``.

    Returns the exception ``func`` raised (None if it returned).
    """
    box: dict[str, BaseException] = {}

    def run() -> None:
        try:
            func()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"the fetch was still running after {seconds} s: the deadline did not hold")
    return box.get("error")


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Local test servers must be reached directly, whatever proxy the machine has."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never answers; yields its port."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(1)
    for conn in accepted:  # EOF for any abandoned worker still reading
        conn.close()
    server.close()


class _StatusHandler(BaseHTTPRequestHandler):
    """GET /<status> answers with that HTTP status and an HTML error page."""

    def do_GET(self) -> None:
        status = int(self.path.strip("/") or 200)
        body = b"<html><body>busy, try later</body></html>"
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def status_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StatusHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# --------------------------------------------------------------------------------- deadlines


def test_a_request_without_a_timeout_gets_the_time_left_to_the_deadline(silent_server: int) -> None:
    """Even inline, a silent server cannot hold a call past its deadline: the request times out."""
    host = f"127.0.0.1:{silent_server}"

    def fake_hang(symbol: str) -> pd.DataFrame:
        requests.get(f"http://127.0.0.1:{silent_server}/")  # no timeout, like akshare
        return good_frame()

    fetcher = Fetcher(
        deadline_seconds=1.0, max_attempts=1, min_interval_seconds=0, resolve=resolver(fake_hang=fake_hang)
    )
    started = time.monotonic()
    err = finishes_within(3.0, lambda: fetcher.fetch(fake_source("fake_hang", host), {"symbol": "北向资金"}))
    elapsed = time.monotonic() - started
    assert elapsed < 3.0, f"the call took {elapsed:.1f} s despite a 1 s deadline"
    assert isinstance(err, SourceUnavailable), f"expected SourceUnavailable, got {err!r}"
    message = str(err)
    for part in ("fake_hang(", "symbol='北向资金'", host, "1 s deadline"):
        assert part in message, f"{part!r} missing from: {message}"
    assert (err.source, err.function, err.params, err.host) == (
        "src_fake_hang",
        "fake_hang",
        {"symbol": "北向资金"},
        host,
    )


def test_requests_calls_inside_a_fetch_get_a_timeout_and_others_are_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []

    def send(
        self: requests.adapters.HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        seen.append(kwargs.get("timeout"))
        response = requests.Response()
        response.status_code, response._content, response.url, response.request = 200, b"{}", request.url, request
        return response

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)

    def fake_requests() -> pd.DataFrame:
        requests.get("http://fake.example.com/no-timeout")
        requests.get("http://fake.example.com/own-timeout", timeout=7)
        none = (None,) * 7  # params, data, headers, cookies, files, auth, timeout - all positional
        requests.Session().request("GET", "http://fake.example.com/positional", *none)
        return good_frame()

    make_fetcher(deadline_seconds=10.0, resolve=resolver(fake_requests=fake_requests)).fetch(
        fake_source("fake_requests")
    )
    assert 8.0 < seen[0] <= 9.0, f"expected the remaining deadline less a 1 s margin, got {seen[0]}"
    assert seen[1] == 7, "a timeout the caller chose is kept"
    assert 8.0 < seen[2] <= 9.0
    requests.get("http://fake.example.com/outside-a-fetch")
    assert seen[3] is None, "requests made outside a fetch keep their (absent) timeout"


def test_a_timeout_longer_than_the_time_left_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """akshare's own timeout=15 (and a (connect, read) pair) cannot outlast a shorter deadline."""
    seen: list[Any] = []

    def send(self: requests.adapters.HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        seen.append(kwargs.get("timeout"))
        response = requests.Response()
        response.status_code, response._content, response.url, response.request = 200, b"{}", request.url, request
        return response

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)

    def fake_requests() -> pd.DataFrame:
        requests.get("http://fake.example.com/akshare-timeout", timeout=15)
        requests.get("http://fake.example.com/pair", timeout=(3.05, 27))
        return good_frame()

    make_fetcher(deadline_seconds=5.0, resolve=resolver(fake_requests=fake_requests)).fetch(
        fake_source("fake_requests")
    )
    assert 4.0 < seen[0] <= 4.5, f"expected the remaining deadline less a 0.5 s margin, got {seen[0]}"
    connect, read = seen[1]
    assert connect == 3.05 and 4.0 < read <= 4.5


def test_the_request_gate_is_installed_once() -> None:
    install_request_gate()
    wrapped = requests.Session.send
    install_request_gate()
    assert requests.Session.send is wrapped
    assert getattr(wrapped, "_warehouse_request_gate", False)
    assert not getattr(wrapped.__wrapped__, "_warehouse_request_gate", False), "wrapped twice"


def test_importing_the_module_patches_nothing_and_does_not_import_akshare(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load a fresh copy of the fetch modules' code: requests stays unpatched and akshare unimported."""
    original = getattr(requests.Session.send, "__wrapped__", requests.Session.send)
    monkeypatch.setattr(requests.Session, "send", original)
    monkeypatch.setitem(sys.modules, "akshare", None)  # any `import akshare` now raises ImportError
    from ingestion import fetch_pool, fetch_worker, host_guard, request_gate

    module = None
    for code in (request_gate, host_guard, fetch_worker, fetch_pool, fetching):
        spec = importlib.util.spec_from_file_location(f"{code.__name__}_fresh_copy", code.__file__)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, spec.name, module)
        spec.loader.exec_module(module)
        assert requests.Session.send is original, f"requests was patched when {code.__name__} was imported"
    assert module is not None
    module.Fetcher()  # nor does creating a Fetcher patch anything or start a process
    module.Fetcher(resolve=resolver())
    assert requests.Session.send is original, "requests was patched when a Fetcher was created"


# ------------------------------------------------------------------------------------ retries


def test_transient_failures_are_retried_with_growing_jittered_delays() -> None:
    clock = FakeClock()
    outcomes = iter([requests.ConnectionError("reset"), requests.ConnectionError("reset again"), None])

    def body() -> pd.DataFrame:
        exc = next(outcomes)
        if exc is not None:
            raise exc
        return good_frame()

    func = Counted(body, clock)
    rng = RecordingRandom()
    fetcher = make_fetcher(clock, backoff_base=1.0, backoff_max=30.0, rng=rng, resolve=resolver(fake_fn=func))
    frame = fetcher.fetch(fake_source(), {"symbol": "x"})
    assert len(frame) == 2 and func.calls == 3
    assert [(a, b) for a, b, _ in rng.draws] == [(0.0, 1.0), (0.0, 2.0)], "full jitter over [0, base * 2**n]"
    assert clock.sleeps == [value for _, _, value in rng.draws], "the fetcher sleeps exactly the drawn delays"
    assert all(0 <= value <= b for _, b, value in rng.draws)
    assert [round(t - func.started[0], 9) for t in func.started] == [0.0, *[round(s, 9) for s in _cumsum(clock.sleeps)]]


def _cumsum(values: list[float]) -> list[float]:
    total, result = 0.0, []
    for value in values:
        total += value
        result.append(total)
    return result


def test_backoff_grows_exponentially_up_to_the_cap_and_is_jittered() -> None:
    rng = RecordingRandom(seed=3)
    fetcher = make_fetcher(backoff_base=1.0, backoff_max=10.0, rng=rng, resolve=resolver())
    delays = [fetcher.backoff_delay(attempt) for attempt in range(1, 8)]
    assert [b for _, b, _ in rng.draws] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert all(0.0 <= d <= b for d, (_, b, _) in zip(delays, rng.draws, strict=True))
    assert len({round(d / b, 6) for d, (_, b, _) in zip(delays, rng.draws, strict=True)}) > 1, "no jitter"


def test_a_call_that_keeps_failing_gives_up_after_max_attempts() -> None:
    func = Counted(raise_(requests.ConnectionError("Connection refused")))
    fetcher = make_fetcher(max_attempts=3, breaker_threshold=10, resolve=resolver(fake_fn=func))
    with pytest.raises(SourceUnavailable) as caught:
        fetcher.fetch(fake_source(), {"symbol": "x"})
    assert func.calls == 3 and caught.value.attempts == 3
    assert "gave up after 3 attempts" in str(caught.value) and "Connection refused" in str(caught.value)
    assert isinstance(caught.value.__cause__, requests.ConnectionError)


def test_an_http_error_page_is_unavailable_not_drift(status_server: str) -> None:
    """akshare parses a 503 page as JSON and fails: that is the host failing, so it is retried."""

    def fake_fn(symbol: str = "") -> pd.DataFrame:
        return pd.DataFrame(requests.get(f"{status_server}/503").json()["result"])

    func = Counted(lambda: fake_fn())
    fetcher = make_fetcher(max_attempts=2, breaker_threshold=10, resolve=resolver(fake_fn=func))
    with pytest.raises(SourceUnavailable, match=r"HTTP 503, and the answer could not be parsed"):
        fetcher.fetch(fake_source())
    assert func.calls == 2


def test_an_http_404_is_not_retried(status_server: str) -> None:
    func = Counted(lambda: requests.get(f"{status_server}/404").raise_for_status())
    fetcher = make_fetcher(resolve=resolver(fake_fn=func))
    with pytest.raises(FetchError, match=r"HTTP 404") as caught:
        fetcher.fetch(fake_source())
    assert type(caught.value) is FetchError and func.calls == 1


def _http_error(status: int) -> requests.HTTPError:
    response = requests.Response()
    response.status_code = status
    return requests.HTTPError(f"{status} error", response=response)


AKSHARE_API_ERROR = type("APIError", (Exception,), {"__module__": "akshare.exceptions"})
AKSHARE_PARSING_ERROR = type("DataParsingError", (Exception,), {"__module__": "akshare.exceptions"})


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (requests.ConnectionError("RemoteDisconnected"), SourceUnavailable),
        (requests.ReadTimeout("read timed out"), SourceUnavailable),
        (requests.exceptions.ChunkedEncodingError("broken"), SourceUnavailable),
        (http.client.RemoteDisconnected("closed"), SourceUnavailable),
        (http.client.IncompleteRead(b""), SourceUnavailable),
        (_http_error(403), SourceUnavailable),
        (_http_error(429), SourceUnavailable),
        (_http_error(502), SourceUnavailable),
        (AKSHARE_API_ERROR("403 from legulegu"), SourceUnavailable),
        (KeyError("result"), SchemaDrift),
        (requests.exceptions.JSONDecodeError("Expecting value", "<html>", 0), SchemaDrift),
        (ValueError("Length mismatch: Expected axis has 13 elements, new values have 12 elements"), SchemaDrift),
        (AttributeError("'NoneType' object has no attribute 'attrs'"), SchemaDrift),
        (TypeError("'NoneType' object is not subscriptable"), SchemaDrift),
        (AKSHARE_PARSING_ERROR("no _csrf"), SchemaDrift),
        (requests.exceptions.MissingSchema("no scheme"), FetchError),
        (ZeroDivisionError("division by zero"), FetchError),
    ],
)
def test_classify(exc: Exception, expected: type[FetchError]) -> None:
    cls, reason = classify(exc, [])
    assert cls is expected, f"{exc!r} classified as {cls.__name__}: {reason}"
    assert type(exc).__name__ in reason


# ---------------------------------------------------------------------------------- throttling


class FakeWeb:
    """Every requests call answers 200 at once (or after ``duration`` s of the fake clock); each
    request's host and the fake clock when it was sent are recorded."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.sent: list[tuple[str, float]] = []
        self.duration = 0.0

    def send(self, adapter: Any, request: requests.PreparedRequest) -> requests.Response:
        self.sent.append((request.url.split("/")[2], self.clock()))  # type: ignore[union-attr]
        self.clock.now += self.duration
        response = requests.Response()
        response.status_code, response._content, response.url, response.request = 200, b"{}", request.url, request
        return response

    def starts(self, host: str) -> list[float]:
        return [at for h, at in self.sent if h == host]


@pytest.fixture
def fake_web(monkeypatch: pytest.MonkeyPatch) -> FakeWeb:
    web = FakeWeb(FakeClock())
    monkeypatch.setattr(
        requests.adapters.HTTPAdapter, "send", lambda adapter, request, **kw: web.send(adapter, request)
    )
    return web


def requesting(*urls: str) -> Callable[..., pd.DataFrame]:
    def fake(symbol: str = "") -> pd.DataFrame:
        for url in urls:
            requests.get(url)
        return good_frame()

    return fake


def test_requests_to_one_host_are_spaced_and_other_hosts_are_not(fake_web: FakeWeb) -> None:
    clock = fake_web.clock
    fetcher = make_fetcher(
        clock,
        min_interval_seconds=1.5,
        resolve=resolver(same_fn=requesting("https://a.example.com/1"), other_fn=requesting("https://b.example.com/1")),
    )
    a = fake_source("same_fn", "a.example.com")
    b = fake_source("other_fn", "b.example.com")
    fetcher.fetch(a, {"symbol": "1"})
    fetcher.fetch(b, {"symbol": "1"})  # another host: no wait
    assert clock.sleeps == []
    fetcher.fetch(a, {"symbol": "2"})  # same host: waits the interval
    assert clock.sleeps == [1.5]
    assert fake_web.starts("a.example.com") == [1000.0, 1001.5]
    fetcher.fetch(b, {"symbol": "2"})  # b's last request was 1.5 s ago: no wait
    assert clock.sleeps == [1.5]


def test_the_interval_counts_from_the_end_of_a_slow_request(fake_web: FakeWeb) -> None:
    fake_web.duration = 2.0  # every request takes 2 s
    fetcher = make_fetcher(
        fake_web.clock, min_interval_seconds=1.5, resolve=resolver(fake_fn=requesting("https://fake.example.com/"))
    )
    fetcher.fetch(fake_source())
    fetcher.fetch(fake_source())
    first, second = fake_web.starts("fake.example.com")
    assert second - first == pytest.approx(3.5)


def test_each_request_is_throttled_on_its_own_host_not_the_declared_one(fake_web: FakeWeb) -> None:
    """A function whose data comes from two hosts (e.g. a code map, then the series): both are throttled."""
    two_hosts = requesting("https://map.example.com/codes", "https://data.example.com/series")
    fetcher = make_fetcher(
        fake_web.clock,
        min_interval_seconds=1.0,
        host_intervals={"data.example.com": 4.0},
        resolve=resolver(fake_fn=two_hosts),
    )
    source = fake_source("fake_fn", "declared.example.com")
    fetcher.fetch(source)
    fetcher.fetch(source)
    assert [h for h, _ in fake_web.sent] == ["map.example.com", "data.example.com"] * 2
    maps, data = fake_web.starts("map.example.com"), fake_web.starts("data.example.com")
    assert maps[1] - maps[0] >= 1.0, "the code-map host was not throttled"
    assert data[1] - data[0] == pytest.approx(4.0), "the data host's own interval was not applied"
    assert data[0] == maps[0], "different hosts wait for nobody"


def test_a_host_policy_in_the_registry_names_a_host_some_source_calls(tmp_path: Path) -> None:
    from ingestion.registry import RegistryError, load_host_policies

    text = (Path(fetching.__file__).parent / "sources.yml").read_text(encoding="utf-8")
    bad = tmp_path / "sources.yml"
    bad.write_text(text.replace("  www.swsresearch.com:\n", "  www.swsresearch.con:\n", 1), encoding="utf-8")
    with pytest.raises(RegistryError, match=r"www\.swsresearch\.con is called by no source"):
        load_host_policies(bad)


# ------------------------------------------------------------------------------ circuit breaker


def test_the_breaker_opens_fails_fast_and_half_opens_after_the_cooldown() -> None:
    clock = FakeClock()
    healthy = {"up": False}

    def body() -> pd.DataFrame:
        if not healthy["up"]:
            raise requests.ConnectionError("Connection refused")
        return good_frame()

    func = Counted(body, clock)
    fetcher = make_fetcher(
        clock, max_attempts=1, breaker_threshold=3, breaker_cooldown_seconds=600, resolve=resolver(fake_fn=func)
    )
    source = fake_source()
    for _ in range(3):
        with pytest.raises(SourceUnavailable, match="Connection refused"):
            fetcher.fetch(source)
    assert func.calls == 3 and fetcher.breaker_open(source.host)

    with pytest.raises(SourceUnavailable, match=r"circuit breaker for fake.example.com is open .* half-opens in 600 s"):
        fetcher.fetch(source)
    assert func.calls == 3, "an open breaker must not call the upstream"

    clock.now += 599
    with pytest.raises(SourceUnavailable, match=r"half-opens in 1 s"):
        fetcher.fetch(source)
    assert func.calls == 3

    clock.now += 1  # cooldown over: one trial call
    healthy["up"] = True
    assert len(fetcher.fetch(source)) == 2
    assert func.calls == 4 and not fetcher.breaker_open(source.host)


def test_a_failed_trial_call_reopens_the_breaker_at_once() -> None:
    clock = FakeClock()
    func = Counted(raise_(requests.ConnectionError("Connection refused")), clock)
    fetcher = make_fetcher(
        clock, max_attempts=1, breaker_threshold=2, breaker_cooldown_seconds=60, resolve=resolver(fake_fn=func)
    )
    source = fake_source()
    for _ in range(2):
        with pytest.raises(SourceUnavailable):
            fetcher.fetch(source)
    clock.now += 60
    with pytest.raises(SourceUnavailable, match="now open"):
        fetcher.fetch(source)  # the trial call fails
    assert func.calls == 3
    with pytest.raises(SourceUnavailable, match="circuit breaker"):
        fetcher.fetch(source)
    assert func.calls == 3


def test_the_breaker_stops_retries_and_spares_other_hosts() -> None:
    clock = FakeClock()
    down = Counted(raise_(requests.ConnectionError("Connection refused")), clock)
    up = Counted(good_frame, clock)
    fetcher = make_fetcher(clock, max_attempts=4, breaker_threshold=3, resolve=resolver(down_fn=down, up_fn=up))
    with pytest.raises(SourceUnavailable, match=r"circuit breaker for a.example.com is now open") as caught:
        fetcher.fetch(fake_source("down_fn", "a.example.com"))
    assert down.calls == 3 and caught.value.attempts == 3
    assert len(fetcher.fetch(fake_source("up_fn", "b.example.com"))) == 2


# ------------------------------------------------------------------------- drift and empty results


def _length_mismatch() -> pd.DataFrame:
    frame = pd.DataFrame([[1, 2]])
    frame.columns = ["a", "b", "c"]  # akshare assigns columns by position
    return frame


def _attribute_error() -> pd.DataFrame:
    soup = None
    return soup.attrs  # type: ignore[attr-defined]  # a 403 page parsed as HTML


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        (raise_(KeyError("result")), "KeyError: 'result'"),
        (lambda: json.loads("<html>blocked</html>"), "JSONDecodeError"),
        (_length_mismatch, "ValueError: Length mismatch"),
        (_attribute_error, "AttributeError"),
    ],
    ids=["KeyError", "JSONDecodeError", "LengthMismatch", "AttributeError"],
)
def test_errors_raised_inside_the_function_are_schema_drift_and_not_retried(
    body: Callable[[], Any], cause: str
) -> None:
    clock = FakeClock()
    func = Counted(body, clock)
    fetcher = make_fetcher(clock, breaker_threshold=1, resolve=resolver(fake_fn=func))
    with pytest.raises(SchemaDrift) as caught:
        fetcher.fetch(fake_source(), {"symbol": "沪股通"})
    assert func.calls == 1 and clock.sleeps == []
    assert cause in str(caught.value) and "symbol='沪股通'" in str(caught.value)
    assert not fetcher.breaker_open("fake.example.com"), "drift is not the host failing"


@pytest.mark.parametrize(
    ("frame", "problems"),
    [
        (
            good_frame().rename(columns={"当月出口额-金额": "当月出口额"}),
            ["missing column 当月出口额-金额", "'当月出口额'"],
        ),
        (good_frame().drop(columns=["累计进口额-同比增长"]), ["missing column 累计进口额-同比增长"]),
    ],
    ids=["renamed", "missing"],
)
def test_columns_that_differ_from_the_registry_are_schema_drift(frame: pd.DataFrame, problems: list[str]) -> None:
    func = Counted(lambda: frame)
    fetcher = make_fetcher(resolve=resolver(fake_fn=func))
    with pytest.raises(SchemaDrift, match="columns differ from the registry") as caught:
        fetcher.fetch(fake_source())
    assert func.calls == 1
    for problem in problems:
        assert problem in str(caught.value)


@pytest.mark.parametrize(
    "value", [pd.DataFrame(columns=HGJCK.column_names), pd.DataFrame(), None], ids=["headers", "bare", "None"]
)
def test_an_empty_result_is_an_error_and_not_retried(value: pd.DataFrame | None) -> None:
    clock = FakeClock()
    func = Counted(lambda: value, clock)
    fetcher = make_fetcher(clock, resolve=resolver(fake_fn=func))
    with pytest.raises(EmptyResult, match="where data is expected"):
        fetcher.fetch(fake_source(), {"symbol": "x"})
    assert func.calls == 1 and clock.sleeps == []


def test_parameters_the_function_does_not_take_fail_before_any_call() -> None:
    func = Counted(good_frame)
    fetcher = make_fetcher(resolve=resolver(fake_fn=func))
    with pytest.raises(FetchError, match="do not fit the function's signature"):
        fetcher.fetch(fake_source(), {"indicator": "产量"})
    assert func.calls == 0


def test_an_unknown_function_is_named() -> None:
    fetcher = make_fetcher(resolve=resolver())
    with pytest.raises(FetchError, match=r"no_such_fn\(\) from fake.example.com .*cannot load the function"):
        fetcher.fetch(fake_source("no_such_fn"))


# ----------------------------------------------------------------------------- shared fetcher


def test_the_default_fetcher_is_shared_and_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WAREHOUSE_FETCH_DEADLINE_SECONDS", "12.5")
    monkeypatch.setenv("WAREHOUSE_FETCH_MIN_INTERVAL_SECONDS", "3")
    monkeypatch.setenv("WAREHOUSE_FETCH_MAX_ATTEMPTS", "2")
    reset_default_fetcher()
    try:
        fetcher = default_fetcher()
        assert default_fetcher() is fetcher
        assert (fetcher.deadline_seconds, fetcher.min_interval_seconds, fetcher.max_attempts) == (12.5, 3.0, 2)
        assert (fetcher.breaker_threshold, fetcher.breaker_cooldown_seconds) == (3, 600.0)
        assert fetcher.runs_in_workers and fetcher.module == "akshare"
        assert fetcher.guard.intervals == {}, "WAREHOUSE_FETCH_MIN_INTERVAL_SECONDS applies to every host"
        monkeypatch.delenv("WAREHOUSE_FETCH_MIN_INTERVAL_SECONDS")
        reset_default_fetcher()
        polite = default_fetcher()
        assert polite.guard.interval("www.swsresearch.com") == 3.0, "the registry's per-host interval"
        assert polite.guard.interval("datacenter-web.eastmoney.com") == 1.5
        monkeypatch.setenv("WAREHOUSE_FETCH_MAX_ATTEMPTS", "many")
        reset_default_fetcher()
        with pytest.raises(ValueError, match="WAREHOUSE_FETCH_MAX_ATTEMPTS"):
            default_fetcher()
    finally:
        reset_default_fetcher()


# ------------------------------------------------------------------------- a real recorded frame


def test_a_recorded_frame_is_fetched_validated_and_landed(tmp_path: Path) -> None:
    path = REALDATA / "trade" / "macro_china_hgjck.csv"
    if not path.exists():
        pytest.skip(f"recorded data {path} is absent (/work/shared/realdata not mounted)")
    recorded = pd.read_csv(path)
    fetcher = make_fetcher(resolve=resolver(macro_china_hgjck=lambda: recorded.copy()))
    frame = fetcher.fetch(HGJCK, {})
    assert list(frame.columns) == HGJCK.column_names
    result = land_frame(HGJCK, frame, {}, origin="akshare", root=tmp_path)
    assert result.created
    [load] = list_loads(tmp_path, HGJCK.name)
    back = read_load(load)
    assert load.rows == len(recorded) > 50
    assert list(back.columns) == HGJCK.column_names
    pd.testing.assert_frame_equal(back, recorded, check_dtype=False)
    assert load.period_max >= "2023-03-01" and load.period_min <= "2018-01-01"  # the report week's months


# ------------------------------------------------------------------------------------ call plans

W15 = landed_week("2023-W15", DEMO_LANDING)  # 10 to 14 April
W14 = landed_week("2023-W14", DEMO_LANDING)  # 3, 4, 6, 7 April (5 April: Qingming)


def test_per_date_makes_one_call_per_trading_day_of_the_week() -> None:
    source = get_source("stock_margin_szse")
    assert planned_calls(source, W14, today=date(2023, 5, 1)) == [
        {"date": "20230403"},
        {"date": "20230404"},
        {"date": "20230406"},
        {"date": "20230407"},
    ]
    # margin data of a day is published the next morning (lag_days: 1): not asked for before
    assert planned_calls(source, W15, today=date(2023, 4, 12)) == [{"date": "20230410"}, {"date": "20230411"}]
    assert planned_calls(source, None, today=date(2023, 4, 12)) == [{"date": "20230411"}]
    same_day = get_source("stock_szse_summary")  # lag_days: 0
    assert planned_calls(same_day, W15, today=date(2023, 4, 12))[-1] == {"date": "20230412"}
    assert planned_calls(same_day, None, today=date(2023, 4, 12)) == [{"date": "20230412"}]


def test_per_week_calls_on_the_last_trading_day_once_it_has_come() -> None:
    source = get_source("index_analysis_weekly_sw")
    assert planned_calls(source, W15, today=date(2023, 4, 14)) == [{"symbol": "一级行业", "date": "20230414"}]
    assert planned_calls(source, W15, today=date(2023, 4, 13)) == []


def _days(value: str) -> date:
    return date(int(value[:4]), int(value[4:6]), int(value[6:]))


@pytest.mark.parametrize("max_days", [1, 5, 31, 3660])
def test_per_range_chunks_cover_the_window_without_exceeding_max_days(max_days: int) -> None:
    base = get_source("fund_scale_daily_szse")
    source = dataclasses.replace(base, range_params=RangeParams("start_date", "end_date", "%Y%m%d", max_days))
    calls = planned_calls(source, W15, today=date(2023, 4, 20))
    assert all(call["symbol"] == "ETF" for call in calls)
    spans = [(_days(c["start_date"]), _days(c["end_date"])) for c in calls]
    assert spans[0][0] == W15.start - timedelta(days=7) and spans[-1][1] == W15.end
    assert all((end - start).days + 1 <= max_days for start, end in spans)
    assert all(nxt[0] == prev[1] + timedelta(days=1) for prev, nxt in itertools.pairwise(spans)), "gap or overlap"
    assert len(calls) == -(-14 // max_days)


def test_per_range_stops_at_today_and_repeats_for_each_parameter_set() -> None:
    source = get_source("fund_etf_hist_em")
    calls = planned_calls(source, W15, today=date(2023, 4, 12))
    assert len(calls) == len(source.param_sets)
    assert calls[0] == {
        "period": "daily",
        "adjust": "",
        "symbol": "510300",
        "start_date": "20230403",
        "end_date": "20230412",
    }


def test_once_makes_one_call_per_parameter_set() -> None:
    assert planned_calls(get_source("macro_china_hgjck"), W15) == [{}]
    cpca = get_source("car_market_total_cpca")
    calls = planned_calls(cpca, W15)
    assert calls == [dict(p) for p in cpca.param_sets] and len(calls) == 8
    assert planned_calls(get_source("car_market_fuel_cpca"), None) == [{"symbol": "整体市场"}]
