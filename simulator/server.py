"""The simulator's HTTP server: dispatches each request to its host module's endpoint."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from simulator import hosts
from simulator.dataset import Dataset
from simulator.faults import Fault, FaultPlan
from simulator.wire import ENDPOINTS, NotFound, Request, Response

log = logging.getLogger(__name__)

HOST_HEADER = "X-Upstream-Host"
ERROR_PAGE = "<html><head><title>{status}</title></head><body><center><h1>{status}</h1></center></body></html>"


@dataclass(frozen=True)
class Served:
    """One request the simulator answered (for tests to assert on)."""

    at: float  # time.monotonic() when it arrived
    method: str
    host: str
    path: str
    query: dict[str, str]
    status: int | None  # None: no answer (silent or reset)
    fault: str | None


def answer(request: Request, dataset: Dataset) -> Response:
    """The normal answer of the simulated host (no faults)."""
    for candidate in ENDPOINTS:
        if candidate.accepts(request):
            try:
                return candidate.handler(request, dataset)
            except NotFound as exc:
                return Response(404, f"not found: {exc}".encode(), {"Content-Type": "text/plain; charset=utf-8"})
    known = sorted({e.host for e in ENDPOINTS})
    message = (
        f"the simulator has no endpoint for {request.method} {request.host}{request.path}; simulated hosts: {known}"
    )
    return Response(502, message.encode("utf-8"), {"Content-Type": "text/plain; charset=utf-8"})


class Simulator:
    """A simulated upstream on 127.0.0.1, serving ``dataset`` through the hosts' wire formats.

    Use as a context manager (or call :meth:`start` and :meth:`stop`); :attr:`url` is what
    ``WAREHOUSE_UPSTREAM`` (and :func:`simulator.routing.install`) take.
    """

    def __init__(self, dataset: Dataset | None = None) -> None:
        hosts.load_all()
        self.dataset = dataset or Dataset()
        self.faults = FaultPlan()
        self.log: list[Served] = []
        self._log_lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the simulator is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Simulator:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="upstream-simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases silent answers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ faults and log

    def inject(self, fault: Fault) -> Fault:
        """Apply ``fault`` to matching requests from now on (see :class:`~simulator.faults.Fault`)."""
        return self.faults.add(fault)

    @contextmanager
    def fault(self, fault: Fault) -> Iterator[Fault]:
        """``fault`` in force inside the block only."""
        self.faults.add(fault)
        try:
            yield fault
        finally:
            self.faults.clear()

    def requests(self, host: str | None = None) -> list[Served]:
        with self._log_lock:
            return [entry for entry in self.log if host is None or entry.host == host]

    def _record(self, entry: Served) -> None:
        with self._log_lock:
            self.log.append(entry)


def _handler_class(simulator: Simulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection: nothing to keep alive
        server_version = "nginx"
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:  # quiet: tests read simulator.log
            log.debug("simulator: " + format, *args)

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def do_HEAD(self) -> None:
            self._serve()

        def _serve(self) -> None:
            split = urlsplit(self.path)
            host = self.headers.get(HOST_HEADER) or (self.headers.get("Host") or "").split(":")[0]
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(
                method=self.command,
                host=host,
                path=split.path,
                query=dict(parse_qsl(split.query, keep_blank_values=True)),
                headers={k: v for k, v in self.headers.items()},
                body=body,
            )
            fault = simulator.faults.take(request)
            self._request, self._fault, self._recorded = request, fault, False
            try:
                self._respond(request, fault)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its deadline passed): fine
            except Exception:
                log.error("simulator endpoint failed for %s%s:\n%s", host, split.path, traceback.format_exc())
                if not self._recorded:
                    self._send(Response(500, traceback.format_exc().encode()))

        def _record(self, status: int | None) -> None:
            """Log the request before its answer leaves, so a client that has the answer sees it logged."""
            if self._recorded:
                return
            self._recorded = True
            request, fault = self._request, self._fault
            simulator._record(
                Served(
                    time.monotonic(),
                    request.method,
                    request.host,
                    request.path,
                    dict(request.query),
                    status,
                    fault.kind if fault else None,
                )
            )

        def _respond(self, request: Request, fault: Fault | None) -> int | None:
            if fault is not None:
                if fault.kind == "status":
                    page = ERROR_PAGE.format(status=fault.status).encode()
                    return self._send(Response(fault.status, page, {"Content-Type": "text/html"}))
                if fault.kind == "silent":
                    self._record(None)
                    simulator._stopping.wait()
                    return None
                if fault.kind == "reset":
                    self._record(None)
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                if fault.kind == "garbage":
                    return self._send(
                        Response(200, b"<html>\x00\xff not what you expected", {"Content-Type": "text/html"})
                    )
                if fault.kind == "slow" and simulator._stopping.wait(fault.seconds):
                    self._record(None)
                    return None
            response = answer(request, simulator.dataset)
            if fault is not None and fault.kind == "trickle":
                return self._send(response, chunk=fault.chunk, pause=fault.seconds)
            return self._send(response)

        def _send(self, response: Response, chunk: int | None = None, pause: float = 0.0) -> int:
            self._record(response.status)
            self.send_response(response.status)
            headers = {"Content-Type": "text/plain; charset=utf-8", **response.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command == "HEAD":
                return response.status
            if chunk is None:
                self.wfile.write(response.body)
            else:
                for start in range(0, len(response.body), chunk):
                    self.wfile.write(response.body[start : start + chunk])
                    self.wfile.flush()
                    if simulator._stopping.wait(pause):
                        break
            return response.status

    return Handler
