"""Landing's one rule for types: conform a column's *representation* to the registry's logical type.

akshare returns the same logical type in different pandas representations depending on how a
function's code happens to build its frame: ``index_zh_a_hist`` and ``fund_etf_hist_em`` hand
back ``日期`` as ISO text (the date index is sliced, then dropped), ``stock_sse_deal_daily``
hands back ``单日情况`` as an ordered Categorical. The registry declares logical types
(``string``, ``float``, ``int``, ``date``); landing stores each value unchanged but in the
representation of its declared type, when that is lossless:

* ``date`` from ISO text (``2023-04-14``, optionally with a midnight time) or from datetimes at
  midnight;
* ``string`` from a Categorical of text (Parquet would otherwise store a dictionary that reads
  back as ``category``);
* ``float`` from whole numbers (``index_zh_a_hist``'s ``成交量`` arrives as int64 because the
  host sends whole lots), when every value is below 2**53 and so exact as a double: loads of
  one source then share one Parquet type whatever the day's numbers looked like.

Nothing else is touched: units, names and values stay as the source returned them, and casting
for modelling is done in dbt staging. A column that cannot be conformed losslessly (one value that
is not a date) is left exactly as returned, so the source's blocking check fails and names the
rows. Every conversion is recorded in the load's manifest (``conversions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from ingestion.registry import Source

_ISO_DATE = r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00(?:\.0+)?)?)?$"


@dataclass(frozen=True)
class Conversion:
    column: str
    returned: str  # the representation akshare returned, e.g. "str", "category"
    stored: str  # the declared logical type it is stored as

    def as_dict(self) -> dict[str, str]:
        return {"column": self.column, "returned": self.returned, "stored": self.stored}


def _as_dates(series: pd.Series) -> pd.Series | None:
    """The column as ``datetime.date`` objects, or None if that would change a value."""
    present = series.dropna()
    if present.empty:
        return None
    if pd.api.types.is_datetime64_any_dtype(series):
        if (present != present.dt.normalize()).any():
            return None
        return series.map(lambda v: None if pd.isna(v) else v.date()).astype(object)
    if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
        return None
    if not all(isinstance(v, str) for v in present):
        return None
    if not present.str.strip().str.match(_ISO_DATE).all():
        return None
    parsed = pd.to_datetime(series.where(series.notna(), None).str.strip().str[:10], format="%Y-%m-%d", errors="coerce")
    if parsed[series.notna()].isna().any():
        return None
    return parsed.map(lambda v: None if pd.isna(v) else v.date()).astype(object)


def _as_text(series: pd.Series) -> pd.Series | None:
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return None
    if not all(isinstance(v, str) for v in series.cat.categories):
        return None
    return series.astype(object).where(series.notna(), None)


_EXACT_IN_DOUBLE = 2**53


def _as_float(series: pd.Series) -> pd.Series | None:
    if not pd.api.types.is_integer_dtype(series) or pd.api.types.is_bool_dtype(series):
        return None
    present = series.dropna()
    if not present.empty and present.abs().max() >= _EXACT_IN_DOUBLE:
        return None
    return series.astype("float64")


def conform(source: Source, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Conversion]]:
    """``frame`` with each column in its declared type's representation where that is lossless."""
    conversions: list[Conversion] = []
    conformed = frame
    for name in frame.columns:
        spec = source.column_for(str(name))
        if spec is None:
            continue
        series = frame[name]
        if spec.type == "date":
            converted = _as_dates(series) if not _holds_dates(series) else None
        elif spec.type == "string":
            converted = _as_text(series)
        elif spec.type == "float":
            converted = _as_float(series)
        else:
            converted = None
        if converted is None:
            continue
        if conformed is frame:
            conformed = frame.copy()
        conformed[name] = converted
        conversions.append(Conversion(str(name), str(series.dtype), spec.type))
    return conformed, conversions


def _holds_dates(series: pd.Series) -> bool:
    """Already ``datetime.date`` objects (what Arrow stores as date32)."""
    present = series.dropna()
    return (
        pd.api.types.is_object_dtype(series)
        and not present.empty
        and all(isinstance(v, date) and not isinstance(v, datetime) for v in present)
    )
