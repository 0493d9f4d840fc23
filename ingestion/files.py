"""Landing a file that holds a source's raw shape: an akshare frame saved as CSV or Parquet, or
a curated file filled in from its template (``ingestion/templates/<source>.csv`` or ``.xlsx``).

CSV cells are read as text (an ``.xlsx`` worksheet as the text its CSV export would hold, see
``ingestion.spreadsheets``), then each column is converted to the registry's type when every
value converts. A column that does not convert is landed as text, so the source's check reports
the exact file, line and column instead of the file being refused; only a file that cannot be
read as a table at all is refused here.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ingestion.landing import LandResult, land_frame
from ingestion.registry import Source
from ingestion.spreadsheets import XLSX_SUFFIXES, SpreadsheetError, read_xlsx_text

ENCODINGS = ("utf-8-sig", "gb18030")
LANDABLE_SUFFIXES = (".csv", ".parquet", *XLSX_SUFFIXES)


def is_landable(path: Path) -> bool:
    """A file ``warehouse ingest`` and the inbox take: CSV, Parquet or .xlsx, and not an editor's
    lock or temporary file (Excel's ``~$name.xlsx`` while the workbook is open, dot files)."""
    name = path.name
    return path.suffix.lower() in LANDABLE_SUFFIXES and not name.startswith(("~$", "."))


class FileFormatError(ValueError):
    """The file cannot be read as a table; the message names the file (and line)."""


class ParamsError(ValueError):
    """Parameters given for a load do not fit the source's registry entry."""


def resolve_params(source: Source, given: dict[str, str]) -> dict[str, Any]:
    """The full parameters of a load of ``source`` from the ones given on the command line."""
    params: dict[str, Any] = dict(source.params)
    if source.param_sets_from is not None:
        name = source.param_sets_from.param
        if not given.get(name):
            raise ParamsError(
                f"{source.name} has one load per {source.param_sets_from.column} of {source.param_sets_from.source}; "
                f"give --param {name}=VALUE"
            )
        params[name] = given[name]
    if source.param_sets:
        matches = [ps for ps in source.param_sets if all(str(given.get(k)) == str(v) for k, v in ps.items())]
        if len(matches) != 1:
            options = "; ".join(", ".join(f"{k}={v}" for k, v in ps.items()) for ps in source.param_sets)
            raise ParamsError(f"{source.name} has one load per parameter set; give one of: {options}")
        params.update(matches[0])
    if source.date_param is not None:
        name = source.date_param.name
        if name not in given:
            raise ParamsError(f"{source.name} is fetched one date per call; give --param {name}=YYYYMMDD")
        try:
            datetime.strptime(given[name], source.date_param.format)
        except ValueError as exc:
            raise ParamsError(
                f"{source.name}: {name}={given[name]!r} does not match {source.date_param.format}"
            ) from exc
        params[name] = given[name]
    if source.range_params is not None:
        for name in (source.range_params.start, source.range_params.end):
            if name in given:
                params[name] = given[name]
    unknown = set(given) - set(params)
    if unknown:
        raise ParamsError(f"{source.name} takes no parameter {', '.join(sorted(unknown))}")
    return params


def _read_csv(path: Path) -> pd.DataFrame:
    last_error: Exception | None = None
    for encoding in ENCODINGS:
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError as exc:
            last_error = exc
        except pd.errors.EmptyDataError as exc:
            raise FileFormatError(f"{path}: the file is empty (no header line)") from exc
        except pd.errors.ParserError as exc:
            line = re.search(r"line (\d+)", str(exc))
            where = f" line {line.group(1)}" if line else ""
            raise FileFormatError(f"{path}{where}: not a well-formed CSV table ({exc})") from exc
    raise FileFormatError(f"{path}: neither UTF-8 nor GB18030 text ({last_error})")


def _convert(series: pd.Series, column_type: str) -> pd.Series:
    text = series.map(lambda v: None if v is None or str(v).strip() == "" else str(v).strip())
    present = text.notna()
    if column_type in ("float", "int"):
        numbers = pd.to_numeric(text, errors="coerce")
        if numbers[present].notna().all():
            if column_type == "int" and (numbers[present] % 1 == 0).all() and present.all():
                return numbers.astype("int64")
            return numbers.astype("float64")
        return text.astype(object)
    if column_type == "date":
        dates = pd.to_datetime(text, errors="coerce", format="mixed")
        if dates[present].notna().all():
            return dates.dt.date.astype(object).where(present, None)
        return text.astype(object)
    return text.astype(object)


def read_raw_file(source: Source, path: Path) -> pd.DataFrame:
    """The file as a raw frame of ``source`` (columns as in the file, values typed where they fit)."""
    path = Path(path)
    if not path.exists():
        raise FileFormatError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            return pd.read_parquet(path)
        except Exception as exc:
            raise FileFormatError(f"{path}: not a readable Parquet file ({exc})") from exc
    if suffix == ".xls":
        raise FileFormatError(f"{path}: the old Excel format (.xls) is not read; save the workbook as .xlsx or CSV")
    if suffix in XLSX_SUFFIXES:
        try:
            frame = read_xlsx_text(path, source.name)
        except SpreadsheetError as exc:
            raise FileFormatError(str(exc)) from exc
    else:
        frame = _read_csv(path)
    for column in frame.columns:
        spec = source.column_for(str(column))
        frame[column] = _convert(frame[column], spec.type if spec else "string")
    return frame


def ingest_file(
    source: Source,
    path: Path,
    params: dict[str, str] | None = None,
    *,
    origin: str = "file",
    available_at: datetime | None = None,
    root: Path | None = None,
) -> LandResult:
    """Land ``path`` as a new load of ``source`` (no new load when identical to the latest)."""
    resolved = resolve_params(source, params or {})
    frame = read_raw_file(source, path)
    return land_frame(
        source, frame, resolved, origin=origin, file_name=Path(path).name, available_at=available_at, root=root
    )
