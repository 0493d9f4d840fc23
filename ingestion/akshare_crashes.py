"""Known crashes of akshare's own code, told apart from schema drift precisely.

Some akshare functions crash on answers the host sends normally: an empty cell, a report with
zero rows, a year with no month published yet. Classified by the general rule, such a crash
looks like schema drift (a KeyError, IndexError or AttributeError while parsing), which sends a
data engineer to the registry for nothing. Each :class:`KnownCrash` names one such case by

* the akshare functions it happens in (``functions``, a regular expression on the name),
* the exception class and a pattern on its message,
* the akshare function whose frame raised it (the innermost akshare frame), and
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
    exception: str  # qualified class name, e.g. "builtins.KeyError"
    message: str  # regular expression searched in str(exception)
    examine: Examine
    error: type[FetchError]
    explanation: str  # what happened, in the user's terms

    def matches(self, function: str, report: FailureReport) -> bool:
        return (
            re.fullmatch(self.functions, function) is not None
            and report.types[:1] == (self.exception,)
            and report.site_function == function
            and re.search(self.message, report.message) is not None
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
    count = data.get("data", {}).get("count") if isinstance(data, dict) and isinstance(data.get("data"), dict) else None
    return "the report has 0 rows" if count == 0 else None


def _cpca_no_current_year(response: Any) -> str | None:
    """CPCA's chart list has no value for the current year in any month.

    akshare takes the first column after ``month`` of a chart's ``dataList`` as the current year
    and the second as the previous year; with no current-year value the frame has too few columns.
    """
    data = _json(response)
    if not isinstance(data, list):
        return None
    for chart in data:
        rows = chart.get("dataList") if isinstance(chart, dict) else None
        if not isinstance(rows, list) or not rows:
            continue
        columns = list(dict.fromkeys(key for row in rows if isinstance(row, dict) for key in row))
        years = [c for c in columns if c != "month"]
        if len(years) < 2 or not any(row.get(years[0]) not in (None, "", []) for row in rows):
            shown = years[0] if len(years) >= 2 else "the current year"
            return f"no month of {shown} has a value yet (year columns served: {years})"
    return None


def _szse_cells(response: Any) -> tuple[list[str], int] | None:
    """The SZSE summary's empty value cells ("row/column") and how many value cells there are."""
    import pandas as pd

    try:
        frame = pd.read_excel(io.BytesIO(response.content), engine="openpyxl")
    except Exception:
        return None
    values = frame.iloc[:, 2:]
    empty = [
        f"{frame.iat[row, 0]}/{values.columns[col]}"
        for row in range(len(values))
        for col in range(values.shape[1])
        if pd.isna(values.iat[row, col])
    ]
    return empty, values.size


def _szse_empty_cell(response: Any) -> str | None:
    cells = _szse_cells(response)
    if cells is None or not cells[0] or len(cells[0]) == cells[1]:
        return None
    shown = ", ".join(cells[0][:5]) + (" ..." if len(cells[0]) > 5 else "")
    return f"{len(cells[0])} empty cell(s): {shown}"


def _szse_no_figures(response: Any) -> str | None:
    cells = _szse_cells(response)
    if cells is None or not cells[1] or len(cells[0]) != cells[1]:
        return None
    return f"every value cell of the {cells[1]} is empty"


# ------------------------------------------------------------------------------ the known cases

KNOWN: tuple[KnownCrash, ...] = (
    KnownCrash(
        case="sw-analysis-zero-rows",
        functions=r"index_analysis_(daily|weekly|monthly)_sw",
        exception="builtins.KeyError",
        message=r"^'发布日期'$",
        examine=_sw_zero_rows,
        error=EmptyResult,
        explanation="Shenwan has no rows for these parameters (akshare then indexes the empty frame's 发布日期)",
    ),
    KnownCrash(
        case="cpca-no-current-year",
        functions=r"car_market_\w+_cpca",
        exception="builtins.IndexError",
        message=r"out[- ]of[- ]bounds",
        examine=_cpca_no_current_year,
        error=EmptyResult,
        explanation=(
            "CPCA has published no month of the current year yet (early January); akshare cannot return "
            "the previous year alone, and the previous load already holds it"
        ),
    ),
    KnownCrash(
        case="szse-summary-no-figures",
        functions=r"stock_szse_summary",
        exception="builtins.AttributeError",
        message=r"object has no attribute 'replace'",
        examine=_szse_no_figures,
        error=EmptyResult,
        explanation="SZSE's summary has no figures for this date (akshare then calls str.replace on empty cells)",
    ),
    KnownCrash(
        case="szse-summary-empty-cell",
        functions=r"stock_szse_summary",
        exception="builtins.AttributeError",
        message=r"object has no attribute 'replace'",
        examine=_szse_empty_cell,
        error=AkshareCrash,
        explanation=(
            "SZSE's summary has an empty cell, and akshare calls str.replace on every value cell; "
            "the day cannot be fetched with this akshare until SZSE fills the cell"
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
