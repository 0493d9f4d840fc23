"""Reading a curated ``.xlsx`` workbook as the text a CSV export of it would hold.

Analysts fill the templates in Excel; ``warehouse ingest`` and the inbox sensor take the workbook
directly. Its table is read cell by cell into text, then typed exactly like a CSV file
(``ingestion.files``), so the same values land and the checks name the same file, line and
column (line N is worksheet row N; the header is row 1).

* The sheet: the one named after the source (the templates' data sheet), else the only sheet.
* A cell reads as Excel shows it where that matters for text: a date cell as ISO text
  (``2023-03`` when its format shows only year and month, as a month typed into a text column
  becomes), a whole number with a zero-padded format (``000001``) padded, a percentage as
  ``12.5%`` (which a numeric column then rejects, naming the cell, rather than landing 0.125).
  Other numbers read as their stored value; formulas as their last computed value.
* The table ends at the last row holding a value; an empty row inside it, a value under an empty
  header or a repeated header refuses the file, naming the row or column.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

XLSX_SUFFIXES = (".xlsx",)
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


class SpreadsheetError(ValueError):
    """The workbook cannot be read as one table; the message names the file, sheet and cell."""


def _shows_only_year_and_month(number_format: str) -> bool:
    tokens = _QUOTED.sub("", number_format or "").lower()
    return "y" in tokens and "m" in tokens and "d" not in tokens


def _zero_padded(number_format: str) -> int:
    """The width of a zero-padded integer format such as ``000000`` (0: not one)."""
    text = (number_format or "").strip()
    return len(text) if len(text) > 1 and set(text) == {"0"} else 0


def cell_text(value: Any, number_format: str = "General") -> str:
    """The text of one cell as a CSV export would hold it (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() != time(0):
            return value.isoformat(sep=" ")
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%Y-%m") if _shows_only_year_and_month(number_format) else value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if "%" in (number_format or ""):
            return f"{value * 100:.15g}%"
        if isinstance(value, float) and not value.is_integer():
            return repr(value)
        whole = str(int(value))
        width = _zero_padded(number_format)
        return whole.zfill(width) if width and value >= 0 else whole
    return str(value)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _pick_sheet(workbook: Any, path: Path, source_name: str) -> Any:
    names = list(workbook.sheetnames)
    if source_name in names:
        return workbook[source_name]
    if len(names) == 1:
        return workbook[names[0]]
    raise SpreadsheetError(
        f"{path}: the workbook has sheets {names}; name the sheet to land {source_name!r} "
        "(as in the template) or keep a single sheet"
    )


def read_xlsx_text(path: Path, source_name: str) -> pd.DataFrame:
    """The workbook's table as text cells (header from row 1), ready for CSV-like typing."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SpreadsheetError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    try:
        sheet = _pick_sheet(workbook, path, source_name)
        rows = [
            [cell_text(getattr(c, "value", None), getattr(c, "number_format", "General")) for c in row]
            for row in sheet.iter_rows()
        ]
    finally:
        workbook.close()
    where = f"{path} (sheet {sheet.title!r})"
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise SpreadsheetError(f"{where}: the sheet is empty (no header line)")
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header = rows[0]
    used = [i for i in range(width) if header[i] or any(r[i] for r in rows[1:])]
    for i in used:
        if not header[i]:
            line = next(n for n, r in enumerate(rows[1:], start=2) if r[i])
            raise SpreadsheetError(
                f"{where} line {line}: column {_column_letter(i)} holds a value but has no header in line 1"
            )
    seen: dict[str, int] = {}
    for i in used:
        if header[i] in seen:
            raise SpreadsheetError(
                f"{where} line 1: the header {header[i]!r} appears twice "
                f"(columns {_column_letter(seen[header[i]])} and {_column_letter(i)})"
            )
        seen[header[i]] = i
    body = [[r[i] for i in used] for r in rows[1:]]
    for line, row in enumerate(body, start=2):
        if not any(row):
            raise SpreadsheetError(f"{where} line {line}: an empty row inside the table; delete it")
    return pd.DataFrame(body, columns=[header[i] for i in used], dtype=object)
