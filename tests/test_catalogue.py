"""The load catalogue: every landed load is one row of <landing>/_catalogue.duckdb, rebuildable from the manifests."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from cli.commands import main
from ground.settings import Paths
from ingestion.catalogue import CATALOGUE_FILE, catalogue_of
from ingestion.landing import land_frame, list_loads, read_manifest
from ingestion.registry import get_source

from .conftest import hgjck_frame

HGJCK = get_source("macro_china_hgjck")
FETCHED = datetime(2023, 4, 13, 6, 0, tzinfo=UTC)


def _frame(bump: float = 0.0):
    return hgjck_frame(["2023-02", "2023-03"], [2.1e8 + bump, 3.1559e8], [1.9e8, 2.274e8], [-6.8, 14.8])


def _catalogue_rows(landing: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(landing / CATALOGUE_FILE), read_only=True)
    try:
        rows = con.execute("select load_id, source, available_at, rows, period_min, period_max from loads").fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


def _forget_process_cache() -> None:
    """As a new process would start: nothing of the catalogue in memory."""
    import ingestion.catalogue as module

    module._CATALOGUES.clear()


def _land(n: int) -> list:
    return [land_frame(HGJCK, _frame(i), origin="test", fetched_at=FETCHED + timedelta(days=i)).load for i in range(n)]


def test_each_load_is_recorded_in_the_same_step_as_its_files(warehouse_home: Paths) -> None:
    (load,) = _land(1)
    rows = _catalogue_rows(warehouse_home.landing)  # read straight from the file, no listing involved
    assert rows == {
        load.load_id: (HGJCK.name, load.available_at, 2, datetime(2023, 2, 1).date(), datetime(2023, 3, 1).date())
    }
    assert list_loads(source=HGJCK.name) == [read_manifest(load.manifest_path, warehouse_home.landing)]


def test_readers_use_the_catalogue_not_the_manifest_files(
    warehouse_home: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = _land(3)
    _forget_process_cache()
    import ingestion.catalogue as module

    opened = []
    monkeypatch.setattr(module, "read_manifest", lambda path, root: opened.append(path))
    assert [ld.load_id for ld in list_loads(source=HGJCK.name)] == [ld.load_id for ld in loads]
    assert opened == []  # no manifest was parsed


def test_the_catalogue_is_rebuilt_from_the_manifests_by_command(warehouse_home: Paths) -> None:
    loads = _land(3)
    before = _catalogue_rows(warehouse_home.landing)
    (warehouse_home.landing / CATALOGUE_FILE).unlink()
    result = CliRunner().invoke(main, ["catalogue", "--rebuild"])
    assert result.exit_code == 0, result.output
    assert "from 3 manifest(s)" in result.output
    assert _catalogue_rows(warehouse_home.landing) == before
    status = CliRunner().invoke(main, ["catalogue"])
    assert status.exit_code == 0 and "Loads:     3 of 1 source(s)" in status.output
    _forget_process_cache()
    assert [ld.load_id for ld in list_loads()] == [ld.load_id for ld in loads]


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_a_missing_or_corrupt_catalogue_is_rebuilt_loudly(
    warehouse_home: Paths, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    loads = _land(2)
    path = warehouse_home.landing / CATALOGUE_FILE
    if damage == "missing":
        path.unlink()
    else:
        path.write_bytes(b"not a database" * 1000)
    _forget_process_cache()
    with caplog.at_level(logging.WARNING, logger="ingestion.catalogue"):
        assert [ld.load_id for ld in list_loads(source=HGJCK.name)] == [ld.load_id for ld in loads]
    assert any("rebuilt from 2 manifest(s)" in r.getMessage() and damage in r.getMessage() for r in caplog.records)
    assert set(_catalogue_rows(warehouse_home.landing)) == {ld.load_id for ld in loads}
    if damage == "corrupt":
        assert list(warehouse_home.landing.glob(f"{CATALOGUE_FILE}.corrupt-*")), "the corrupt file is kept aside"


def test_loads_copied_in_or_removed_by_hand_are_noticed(warehouse_home: Paths, tmp_path: Path) -> None:
    first, second = _land(2)
    # a load copied into the zone (Parquet, then manifest), as a restore or the demo install does
    elsewhere = tmp_path / "elsewhere"
    copied = land_frame(HGJCK, _frame(99), origin="test", fetched_at=FETCHED + timedelta(days=30), root=elsewhere).load
    shutil.copyfile(copied.parquet_path, warehouse_home.landing / HGJCK.name / copied.parquet_path.name)
    shutil.copyfile(copied.manifest_path, warehouse_home.landing / HGJCK.name / copied.manifest_path.name)
    # a load dropped by removing its manifest (what the corrupt-file message tells the user to do)
    os.chmod(first.manifest_path, 0o644)
    first.manifest_path.unlink()
    assert [ld.load_id for ld in list_loads(source=HGJCK.name)] == [second.load_id, copied.load_id]
    assert set(_catalogue_rows(warehouse_home.landing)) == {second.load_id, copied.load_id}


def test_reading_a_zone_that_is_not_this_warehouse_writes_nothing(warehouse_home: Paths, tmp_path: Path) -> None:
    """The embedded demo snapshot, a backup: read from the manifests, no catalogue file created there."""
    zone = tmp_path / "snapshot"
    load = land_frame(HGJCK, _frame(), origin="test", fetched_at=FETCHED, root=zone).load
    (zone / CATALOGUE_FILE).unlink()
    _forget_process_cache()
    assert [ld.load_id for ld in list_loads(zone)] == [load.load_id]
    assert not (zone / CATALOGUE_FILE).exists()


def _land_in_child(
    home: str, bump: float, barrier: multiprocessing.synchronize.Barrier, out: multiprocessing.Queue
) -> None:
    os.environ["WAREHOUSE_HOME"] = home
    barrier.wait()
    result = land_frame(HGJCK, _frame(bump), origin="test")
    out.put((result.load.load_id, result.created))


@pytest.mark.parametrize("same_content", [True, False])
def test_two_processes_landing_at_once(warehouse_home: Paths, same_content: bool) -> None:
    """Identical content lands once (the dedupe holds the landing lock); different content lands twice."""
    _land(1)  # the catalogue exists
    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(2), context.Queue()
    children = [
        context.Process(
            target=_land_in_child, args=(str(warehouse_home.home), 7.0 if same_content else i, barrier, out)
        )
        for i in (10.0, 20.0)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=120)
        assert child.exitcode == 0
    results = [out.get(timeout=5) for _ in children]
    created = [load_id for load_id, was_created in results if was_created]
    _forget_process_cache()
    on_disk = {p.stem for p in (warehouse_home.landing / HGJCK.name).glob("*.json")}
    assert set(_catalogue_rows(warehouse_home.landing)) == on_disk
    if same_content:
        assert len(created) == 1 and {load_id for load_id, _ in results} == set(created)
        assert len(on_disk) == 2
    else:
        assert len(created) == 2 and len(on_disk) == 3


def test_a_batch_records_its_loads_with_one_write(warehouse_home: Paths) -> None:
    _land(1)
    catalogue = catalogue_of()
    with catalogue.batch():
        inside = [
            land_frame(HGJCK, _frame(100 + i), origin="test", fetched_at=FETCHED + timedelta(days=40 + i)).load
            for i in range(3)
        ]
        assert not set(ld.load_id for ld in inside) & set(_catalogue_rows(warehouse_home.landing))
    assert {ld.load_id for ld in inside} <= set(_catalogue_rows(warehouse_home.landing))
    manifest = json.loads(inside[0].manifest_path.read_text(encoding="utf-8"))
    assert manifest["load_id"] == inside[0].load_id


def test_the_landing_step_reads_only_new_or_changed_landing_files(
    warehouse_home: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file read whole when its view was created is not read again; one changed since is, and named."""
    import ingestion.landing as landing
    from warehouse.landing_views import refresh_source_view, unreadable_loads

    loads = _land(3)
    with duckdb.connect(str(warehouse_home.working_db)) as con:
        assert unreadable_loads(con, HGJCK, loads) == []
        refresh_source_view(con, HGJCK, loads)
        read = []
        monkeypatch.setattr(landing, "verify_load", lambda load: read.append(load.load_id))
        assert unreadable_loads(con, HGJCK, loads) == [] and read == []
        monkeypatch.undo()
        damaged = loads[1].parquet_path
        os.chmod(damaged, 0o644)
        damaged.write_bytes(damaged.read_bytes()[:100])
        problems = unreadable_loads(con, HGJCK, loads)
    assert len(problems) == 1 and str(damaged) in problems[0]
