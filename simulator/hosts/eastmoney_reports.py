"""Eastmoney's data-centre report format (shared by the report endpoints of datacenter-web).

A report answers ``{"result": {"pages", "data", "count"}, "success", "code"}``, where ``data`` is a
page of rows (JSON objects keyed by field names such as ``TRADE_DATE``), narrowed by ``filter``
(conditions such as ``(TRADE_DATE='2023-04-14')(INTERVAL_TYPE="1")``: dates single-quoted, text
double-quoted), ordered by ``sortColumns``/``sortTypes`` and paged by ``pageNumber``/``pageSize``.
An empty result is ``{"result": null, "success": false, "message": "返回数据为空", "code": 9201}``.
Dates travel as ``"2023-04-14 00:00:00"``, missing values as ``null``.

A report endpoint describes its rows as :data:`Fields`: wire field -> a function of the table
returning that field's values, one per row, computed column-wise; :func:`report` encodes,
filters and sorts a table once (cached with :meth:`~simulator.dataset.Dataset.derived`) and
answers each page as a slice of that.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import Request, Response

Row = dict[str, Any]
Column = Callable[[pd.DataFrame], Sequence[Any]]
Fields = dict[str, Column]


# ------------------------------------------------------------------------------ values on the wire


def records(frame: pd.DataFrame) -> list[Row]:
    """Rows as JSON-ready dicts (NaN as null, as the API sends missing values)."""
    return [
        {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
        for row in frame.astype(object).to_dict("records")
    ]


def series(frame: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` of the table; all missing if the table lacks it (a recording with fewer columns)."""
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _nulls(values: pd.Series) -> list[Any]:
    return values.astype(object).where(values.notna(), None).tolist()


def undivided(value: float, *divisors: float) -> float:
    """The wire number that akshare's divisions by ``divisors`` (in that order) turn back into ``value``.

    akshare scales some fields (e.g. ``/ 100`` from 百万元 to 亿元); the host sends the unscaled
    number with the fewest decimals that give ``value`` back exactly, else the nearest float that
    does (for some values none does: then the closest).
    """

    def scaled(wire: float) -> float:
        for divisor in divisors:
            wire = wire / divisor
        return wire

    wire = value * math.prod(divisors)
    for digits in range(16):
        candidate = round(wire, digits)
        if scaled(candidate) == value:
            return candidate
    below = above = wire
    for _ in range(64):
        below, above = math.nextafter(below, -math.inf), math.nextafter(above, math.inf)
        for candidate in (below, above):
            if scaled(candidate) == value:
                return candidate
    return wire


def number(name: str, *divisors: float) -> Column:
    """Table column ``name`` as JSON numbers; with ``divisors``, unscaled as akshare's divisions expect."""

    def make(frame: pd.DataFrame) -> list[Any]:
        values = pd.to_numeric(series(frame, name), errors="coerce").astype(float)
        if divisors:
            values = values.map(lambda v: v if math.isnan(v) else undivided(v, *divisors))
        return _nulls(values)

    return make


def quote(name: str) -> Column:
    """A ``quoteColumns`` field: the number, or ``"-"`` when the quote service has none."""

    def make(frame: pd.DataFrame) -> list[Any]:
        values = pd.to_numeric(series(frame, name), errors="coerce").astype(float)
        return values.astype(object).where(values.notna(), "-").tolist()

    return make


def day(name: str) -> Column:
    """Table column ``name`` (dates) as the API writes them: ``2023-04-14 00:00:00``."""

    def make(frame: pd.DataFrame) -> list[Any]:
        values = pd.to_datetime(series(frame, name).astype(object), errors="coerce")
        return _nulls(values.dt.strftime("%Y-%m-%d %H:%M:%S").where(values.notna()))

    return make


def text(name: str) -> Column:
    """Table column ``name`` as JSON strings."""

    def make(frame: pd.DataFrame) -> list[Any]:
        values = series(frame, name).astype(object)
        present = values.where(values.notna(), None).tolist()
        return [v if v is None or isinstance(v, str) else str(v) for v in present]

    return make


def constant(value: Any) -> Column:
    return lambda frame: [value] * len(frame)


def codes(frame: pd.DataFrame) -> pd.Series:
    return series(frame, "代码").astype(object).fillna("").astype(str)


def exchange(code_values: pd.Series) -> pd.Series:
    """``SH``/``SZ``/``BJ`` of A-share codes, as SECUCODE fields carry them."""
    first = code_values.str[:1]
    return pd.Series(
        np.select([first.isin(["6", "9", "5"]), first.isin(["4", "8"])], ["SH", "BJ"], default="SZ"),
        index=code_values.index,
    )


