"""The demo's curated loads come through files: each load is written as the CSV an analyst fills
in from the source's template and read back with the parser ``warehouse ingest`` and the inbox
use (:func:`ingestion.files.read_raw_file`), so the demo lands what that parser makes of the file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ingestion.demo.common import LoadSpec
from ingestion.files import read_raw_file
from ingestion.registry import Source

ENCODING = "utf-8"


def write_curated_file(spec: LoadSpec, folder: Path) -> Path:
    """The load's frame as a CSV file named as the analyst's file (``spec.file_name``)."""
    if not spec.file_name:
        raise ValueError(f"a curated demo load needs a file name ({spec.params})")
    path = folder / spec.file_name
    spec.frame.to_csv(path, index=False, encoding=ENCODING)
    return path


def read_curated_loads(source: Source, specs: list[LoadSpec]) -> Iterator[tuple[LoadSpec, pd.DataFrame]]:
    """Each spec with the frame the user's file parser reads from its CSV file."""
    with tempfile.TemporaryDirectory(prefix=f"demo-{source.name}-") as tmp:
        for spec in specs:
            yield spec, read_raw_file(source, write_curated_file(spec, Path(tmp)))
