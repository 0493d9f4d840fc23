"""Render dbt's ``models/staging/__sources.yml`` from the source registry.

Run ``python -m ingestion.dbt_sources`` after editing ``ingestion/sources.yml``;
``tests/test_registry.py`` fails while the committed file differs from what this renders.
"""

from __future__ import annotations

import sys
import textwrap
from typing import Any

import yaml

from ground.settings import DBT_PROJECT_DIR
from ingestion.load_metadata import LOAD_METADATA_COLUMNS, names
from ingestion.registry import SECTION_TITLES, Source, registry

SOURCES_YML = DBT_PROJECT_DIR / "models" / "staging" / "__sources.yml"

_ABOUT = (
    "Each table is a view the landing asset creates over the landing zone: the raw columns exactly as the source "
    f"returned them plus load metadata ({', '.join(names())})."
)
HEADER = (
    "# GENERATED from ingestion/sources.yml by `python -m ingestion.dbt_sources`; do not edit by hand.\n"
    + "".join(f"# {line}\n" for line in textwrap.wrap(_ABOUT, width=95))
)

# the metadata columns' documentation, from their one declaration
LOAD_COLUMNS = [(c.name, c.description) for c in LOAD_METADATA_COLUMNS]


def _column_doc(source: Source) -> list[dict[str, Any]]:
    docs = []
    for column in source.columns:
        unit = f" Unit: {column.unit}." if column.unit else ""
        if column.name is None:
            continue
        docs.append(
            {"name": column.name, "description": f"{column.description}.{unit} ({column.type})".replace("..", ".")}
        )
    docs += [{"name": name, "description": text} for name, text in LOAD_COLUMNS]
    return docs


def _table(source: Source) -> dict[str, Any]:
    origin = f"akshare `{source.function}` ({', '.join(source.hosts)})" if source.kind == "akshare" else "curated file"
    patterns = [c for c in source.columns if c.pattern]
    pattern_note = "".join(
        f" Columns matching `{c.pattern}` ({c.count}): {c.description} ({c.unit or c.type})." for c in patterns
    )
    meta: dict[str, Any] = {
        "dagster": {"asset_key": ["landing", source.name]},
        "kind": source.kind,
        "section": source.section,
        "cadence": source.cadence,
        "history": source.history,
        "key": list(source.key),
        "period": {k: v for k, v in vars(source.period).items() if v is not None},
        "publication": (
            {"lag_days": source.publication.lag_days, "at": source.publication.at.strftime("%H:%M")}
            if source.publication
            else None
        ),
    }
    if source.function:
        meta["function"] = source.function
    return {
        "name": source.name,
        "description": f"{source.title} ({SECTION_TITLES[source.section]}): {source.description} Origin: {origin}.{pattern_note}",
        "meta": meta,
        "columns": _column_doc(source),
    }


def render() -> str:
    document = {
        "version": 2,
        "sources": [
            {
                "name": "landing",
                "description": "Raw landed data, one view per registered source (ingestion/sources.yml).",
                "schema": "landing",
                "tables": [_table(s) for s in registry().values()],
            }
        ],
    }
    return HEADER + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)


def main() -> int:
    SOURCES_YML.parent.mkdir(parents=True, exist_ok=True)
    SOURCES_YML.write_text(render(), encoding="utf-8")
    print(SOURCES_YML)
    return 0


if __name__ == "__main__":
    sys.exit(main())