def secucode(frame: pd.DataFrame) -> list[str]:
    """``601919.SH`` from 代码."""
    values = codes(frame)
    return (values + "." + exchange(values)).tolist()


def wire_frame(frame: pd.DataFrame, fields: Fields) -> pd.DataFrame:
    """The table's rows as the host holds them: one object column per wire field, in the order of ``fields``."""
    return pd.DataFrame({name: pd.Series(list(make(frame)), dtype=object) for name, make in fields.items()})


# ---------------------------------------------------------------------- filters, order and pages


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


@dataclass(frozen=True)
class Condition:
    field: str
    op: str  # =, >=, <=, >, <, !=
    value: str

    def mask(self, rows: pd.DataFrame) -> pd.Series:
        """Which rows satisfy the condition (a row without the field never does)."""
        if self.field not in rows.columns:
            return pd.Series(False, index=rows.index)
        values = rows[self.field]
        present = values.notna()
        left: pd.Series = values.astype(str)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.value):
            left = left.str[:10]  # a date condition compares the day of a "YYYY-MM-DD hh:mm:ss" field
        right: Any = self.value
        numbers = pd.to_numeric(left.where(present), errors="coerce")
        with suppress(ValueError):
            right_number = float(self.value)
            if numbers[present].notna().all():
                left, right = numbers, right_number
        return present & _COMPARE[self.op](left, right)


_CONDITION = re.compile(r"\((\w+)\s*(>=|<=|!=|=|>|<)\s*(?:'([^']*)'|\"([^\"]*)\"|([^)]*))\)")


def conditions(request: Request) -> list[Condition]:
    """The ``filter`` parameter as conditions (``(FIELD="x")(DATE>='2023-01-01')`` ...)."""
    text = request.param("filter") or ""
    return [
        Condition(m.group(1), m.group(2), next(v for v in m.group(3, 4, 5) if v is not None))
        for m in _CONDITION.finditer(text)
    ]


def condition(request: Request, field: str) -> str | None:
    """The value an ``=`` condition of the filter requires for ``field`` (None if unconstrained)."""
    return next((c.value for c in conditions(request) if c.field == field and c.op == "="), None)


def sort_rows(request: Request, rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in the order ``sortColumns``/``sortTypes`` ask for (``-1`` descending); nulls last."""
    columns = [c for c in (request.param("sortColumns") or "").split(",") if c in rows.columns]
    if not columns:
        return rows
    types = [t.strip() for t in (request.param("sortTypes") or "").split(",")]
    ascending = [(types[i] if i < len(types) else "1") != "-1" for i in range(len(columns))]
    return rows.sort_values(columns, ascending=ascending, kind="stable", na_position="last")


def report_page(request: Request, rows: list[Row], total: int | None = None) -> Response:
    """A page of a report as the API sends it: ``rows`` is the page when ``total`` (the number of
    rows of all pages) is given, else all rows, paged here."""
    size = int(request.param("pageSize") or 50)
    if total is None:
        number = int(request.param("pageNumber") or 1)
        rows, total = rows[(number - 1) * size : number * size], len(rows)
    if not total:
        return Response.json(
            {"version": None, "result": None, "success": False, "message": "返回数据为空", "code": 9201}
        )
    result = {"pages": math.ceil(total / size), "data": rows, "count": total}
    return Response.json({"version": "1", "result": result, "success": True, "message": "ok", "code": 0})


def report(
    request: Request, data: Dataset, function: str, rows_of: Callable[[pd.DataFrame], pd.DataFrame], **params: Any
) -> Response:
    """One page of the rows of ``function``'s table that satisfy the request's filter, in its order.

    ``rows_of`` encodes the table for the wire (see :func:`wire_frame`); encoding, filtering and
    sorting run once per table and kind of request (:meth:`Dataset.derived`), each page then is a
    slice: paging through a large table stays fast.
    """
    purpose = "|".join(request.param(name) or "" for name in ("reportName", "filter", "sortColumns", "sortTypes"))

    def select(frame: pd.DataFrame) -> pd.DataFrame:
        rows = rows_of(frame)
        keep = pd.Series(True, index=rows.index)
        for wanted in conditions(request):
            keep &= wanted.mask(rows)
        return sort_rows(request, rows[keep]).reset_index(drop=True)

    selected = data.derived(function, purpose, select, **params)
    size = int(request.param("pageSize") or 50)
    number = int(request.param("pageNumber") or 1)
    page = selected.iloc[(number - 1) * size : number * size]
    return report_page(request, records(page), total=len(selected))
