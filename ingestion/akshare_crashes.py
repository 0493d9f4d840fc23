"""Known crashes of akshare's own code, told apart from schema drift precisely.

Some akshare functions crash on answers the host sends normally: an empty cell, a report with
zero rows, a year with no month published yet. Classified by the general rule, such a crash
looks like schema drift (a KeyError, IndexError or AttributeError while parsing), which sends a
data engineer to the registry for nothing. Each :class:`KnownCrash` names one such case by

* the akshare functions it happens in (``functions``, a regular expression on the name),
* the exception class and a pattern on its message,
* the akshare function whose frame raised it (the innermost akshare frame; where the place
  matters, a pattern on the source line too), and
* an examination of the answer akshare was reading (the last response of the call), which says
  whether the case really is the known one and with what detail.

All four must agree; anything else keeps its general classification. A case maps to the error a
user should see: :class:`~ingestion.fetch_errors.EmptyResult` when the crash means "no data for
these parameters", :class:`~ingestion.fetch_errors.AkshareCrash` when data exists but the pinned
akshare cannot return it.

:func:`identify` runs where the call ran (it needs the response); :func:`classify_crash` runs in
the fetcher with the case id the report carries.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Any

from ingestion.fetch_errors import AkshareCrash, EmptyResult, FetchError
from ingestion.fetch_failures import FailureReport

Examine = Callable[[Any], str | None]  # the last response -> detail if the case applies, else None


@dataclass(frozen=True)
class KnownCrash:
    case: str
    functions: str  # regular expression, full match on the akshare function called
    raises: tuple[tuple[str, str], ...]  # (qualified exception class, regular expression searched in its text)
    examine: Examine
    error: type[FetchError]
    explanation: str  # what happened, in the user's terms
    line: str = ""  # regular expression searched in the source line that raised (when the place matters)

    def matches(self, function: str, report: FailureReport) -> bool:
        return (
            re.fullmatch(self.functions, function) is not None
            and report.site_function == function
            and any(report.types[:1] == (cls,) and re.search(text, report.message) for cls, text in self.raises)
            and re.search(self.line, report.site_line) is not None
        )


# ------------------------------------------------------------------------------ examinations


def _json(response: Any) -> Any:
    try:
        return json.loads(response.content)
    except (AttributeError, TypeError, ValueError):
        return None


def _sw_zero_rows(response: Any) -> str | None:
    """Shenwan's index-analysis report answered ``{"data": {"count": 0, ...}}``."""
    data = _json(response)
    page = data.get("data") if isinstance(data, dict) else None
    return "the report has 0 rows" if isinstance(page, dict) and page.get("count") == 0 else None


def _cpca_no_current_year(response: Any) -> str | None:
    """A chart of CPCA's chart list carries one year only: no month of the current year has a value.

    akshare takes a chart's ``dataList`` keys as the frame's columns: the month, then the current
    year, then the previous one; months the current year has not reached have no current-year key.
    """
    data = _json(response)
    if not isinstance(data, list):
        return None
    for chart in data:
        rows = chart.get("dataList") if isinstance(chart, dict) else None
        if not isinstance(rows, list) or not rows:
            continue
        years = list(dict.fromkeys(k for row in rows if isinstance(row, dict) for k in row if re.match(r"\d{4}", k)))
        if len(years) == 1:
            return f"no month of the current year has a value yet (only {years[0]} is served)"
    return None


def _sse_no_rows(response: Any) -> str | None:
    """SSE's query service answered ``result: []`` (its "no data": a holiday, or not published yet)."""
    data = _json(response)
    return "the answer has no rows" if isinstance(data, dict) and data.get("result") == [] else None


def _szse_no_rows(response: Any) -> str | None:
    """SZSE's report service answered its first tab with ``data: []``."""
    data = _json(response)
    tab = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else None
    return "the answer has no rows" if tab is not None and tab.get("data") == [] else None


