"""Number and date text as the two exchanges' hosts write them (shared by ``sse_query`` and ``szse``).

akshare turns the exchanges' cells back into numbers with ``pd.to_numeric(..., errors="coerce")``
(after ``str.replace(",", "")`` for SZSE). Inverting that exactly means:

* a value comes back bit for bit: floats are written in Python's shortest round-trip form (or
  with two decimals when that is exact, the exchanges' usual display);
* the dtype comes back: ``to_numeric`` gives ``int64`` for a column of integer texts and
  ``float64`` as soon as one text has a decimal point, so a ``float64`` column is always written
  with a decimal point and an ``int64`` column without;
* a missing value (NaN) comes back as NaN: it is written as :data:`NO_VALUE`, a text that
  ``to_numeric`` coerces to NaN. (An *empty* cell is a different answer: for SZSE's
  ``stock_szse_summary`` it crashes akshare; a table asks for one with an empty string.)
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

NO_VALUE = "-"  # what the exchanges show where a figure does not apply (e.g. 股票回购's 市盈率)


def is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def number_text(value: Any, *, as_float: bool, thousands: bool = False) -> str:
    """``value`` as the exchange writes it, such that ``to_numeric`` gives it back (with its dtype).

    A ``str`` value is the host's own text and is written as it is (``""`` is an empty cell).
    """
    if isinstance(value, str):
        return value
    if is_missing(value):
        return NO_VALUE
    sep = "," if thousands else ""
    if not as_float:
        return format(int(value), sep)
    number = float(value)
    two = format(number, f"{sep}.2f")
    if float(two.replace(",", "")) == number:
        return two
    return format(number, sep)  # shortest round-trip form, e.g. "0.30000000000000004", "1e+16"


def column_texts(series: pd.Series, *, thousands: bool = False) -> list[str]:
    """Every value of a numeric column as text (see :func:`number_text`); floats keep a decimal point."""
    as_float = not pd.api.types.is_integer_dtype(series.dtype)
    return [number_text(v, as_float=as_float, thousands=thousands) for v in series.astype(object)]


def json_number(value: Any, *, as_float: bool) -> int | float | str | None:
    """A JSON number such that ``pd.to_numeric`` of the parsed JSON gives ``value`` back with its dtype."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return None
    return float(value) if as_float else int(value)


def scaled_text(value: Any, factor: float) -> str:
    """Text ``t`` with ``float(t) * factor == value``: inverts akshare's ``pd.to_numeric(t) * factor``.

    The exchanges publish the unscaled figure (e.g. SSE's ETF shares in 万份, which akshare
    multiplies by 10000); the shortest text whose product is exactly ``value`` is chosen.
    """
    if isinstance(value, str):
        return value
    if is_missing(value):
        return NO_VALUE
    target = float(value)
    base = target / factor
    candidates = [format(base, f".{digits}f") for digits in (2, 4, 6)] + [repr(base)]
    neighbour_up = neighbour_down = base
    for _ in range(4):
        neighbour_up, neighbour_down = math.nextafter(neighbour_up, math.inf), math.nextafter(neighbour_down, -math.inf)
        candidates += [repr(neighbour_up), repr(neighbour_down)]
    for text in candidates:
        if float(text) * factor == target:
            return text
    return repr(base)  # no text gives exactly this product: the nearest one


def compact_date(text: str) -> str:
    """``2023-04-14`` (the hosts' query format) as ``20230414`` (akshare's parameter format)."""
    return text.replace("-", "").strip()
