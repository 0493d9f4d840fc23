"""Asset keys shared by several modules of the code location."""

import dagster as dg


def landing_key(source_name: str) -> dg.AssetKey:
    """The landing asset of a registry source: ``landing/<source>`` (dbt's sources map to it too)."""
    return dg.AssetKey(["landing", source_name])
