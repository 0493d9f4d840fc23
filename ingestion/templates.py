"""Curated-file templates, rendered from the source registry.

``python -m ingestion.templates`` writes, for every curated source, a header-only CSV
``ingestion/templates/<source>.csv`` (UTF-8 with a byte-order mark, so Excel opens the Chinese
header correctly), the same as an Excel workbook ``<source>.xlsx`` (its data sheet is named after
the source; text columns are formatted as text, so Excel keeps ``2023-03`` and ``000001`` as typed
instead of turning them into a date and a number; a second sheet 说明 describes each column), and
``ingestion/templates/README.md`` describing each column with its unit and the drop-folder
convention. The workbooks are byte-for-byte reproducible (fixed document dates and zip times).
``tests/test_templates.py`` fails while the committed files differ from what the registry renders.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from ingestion.registry import SECTION_TITLES, Source, registry

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
BOM = "\ufeff"
PERIOD_FORMATS = {
    "yyyy_mm": "month as `YYYY-MM` (e.g. `2023-03`)",
    "yyyy": "year as `YYYY` (e.g. `2022`)",
    "date": "date as `YYYY-MM-DD` (e.g. `2023-04-07`)",
}
TYPE_HINTS = {"string": "text", "float": "number", "int": "whole number", "date": "date `YYYY-MM-DD`"}
# Excel number formats of a template's columns: text stays text, dates show as ISO dates
XLSX_FORMATS = {"string": "@", "float": "General", "int": "0", "date": "yyyy-mm-dd"}
FIXED_MOMENT = datetime(2023, 1, 1)
FIXED_STAMP = b"2023-01-01T00:00:00Z"
NOTES_SHEET = "说明"


def curated_sources() -> list[Source]:
    return [s for s in registry().values() if s.is_curated]


def render_csv(source: Source) -> str:
    """The template of one curated source: its header line only."""
    names = source.column_names
    if len(names) != source.expected_column_count:
        raise ValueError(f"{source.name}: curated sources need fixed column names, not patterns")
    return BOM + ",".join(names) + "\n"


def render_xlsx(source: Source) -> bytes:
    """The template of one curated source as an Excel workbook (reproducible bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    render_csv(source)  # the same check of fixed column names
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = source.name
    for index, column in enumerate(source.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = Font(bold=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].number_format = XLSX_FORMATS[column.type]
        sheet.column_dimensions[letter].width = max(12, 2 * len(column.name) + 4)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append([f"{source.title}（{source.name}）：{source.description}"])
    notes.append(
        [
            f"在工作表 {source.name} 中每行填写一条（第 1 行为表头，请勿修改）；存为 .xlsx 后放入 data/inbox/{source.name}/。"
        ]
    )
    notes.append([])
    notes.append(["column", "type", "unit", "description"])
    for column in source.columns:
        notes.append([column.name, TYPE_HINTS[column.type].replace("`", ""), column.unit or "", column.description])
    for letter, width in zip("ABCD", (16, 16, 10, 60), strict=True):
        notes.column_dimensions[letter].width = width
    workbook.properties.creator = "cn-strategy-warehouse"
    workbook.properties.created = workbook.properties.modified = FIXED_MOMENT
    raw = io.BytesIO()
    workbook.save(raw)
    return _reproducible_zip(raw.getvalue())


def _reproducible_zip(data: bytes) -> bytes:
    """The same zip with fixed entry times and document dates (openpyxl stamps 'modified' on save),
    so the bytes depend on the content only."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + FIXED_STAMP, content)
            entry = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def _publication(source: Source) -> str:
    if source.publication is None:
        return "visible as soon as the file is landed"
    pub = source.publication
    grain = {"month": "month's last day", "year": "year's last day"}.get(source.period.grain, "day")
    return f"the {grain} + {pub.lag_days} days, at {pub.at:%H:%M} (Asia/Shanghai)"


def render_readme() -> str:
    lines = [
        "# Curated-file templates",
        "",
        "GENERATED from `ingestion/sources.yml` by `python -m ingestion.templates`; do not edit by hand.",
        "",
        "Sources that akshare does not cover are entered by analysts from the publishers' releases and",
        "land like any other source. Each has two templates here: a CSV file holding only the header line",
        "(UTF-8 with a byte-order mark, so Excel shows the Chinese column names; GB18030 is accepted too),",
        "and the same as an Excel workbook `<source>.xlsx`: its sheet named after the source holds the",
        "header, with text columns formatted as text (so Excel keeps `2023-03` and `000001` as typed), and",
        "its sheet 说明 describes the columns.",
        "",
        "## How to deliver a file",
        "",
        "1. Copy `<source>.xlsx` (or `<source>.csv`), fill one row per key (see each source below), and",
        "   save it as .xlsx (or CSV). Keep the header exactly as it is in row 1; leave a cell blank where",
        "   the publisher gives no value, and no empty row inside the table. A workbook is read from the",
        "   sheet named after the source (or its only sheet), as the values Excel shows: a date cell as",
        "   `YYYY-MM-DD` (`YYYY-MM` when formatted as a month), a percentage such as `12.5%` is refused",
        "   by the check (enter `12.5` in a `%` column).",
        "2. Drop it into `data/inbox/<source>/` (for example `data/inbox/caam_autos/caam_autos_2023-03.csv`).",
        "   The Dagster sensor `inbox_sensor` notices it within a minute and lands it: the file becomes one",
        "   immutable load in `data/landing/<source>/`, and is moved to `data/inbox/<source>/landed/`",
        "   (or to `rejected/` when it cannot be read as a table at all).",
        "3. Without Dagster running, land it by hand: `warehouse ingest <source> --file PATH`",
        "   (add `--available-at 2023-04-11T16:00+08:00` when entering history late, so builds as of an",
        "   earlier moment do not see it).",
        "",
        "The file's checks run with the next build (or at once in the Dagster UI, on the source's landing",
        "asset): a bad value is reported by file, line and column (in a workbook, line N is row N), and a",
        "failing load is quarantined; after review, `warehouse accept LOAD_ID --reason …` releases a load",
        "that is right although a check failed. A file identical to the source's latest load creates no new",
        "load (unless landed with another `--available-at`). Rows are kept per key, newest load",
        "wins, so a corrected file replaces the rows it repeats. One file per release is the convention",
        "(e.g. one month for monthly sources, one week for weekly ones); a file may hold several periods.",
        "",
        "A period counts as public only from its publication moment (last day of the period + the lag),",
        "so a report built as of an earlier moment ignores it even when the file is already landed.",
        "",
    ]
    for source in curated_sources():
        lines += [
            f"## `{source.name}` — {source.title}",
            "",
            f"{source.description}",
            "",
            f"- Template: `ingestion/templates/{source.name}.xlsx` or `.csv`; drop folder: `data/inbox/{source.name}/`",
            f"- Section: {SECTION_TITLES[source.section]} ({source.section}); cadence: {source.cadence}",
            f"- One row per: {', '.join(source.key)}; period: `{source.period.column}`, "
            f"{PERIOD_FORMATS.get(source.period.format, source.period.format)}",
            f"- Public from: {_publication(source)}",
            "",
            "| column | type | unit | description |",
            "|---|---|---|---|",
        ]
        for column in source.columns:
            description = column.description.replace("|", "\\|")
            unit = (column.unit or "").replace("|", "\\|")
            lines.append(f"| {column.name} | {TYPE_HINTS[column.type]} | {unit} | {description} |")
        lines.append("")
    return "\n".join(lines)


def rendered() -> dict[str, str | bytes]:
    """File name -> content (text, or bytes for workbooks) of everything in ``ingestion/templates/``."""
    out: dict[str, str | bytes] = {f"{s.name}.csv": render_csv(s) for s in curated_sources()}
    out.update({f"{s.name}.xlsx": render_xlsx(s) for s in curated_sources()})
    out["README.md"] = render_readme()
    return out


def write(folder: Path = TEMPLATES_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    expected = rendered()
    for stale in [*folder.glob("*.csv"), *folder.glob("*.xlsx")]:
        if stale.name not in expected:
            stale.unlink()
    for name, content in expected.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    for path in write():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