def _szse_empty_figures(response: Any) -> str | None:
    """Cells of the figure columns (the third on) of an SZSE xlsx are empty."""
    import pandas as pd

    try:
        frame = pd.read_excel(io.BytesIO(response.content), engine="openpyxl")
    except Exception:
        return None
    figures = frame.iloc[:, 2:]
    empty = [
        f"{str(frame.iat[row, 0]).strip()}/{figures.columns[col]}"
        for col in range(figures.shape[1])
        for row in range(len(figures))
        if pd.isna(figures.iat[row, col])
    ]
    if not empty:
        return None
    return f"{len(empty)} empty cell(s): {', '.join(empty[:5])}{' ...' if len(empty) > 5 else ''}"


# ------------------------------------------------------------------------------ the known cases

_LENGTH_MISMATCH = ("builtins.ValueError", r"^Length mismatch: Expected axis has \d+ elements")

KNOWN: tuple[KnownCrash, ...] = (
    KnownCrash(
        case="sw-analysis-zero-rows",
        functions=r"index_analysis_(daily|weekly|monthly)_sw",
        raises=(("builtins.KeyError", r"^'发布日期'$"),),
        examine=_sw_zero_rows,
        error=EmptyResult,
        explanation="Shenwan has no rows for these parameters (akshare then indexes the empty frame's 发布日期)",
    ),
    KnownCrash(
        case="cpca-no-current-year",
        functions=r"car_market_\w+_cpca",
        raises=(("builtins.IndexError", r"out of bounds"),),
        line=r"columns\[2\]",
        examine=_cpca_no_current_year,
        error=EmptyResult,
        explanation=(
            "CPCA has published no month of the current year yet (early January); akshare cannot return "
            "the previous year alone, and the previous load already holds it"
        ),
    ),
    KnownCrash(
        case="sse-no-rows",
        functions=r"stock_margin_sse|stock_margin_detail_sse|stock_sse_deal_daily|fund_etf_scale_sse",
        raises=(_LENGTH_MISMATCH, ("builtins.KeyError", r"^.?None of \[Index\(")),
        examine=_sse_no_rows,
        error=EmptyResult,
        explanation=(
            "SSE has no rows for these parameters (a day without trading, or not published yet); akshare "
            "then names or selects the columns of an empty frame"
        ),
    ),
    KnownCrash(
        case="szse-no-rows",
        functions=r"stock_margin_szse",
        raises=(_LENGTH_MISMATCH,),
        examine=_szse_no_rows,
        error=EmptyResult,
        explanation=(
            "SZSE has no rows for this date (a day without trading, or not published yet); akshare then "
            "names the columns of an empty frame"
        ),
    ),
    KnownCrash(
        case="szse-empty-figure-cells",
        functions=r"stock_szse_summary|stock_margin_detail_szse",
        raises=(
            ("builtins.AttributeError", r"object has no attribute 'replace'"),
            ("builtins.AttributeError", r"Can only use \.str accessor with string values"),
        ),
        examine=_szse_empty_figures,
        error=AkshareCrash,
        explanation=(
            "SZSE's xlsx has empty figure cells, and akshare strips separators with str.replace on every "
            "figure; the day cannot be fetched with this akshare until SZSE fills them"
        ),
    ),
)
_BY_CASE = {crash.case: crash for crash in KNOWN}


def identify(function: str, report: FailureReport, answer: Any) -> tuple[str, str] | None:
    """(case, detail) of the known crash ``report`` is, examined on ``answer``; None if it is none."""
    for crash in KNOWN:
        if crash.matches(function, report) and answer is not None:
            detail = crash.examine(answer)
            if detail is not None:
                return crash.case, detail
    return None


@cache
def akshare_version() -> str:
    try:
        return metadata.version("akshare")
    except metadata.PackageNotFoundError:
        return "?"


def classify_crash(report: FailureReport) -> tuple[type[FetchError], str] | None:
    """The error and reason for a report identified as a known crash; None for any other report."""
    crash = _BY_CASE.get(report.crash or "")
    if crash is None:
        return None
    detail = f" ({report.crash_detail})" if report.crash_detail else ""
    return crash.error, (
        f"{crash.explanation}{detail}; known akshare {akshare_version()} crash {crash.case}: "
        f"{report.text} at {report.site}"
    )
