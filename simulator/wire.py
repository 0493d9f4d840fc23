"""The vocabulary of host modules: requests, responses, endpoints and the functions they serve.

A host module (one per upstream host, under :mod:`simulator.hosts`) declares

* the akshare functions whose data it serves, with :func:`serves` (which akshare parameters
  select a table of the :class:`~simulator.dataset.Dataset`), and
* its endpoints, with :func:`endpoint`: a handler for requests to that host and path (and,
  optionally, a predicate on the query) that encodes dataset tables the way the real host does.

A handler raises :class:`NotFound` when the dataset holds nothing for the request; the server
answers it the way the real host answers an unknown query (by default an HTTP 404).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from simulator.dataset import Dataset


@dataclass(frozen=True)
class Request:
    """One request as the upstream host would see it."""

    method: str
    host: str  # the original host, e.g. "datacenter-web.eastmoney.com"
    path: str  # e.g. "/api/data/v1/get"
    query: Mapping[str, str]  # last value wins, as most servers read it
    headers: Mapping[str, str]
    body: bytes = b""

    @property
    def form(self) -> dict[str, str]:
        """The body parsed as application/x-www-form-urlencoded."""
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def param(self, name: str, default: str | None = None) -> str | None:
        """A parameter from the query string, else from a form body."""
        if name in self.query:
            return self.query[name]
        return self.form.get(name, default) if self.body else default


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200) -> Response:
        body = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
        return cls(status, body, {"Content-Type": "application/json; charset=utf-8"})

    @classmethod
    def jsonp(cls, callback: str, payload: Any) -> Response:
        text = f"{callback}({json.dumps(payload, ensure_ascii=False, default=str)});"
        return cls(200, text.encode("utf-8"), {"Content-Type": "application/javascript; charset=utf-8"})

    @classmethod
    def text(cls, text: str, content_type: str = "text/plain", encoding: str = "utf-8") -> Response:
        return cls(200, text.encode(encoding), {"Content-Type": f"{content_type}; charset={encoding}"})

    @classmethod
    def binary(cls, content: bytes, content_type: str) -> Response:
        return cls(200, content, {"Content-Type": content_type})


class NotFound(Exception):
    """The dataset holds nothing for this request."""


Handler = Callable[[Request, "Dataset"], Response]
QueryMatch = Callable[[Request], bool]


@dataclass(frozen=True)
class Endpoint:
    host: str
    path: str  # exact path, or a regular expression when it starts with "^"
    handler: Handler
    match: QueryMatch | None = None
    method: str | None = None  # None: any

    def accepts(self, request: Request) -> bool:
        if request.host != self.host:
            return False
        if self.method and request.method != self.method:
            return False
        if self.path.startswith("^"):
            if re.match(self.path, request.path) is None:
                return False
        elif request.path != self.path:
            return False
        return self.match is None or self.match(request)


@dataclass(frozen=True)
class Served:
    """An akshare function whose data the simulator serves, and the parameters that select a table."""

    function: str
    key: tuple[str, ...]
    hosts: tuple[str, ...]
    description: str = ""


ENDPOINTS: list[Endpoint] = []
FUNCTIONS: dict[str, Served] = {}


def endpoint(
    host: str, path: str, *, match: QueryMatch | None = None, method: str | None = None
) -> Callable[[Handler], Handler]:
    """Register ``handler`` for requests to ``host`` + ``path`` (and ``match``, if given)."""

    def register(handler: Handler) -> Handler:
        ENDPOINTS.append(Endpoint(host, path, handler, match, method))
        return handler

    return register


def serves(function: str, *, key: tuple[str, ...] = (), hosts: tuple[str, ...], description: str = "") -> None:
    """Declare that ``function``'s data is served, one dataset table per value of ``key`` parameters."""
    if function in FUNCTIONS and FUNCTIONS[function] != Served(function, key, hosts, description):
        raise ValueError(f"{function} is declared twice with different keys or hosts")
    FUNCTIONS[function] = Served(function, key, hosts, description)


def query_is(**expected: str) -> QueryMatch:
    """A predicate: every named query (or form) parameter has the given value."""

    def match(request: Request) -> bool:
        return all(request.param(name) == value for name, value in expected.items())

    return match
