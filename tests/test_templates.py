"""Curated-file templates: rendered from the registry, and a filled template lands as a load."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from ground.time_zone import SHANGHAI
from ingestion.files import ingest_file
from ingestion.landing import read_load
from ingestion.registry import get_source, registry
from ingestion.templates import BOM, TEMPLATES_DIR, curated_sources, rendered


def _comparable(content: str | bytes) -> object:
    """Text as it is; a workbook as its zip entries (names and contents, not compressed bytes)."""
    if isinstance(content, str):
        return content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_committed_templates_are_what_the_registry_renders() -> None:
    expected = {name: _comparable(content) for name, content in rendered().items()}
    committed = {
        p.name: _comparable(p.read_bytes() if p.suffix == ".xlsx" else p.read_text(encoding="utf-8"))
        for p in TEMPLATES_DIR.iterdir()
        if p.is_file()
    }
    assert committed == expected, "ingestion/templates/ is stale: run `python -m ingestion.templates`"


def test_one_template_per_curated_source_with_the_registry_header() -> None:
    curated = {s.name for s in registry().values() if s.is_curated}
    assert {s.name for s in curated_sources()} == curated
    for name in curated:
        header = (TEMPLATES_DIR / f"{name}.csv").read_text(encoding="utf-8").removeprefix(BOM).strip()
        assert header.split(",") == get_source(name).column_names
    readme = (TEMPLATES_DIR / "README.md").read_text(encoding="utf-8")
    assert "data/inbox/<source>/" in readme and "warehouse ingest <source> --file PATH" in readme
    for name in curated:
        assert f"`{name}`" in readme


def _fill(name: str, rows: list[str], folder: Path, encoding: str = "utf-8") -> Path:
    template = (TEMPLATES_DIR / f"{name}.csv").read_text(encoding="utf-8")
    path = folder / f"{name}_filled.csv"
    path.write_text(template + "".join(r + "\n" for r in rows), encoding=encoding)
    return path


def test_a_filled_monthly_template_lands(tmp_path: Path) -> None:
    path = _fill(
        "caam_autos",
        [
            "2023-03,汽车,258.38,245.1,15.3,9.7,619.7,607.67,-2.4,-3.9",
            "2023-03,中国品牌乘用车,,105.16,,16.4,,,,",
        ],
        tmp_path,
    )
    moment = datetime(2023, 4, 11, 16, 0, tzinfo=SHANGHAI)
    result = ingest_file(get_source("caam_autos"), path, available_at=moment, root=tmp_path / "landing")
    load = result.load
    assert result.created and load.rows == 2 and load.origin == "file" and load.file_name == path.name
    assert load.period_max == "2023-03-01" and load.available_at_dt == moment
    assert get_source("caam_autos").schema_problems([c for c, _ in load.columns]) == []
    frame = read_load(load)
    assert frame["产量"].dtype == "float64" and frame["产量"].isna().tolist() == [False, True]
    assert frame.loc[1, "销量"] == pytest.approx(105.16)
    again = ingest_file(get_source("caam_autos"), path, available_at=moment, root=tmp_path / "landing")
    assert not again.created and again.load.load_id == load.load_id


def test_a_filled_daily_template_in_gb18030_lands_with_dates(tmp_path: Path) -> None:
    template = (TEMPLATES_DIR / "planned_reductions.csv").read_text(encoding="utf-8").removeprefix(BOM)
    path = tmp_path / "planned_reductions_2023-W15.csv"
    path.write_text(template + "2023-04-14,600519,贵州茅台,某投资有限公司,120.5,0.96,1805.5\n", encoding="gb18030")
    result = ingest_file(get_source("planned_reductions"), path, root=tmp_path / "landing")
    frame = read_load(result.load)
    assert frame.loc[0, "公告日期"] == date(2023, 4, 14) and frame.loc[0, "股票简称"] == "贵州茅台"
    assert [t for _, t in result.load.columns] == [
        "date32[day]",
        "string",
        "string",
        "string",
        "double",
        "double",
        "double",
    ]
