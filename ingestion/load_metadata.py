"""The load metadata columns: the one declaration of what every ``landing.<source>`` view adds to a
source's raw columns, and which of them staging models carry on.

:mod:`warehouse.landing_views` builds the views' metadata columns from :data:`LOAD_METADATA_COLUMNS`
(over ``landing._loads``, itself filled from the catalogue's :class:`~ingestion.landing.Load`
records), :mod:`ingestion.dbt_sources` documents them in dbt's ``__sources.yml``, and
``tests/test_load_metadata.py`` checks the rest against this declaration: the ``landing._loads``
columns each one comes from, the catalogue's columns against the ``Load`` fields, and the
``_load_id as load_id``, ``_available_at as loaded_at``, ``_demo as is_demo`` of every staging model
(:data:`STAGING_METADATA`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LoadMetadataColumn:
    """One metadata column of a ``landing.<source>`` view."""

    name: str
    sql_type: str  # its DuckDB type
    expression: str  # over ``landing._loads l`` and the file's rows ``r`` (read_parquet)
    description: str  # dbt's documentation of the column

    @property
    def loads_column(self) -> str | None:
        """The ``landing._loads`` column it is read from (None: from the landed file itself)."""
        return self.expression[2:] if self.expression.startswith("l.") else None


LOAD_METADATA_COLUMNS: tuple[LoadMetadataColumn, ...] = (
    LoadMetadataColumn(
        "_load_id", "varchar", "l.load_id", "The load (one akshare call or one curated file) the row came from."
    ),
    LoadMetadataColumn("_params", "json", "l.params", "Parameters of the call that produced the load (JSON)."),
    LoadMetadataColumn(
        "_series",
        "json",
        "l.series",
        "Parameters naming the series, without call dates (JSON); versions are kept per series and key.",
    ),
    LoadMetadataColumn(
        "_fetched_at", "timestamptz", "l.fetched_at", "When the load was fetched or the file ingested (UTC)."
    ),
    LoadMetadataColumn(
        "_available_at",
        "timestamptz",
        "l.available_at",
        "From when the load counts as known; a build as of T reads only loads available by T.",
    ),
    LoadMetadataColumn("_origin", "varchar", "l.origin", "akshare, file, inbox or demo."),
    LoadMetadataColumn(
        "_demo",
        "boolean",
        "l.demo",
        "True for loads of the embedded demo snapshot (synthetic filler and published figures).",
    ),
    LoadMetadataColumn(
        "_row",
        "bigint",
        "r.file_row_number + 1",
        "Row number within the load (1-based); curated files: line = row + 1.",
    ),
)

# what every staging model carries into the marts: landing metadata column -> staging column
STAGING_METADATA = {"_load_id": "load_id", "_available_at": "loaded_at", "_demo": "is_demo"}


def names() -> list[str]:
    return [c.name for c in LOAD_METADATA_COLUMNS]


def view_select() -> str:
    """The metadata columns of a view over landed files (``r``) joined to ``landing._loads l``."""
    return ", ".join(f"{c.expression} as {c.name}" for c in LOAD_METADATA_COLUMNS)


def empty_view_select() -> str:
    """The same columns, typed and null, for the view of a source without a usable load."""
    return ", ".join(f"cast(null as {c.sql_type}) as {c.name}" for c in LOAD_METADATA_COLUMNS)
