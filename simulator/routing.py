"""Send every request made through ``requests`` to a simulated upstream instead of the internet.

:func:`install` patches ``requests.adapters.HTTPAdapter.send`` (every session, including the
ones akshare creates per call, sends through an HTTPAdapter). A request for
``https://host/path?query`` goes to ``<base>/path?query`` with ``X-Upstream-Host: host``; the
response keeps the original URL, and cookies are stored for the original host, so code that
reads ``r.url`` or relies on a session's cookies behaves as against the real host. Requests to
the simulator itself (and to loopback addresses) pass through unchanged.

Only ``requests`` is routed: code that opens sockets another way (``urllib``, ``curl_cffi``)
is not, and fails against the closed network, which a test then shows.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from simulator.server import HOST_HEADER

_LOCAL = frozenset({"127.0.0.1", "localhost", "::1"})
_lock = threading.Lock()
_original_send = HTTPAdapter.send
_base: str | None = None


def _routed_send(self: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
    base = _base
    split = urlsplit(request.url or "")
    if base is None or (split.hostname or "") in _LOCAL:
        return _original_send(self, request, *args, **kwargs)
    target = urlsplit(base)
    routed = request.copy()
    routed.url = urlunsplit((target.scheme, target.netloc, split.path or "/", split.query, ""))
    routed.headers[HOST_HEADER] = split.hostname or ""
    response = _original_send(self, routed, *args, **kwargs)
    response.url = request.url or ""
    response.request = request
    return response


def install(base_url: str) -> None:
    """Route every ``requests`` call of this process to the simulator at ``base_url``."""
    global _base
    with _lock:
        _base = base_url.rstrip("/")
        HTTPAdapter.send = _routed_send  # type: ignore[method-assign]


def uninstall() -> None:
    global _base
    with _lock:
        _base = None
        HTTPAdapter.send = _original_send  # type: ignore[method-assign]


def installed() -> str | None:
    """The simulator URL requests are routed to, or None."""
    return _base
