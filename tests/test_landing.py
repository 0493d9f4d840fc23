"""The landing zone: raw stays raw, loads are immutable, identical content lands once."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from ground.settings import Paths
from ingestion.files import FileFormatError, ParamsError, ingest_file, resolve_params
from ingestion.landing import LandingError, land_frame, list_loads, read_load, verify_load
from ingestion.registry import get_source

from .conftest import hgjck_frame

HGJCK = get_source("macro_china_hgjck")


def _frame() -> pd.DataFrame:
    return hgjck_frame(["2023-02", "2023-03"], [2.1e8, 3.1559e8], [1.9e8, 2.274e8], [-6.8, 14.8])


def test_a_load_keeps_the_raw_frame_and_its_manifest(warehouse_home: Paths) -> None:
    fetched = datetime(2023, 4, 13, 6, 0, tzinfo=UTC)
    result = land_frame(HGJCK, _frame(), {}, origin="akshare", fetched_at=fetched)
    load = result.load
    assert result.created
    assert list(read_load(load).columns) == HGJCK.column_names  # Chinese column names, untouched
    assert read_load(load)["当月出口额-金额"].iloc[0] == pytest.approx(3.1559e8)  # thousand USD, not converted
    assert (load.rows, load.period_min, load.period_max) == (2, "2023-02-01", "2023-03-01")
    assert load.fetched_at == load.available_at == fetched.isoformat()
    assert load.akshare_version == "1.19.5"
    assert len(load.content_hash) == 64
    for path in (load.parquet_path, load.manifest_path):
        assert not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), f"{path} is writable"


def test_identical_content_creates_no_new_load(warehouse_home: Paths) -> None:
    first = land_frame(HGJCK, _frame(), {}, origin="akshare")
    again = land_frame(HGJCK, _frame(), {}, origin="akshare")
    assert not again.created and again.load.load_id == first.load.load_id
    changed = _frame()
    changed.loc[0, "当月出口额-金额"] += 1
    third = land_frame(HGJCK, changed, {}, origin="akshare")
    assert third.created
    assert [ld.load_id for ld in list_loads(source=HGJCK.name)] == [first.load.load_id, third.load.load_id]


def test_same_content_for_another_parameter_set_is_a_separate_load(warehouse_home: Paths) -> None:
    hsgt = get_source("stock_hsgt_hist_em")
    frame = pd.DataFrame({"日期": [datetime(2023, 4, 14).date()], "当日成交净买额": [1.0]})
    north = land_frame(hsgt, frame, {"symbol": "北向资金"}, origin="test")
    south = land_frame(hsgt, frame, {"symbol": "南向资金"}, origin="test")
    assert north.created and south.created and north.load.load_id != south.load.load_id


def test_a_corrupt_or_missing_landing_file_is_named(warehouse_home: Paths) -> None:
    load = land_frame(HGJCK, _frame(), {}, origin="akshare").load
    os.chmod(load.parquet_path, 0o644)
    load.parquet_path.write_bytes(load.parquet_path.read_bytes()[:100])
    with pytest.raises(LandingError, match=str(load.parquet_path)):
        verify_load(load)
    load.parquet_path.unlink()
    with pytest.raises(LandingError, match="is missing"):
        read_load(load)


def test_a_parquet_file_without_its_manifest_is_not_a_load(warehouse_home: Paths) -> None:
    load = land_frame(HGJCK, _frame(), {}, origin="akshare").load
    os.chmod(load.manifest_path, 0o644)
    load.manifest_path.unlink()  # as if the process died between the two writes
    assert list_loads(source=HGJCK.name) == []


def test_ingesting_a_csv_keeps_codes_and_lands_bad_cells_as_text(warehouse_home: Paths, tmp_path: Path) -> None:
    source = get_source("stock_margin_detail_szse")
    csv = tmp_path / "szse.csv"
    csv.write_text(
        "证券代码,证券简称,融资买入额,融资余额,融券卖出量,融券余量,融券余额,融资融券余额\n"
        "000001,平安银行,100,2000,1,2,3,2003\n"
        "300750,宁德时代,n/a,5000,0,0,0,5000\n",
        encoding="utf-8",
    )
    load = ingest_file(source, csv, {"date": "20230414"}).load
    frame = read_load(load)
    assert frame["证券代码"].tolist() == ["000001", "300750"]  # leading zeros kept
    assert frame["融资买入额"].tolist() == ["100", "n/a"]  # left as text for the check to report
    assert frame["融资余额"].dtype.kind == "f"
    assert load.params == {"date": "20230414"} and load.file_name == "szse.csv"


def test_ingest_refuses_unreadable_files_and_wrong_parameters(warehouse_home: Paths, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"empty\.csv"):
        ingest_file(HGJCK, empty)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\n1,2\n1,2,3\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"ragged\.csv line 3"):
        ingest_file(HGJCK, ragged)
    with pytest.raises(ParamsError, match="give --param date=YYYYMMDD"):
        resolve_params(get_source("stock_margin_szse"), {})
    with pytest.raises(ParamsError, match="one load per parameter set"):
        resolve_params(get_source("stock_hsgt_hist_em"), {"symbol": "东向资金"})
    assert resolve_params(get_source("stock_hsgt_hist_em"), {"symbol": "南向资金"}) == {"symbol": "南向资金"}


def test_the_landing_view_reads_loads_of_different_shapes_by_column_name(warehouse_home: Paths) -> None:
    """A later load with an extra column (upstream added one) and columns in another order still
    lines up by name in ``landing.<source>``; loads of one shape bind from a single file."""
    import duckdb

    from warehouse.landing_views import refresh_source_view

    first = land_frame(HGJCK, _frame(), {}, origin="test", fetched_at=datetime(2023, 4, 13, tzinfo=UTC)).load
    later = _frame().iloc[::-1, ::-1].copy()  # columns reversed
    later["月份"] = ["2023年04月份", "2023年05月份"]
    later["新增列"] = 1.0
    second = land_frame(HGJCK, later, {}, origin="test", fetched_at=datetime(2023, 6, 13, tzinfo=UTC)).load
    with duckdb.connect(str(warehouse_home.working_db)) as con:
        refresh_source_view(con, HGJCK, [first])
        assert (
            "union_by_name = false"
            in con.execute(
                "select sql from duckdb_views() where schema_name = 'landing' and view_name = 'macro_china_hgjck'"
            ).fetchone()[0]
        )
        refresh_source_view(con, HGJCK, [first, second])
        rows = con.execute(
            'select "月份", "当月出口额-金额", "新增列", _load_id from landing.macro_china_hgjck order by "月份"'
        ).fetchall()
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("2023年02月份", None, first.load_id),
        ("2023年03月份", None, first.load_id),
        ("2023年04月份", 1.0, second.load_id),
        ("2023年05月份", 1.0, second.load_id),
    ]
    exports = dict(zip(later["月份"], later["当月出口额-金额"], strict=True))
    assert [r[1] for r in rows[2:]] == [exports["2023年04月份"], exports["2023年05月份"]]  # by name, not position


def test_a_write_sweeps_what_a_killed_writer_left(warehouse_home: Paths) -> None:
    first = land_frame(HGJCK, _frame(), {}, origin="test", fetched_at=datetime(2023, 4, 13, tzinfo=UTC)).load
    folder = first.parquet_path.parent
    (folder / "20230414T000000000000Z-0123456789.json.tmp").write_bytes(b'{"load_id": "2023')  # cut short
    orphan = folder / "20230414T000000000000Z-abcdefabcd.parquet"  # its manifest never written
    orphan.write_bytes(first.parquet_path.read_bytes())
    changed = _frame()
    changed.loc[0, "当月出口额-金额"] += 1
    second = land_frame(HGJCK, changed, {}, origin="test").load
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == sorted(
        p.name for ld in (first, second) for p in (ld.parquet_path, ld.manifest_path)
    )
    assert [ld.load_id for ld in list_loads(source=HGJCK.name)] == [first.load_id, second.load_id]


def test_a_failed_write_removes_its_partial_files(warehouse_home: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from ingestion import landing

    original = landing._write_once

    def disk_full_at_the_manifest(path: Path, data: bytes) -> None:
        if path.suffix == ".json":
            path.with_name(path.name + ".tmp").write_bytes(data[:10])
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        original(path, data)

    monkeypatch.setattr(landing, "_write_once", disk_full_at_the_manifest)
    with pytest.raises(OSError, match="No space left"):
        land_frame(HGJCK, _frame(), {}, origin="test")
    folder = warehouse_home.landing / HGJCK.name
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == []  # no .tmp, no orphan Parquet
    monkeypatch.setattr(landing, "_write_once", original)
    assert land_frame(HGJCK, _frame(), {}, origin="test").created  # and the retry lands


def test_identical_ingests_at_the_same_moment_land_once(warehouse_home: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two writers both ask 'is this identical to the latest load?' before either writes."""
    import contextlib
    import threading

    from ingestion import landing

    both_looked = threading.Barrier(2, timeout=2)
    original = landing.latest_load

    def latest_then_wait(*args, **kwargs):
        found = original(*args, **kwargs)
        # without a lock both writers get here having seen no load; with it, the other one waits
        with contextlib.suppress(threading.BrokenBarrierError):
            both_looked.wait()
        return found

    monkeypatch.setattr(landing, "latest_load", latest_then_wait)
    results: list = []
    writers = [
        threading.Thread(target=lambda: results.append(land_frame(HGJCK, _frame(), {}, origin="test")))
        for _ in range(2)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=30)
    assert sorted(r.created for r in results) == [False, True]
    assert len(list_loads(source=HGJCK.name)) == 1
