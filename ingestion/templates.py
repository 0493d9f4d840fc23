"""Curated-file templates, rendered from the source registry.

``python -m ingestion.templates`` writes, for every curated source, a header-only CSV
``ingestion/templates/<source>.csv`` (UTF-8 with a byte-order mark, so Excel opens the Chinese
header correctly) and ``ingestion/templates/README.md`` describing each column with its unit and
the drop-folder convention. ``tests/test_templates.py`` fails while the committed files differ
from what the registry renders.
"""

from __future__ import annotations

import sys
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


def curated_sources() -> list[Source]:
    return [s for s in registry().values() if s.is_curated]


def render_csv(source: Source) -> str:
    """The template of one curated source: its header line only."""
    names = source.column_names
    if len(names) != source.expected_column_count:
        raise ValueError(f"{source.name}: curated sources need fixed column names, not patterns")
    return BOM + ",".join(names) + "\n"


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
        "land like any other source. Each has a template here: a CSV file holding only the header line",
        "(UTF-8 with a byte-order mark, so Excel shows the Chinese column names; GB18030 is accepted too).",
        "",
        "## How to deliver a file",
        "",
        "1. Copy `<source>.csv`, fill one row per key (see each source below), and save it as CSV. Keep",
        "   the header exactly as it is; leave a cell blank where the publisher gives no value.",
        "2. Drop it into `data/inbox/<source>/` (for example `data/inbox/caam_autos/caam_autos_2023-03.csv`).",
        "   The Dagster sensor `inbox_sensor` notices it within a minute and lands it: the file becomes one",
        "   immutable load in `data/landing/<source>/`, and is moved to `data/inbox/<source>/landed/`",
        "   (or to `rejected/` when it cannot be read as a table at all).",
        "3. Without Dagster running, land it by hand: `warehouse ingest <source> --file PATH`",
        "   (add `--available-at 2023-04-11T16:00+08:00` when entering history late, so builds as of an",
        "   earlier moment do not see it).",
        "",
        "The file's checks run with the next build (or at once in the Dagster UI, on the source's landing",
        "asset): a bad value is reported by file, line and column, and a failing load is quarantined. A file",
        "identical to the source's latest load creates no new load. Rows are kept per key, newest load",
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
            f"- Template: `ingestion/templates/{source.name}.csv`; drop folder: `data/inbox/{source.name}/`",
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


def rendered() -> dict[str, str]:
    """File name -> content of everything in ``ingestion/templates/``."""
    out = {f"{s.name}.csv": render_csv(s) for s in curated_sources()}
    out["README.md"] = render_readme()
    return out


def write(folder: Path = TEMPLATES_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    expected = rendered()
    for stale in folder.glob("*.csv"):
        if stale.name not in expected:
            stale.unlink()
    for name, content in expected.items():
        path = folder / name
        path.write_text(content, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    for path in write():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
