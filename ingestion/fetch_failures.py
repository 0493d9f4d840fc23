"""What went wrong inside an akshare call, described so that it can cross a process boundary, and
which :class:`~ingestion.fetch_errors.FetchError` it is.

An exception raised in a fetch worker process does not always survive pickling (akshare's own
exception classes take extra constructor arguments) and its class may not be importable in the
parent without importing all of akshare. So the worker sends a :class:`FailureReport`: the
qualified names of the exception's classes, its text, the HTTP status it carries, where in
akshare it was raised, which known akshare crash it is (if any) and the traceback. Classifying a
report gives the same answer as classifying the exception itself.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass

from ingestion.fetch_errors import FetchError, SchemaDrift, SourceUnavailable

UNAVAILABLE_STATUSES = frozenset({403, 429})
CAUSE_LIMIT = 300  # characters of an upstream exception's text kept in a message
TRACEBACK_LIMIT = 20_000  # characters of a worker's traceback kept for the logs

_NOT_TRANSIENT_REQUEST_ERRORS = (
    "requests.exceptions.InvalidURL",
    "requests.exceptions.MissingSchema",
    "requests.exceptions.InvalidSchema",
    "requests.exceptions.InvalidHeader",
    "requests.exceptions.URLRequired",
)
_NETWORK_ERRORS = ("builtins.OSError", "http.client.HTTPException", "urllib3.exceptions.HTTPError")
_PARSE_ERRORS = ("builtins.KeyError", "builtins.IndexError", "builtins.AttributeError", "builtins.ValueError")
_AKSHARE_UNAVAILABLE = frozenset({"NetworkError", "RateLimitError", "APIError"})
_AKSHARE_DRIFT = frozenset({"DataParsingError"})
_AKSHARE_DIR = f"{os.sep}akshare{os.sep}"


@dataclass(frozen=True)
class FailureReport:
    """An exception raised inside an akshare call, as plain text that pickles anywhere."""

    types: tuple[str, ...]  # qualified names of the exception's class and its bases, most derived first
    text: str  # "KeyError: '发布日期'" (shortened)
    message: str  # str(exc), whole
    status: int | None = None  # the HTTP status of the response the exception carries
    site: str = ""  # innermost akshare frame: "akshare/index/index_research_sw.py:381 in index_analysis_daily_sw"
    site_function: str = ""  # the akshare function of that frame
    site_line: str = ""  # its source line
    crash: str | None = None  # the id of a known akshare crash (ingestion.akshare_crashes), once identified
    crash_detail: str = ""  # what the examination of the answer found
    traceback: str = ""

    @property
    def name(self) -> str:
        return self.types[0].rsplit(".", 1)[-1]

    @property
    def module(self) -> str:
        return self.types[0].rsplit(".", 1)[0]

    def is_a(self, *qualified_names: str) -> bool:
        """Whether the exception is an instance of one of the named classes ("builtins.KeyError", ...)."""
        return any(name in self.types for name in qualified_names)


def exception_text(exc: BaseException) -> str:
    detail = str(exc).strip()
    if len(detail) > CAUSE_LIMIT:
        detail = detail[:CAUSE_LIMIT] + "..."
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _status_of(exc: BaseException) -> int | None:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if not isinstance(status, int):
        status = getattr(exc, "status_code", None)  # akshare's APIError keeps it here
    return status if isinstance(status, int) else None


def _akshare_site(exc: BaseException) -> tuple[str, str, str]:
    """(place, function, source line) of the innermost akshare frame of ``exc``'s traceback; the
    function is the innermost named one (a lambda or comprehension belongs to the function around it)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _AKSHARE_DIR in f.filename]
    if not frames:
        return "", "", ""
    frame = frames[-1]
    function = next((f.name for f in reversed(frames) if not f.name.startswith("<")), frame.name)
    relative = "akshare" + os.sep + frame.filename.rsplit(_AKSHARE_DIR, 1)[1]
    return f"{relative}:{frame.lineno} in {function}", function, (frame.line or "").strip()


def describe(exc: BaseException) -> FailureReport:
    """The report of ``exc`` (its traceback included, so describe it where it was raised)."""
    site, site_function, site_line = _akshare_site(exc)
    formatted = "".join(traceback.format_exception(exc))
    return FailureReport(
        types=tuple(_qualified(cls) for cls in type(exc).__mro__ if cls is not object),
        text=exception_text(exc),
        message=str(exc),
        status=_status_of(exc),
        site=site,
        site_function=site_function,
        site_line=site_line,
        traceback=formatted[-TRACEBACK_LIMIT:],
    )


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a fetch worker process (chained as the cause)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return f'\n"""\n{self.text}"""'


def bad_status(statuses: list[int]) -> int | None:
    """The last HTTP status seen that means 'the host refuses or is failing' (403, 429, 5xx)."""
    bad = [s for s in statuses if is_failure_status(s)]
    return bad[-1] if bad else None


def is_failure_status(status: int) -> bool:
    return status in UNAVAILABLE_STATUSES or status >= 500


def classify(failure: BaseException | FailureReport, statuses: list[int]) -> tuple[type[FetchError], str]:
    """The error class and reason for an exception raised inside an akshare function (or its report).

    A report identified as a known akshare crash gets that case's error
    (:mod:`ingestion.akshare_crashes`); everything else the general rule below.
    """
    from ingestion.akshare_crashes import classify_crash  # here: that module imports this one

    report = failure if isinstance(failure, FailureReport) else describe(failure)
    known = classify_crash(report)
    if known is not None:
        return known
    cause = report.text
    status = report.status
    if status is not None and is_failure_status(status):
        return SourceUnavailable, f"HTTP {status}: {cause}"
    if report.module.startswith("akshare"):
        if report.name in _AKSHARE_UNAVAILABLE:
            return SourceUnavailable, cause
        if report.name in _AKSHARE_DRIFT:
            return SchemaDrift, cause
    if status is not None and 400 <= status < 500:
        return FetchError, f"HTTP {status}: {cause}"
    if report.is_a(*_NOT_TRANSIENT_REQUEST_ERRORS):  # also ValueErrors: test them first
        return FetchError, cause
    if report.is_a(*_PARSE_ERRORS) or (report.is_a("builtins.TypeError") and "NoneType" in report.message):
        bad = bad_status(statuses)
        if bad is not None:  # an error page that akshare tried to parse
            return SourceUnavailable, f"HTTP {bad}, and the answer could not be parsed ({cause})"
        where = f" at {report.site}" if report.site else ""
        return SchemaDrift, f"the answer could not be parsed ({cause}{where})"
    if report.is_a("requests.exceptions.Timeout"):
        return SourceUnavailable, f"timed out ({cause})"
    if report.is_a(*_NETWORK_ERRORS) or report.module.startswith(("curl_cffi", "urllib3", "requests")):
        return SourceUnavailable, f"network error ({cause})"
    return FetchError, f"unexpected error ({cause})"
