"""Installing the demo snapshot survives a kill or a full disk, and repairs what one left behind."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from ground.settings import DEMO_LANDING, Paths
from ingestion.landing import LandingError, list_loads, verify_load

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not any(DEMO_LANDING.glob("*/*.json")), reason="the demo snapshot has no loads"),
]


def _largest_parquet(root: Path) -> Path:
    return max(root.glob("*/*.parquet"), key=lambda path: path.stat().st_size)


def _same_as_snapshot(path: Path, landing: Path) -> bool:
    return path.read_bytes() == (DEMO_LANDING / path.relative_to(landing)).read_bytes()


def test_a_truncated_demo_file_is_replaced_by_the_next_warehouse_demo(
    warehouse_home: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The finding: a Parquet file cut to 8 KiB stayed, and every later build failed on it."""
    from cli import build
    from cli.commands import install_demo_snapshot, main

    p = warehouse_home
    install_demo_snapshot()
    damaged = _largest_parquet(p.landing)
    assert damaged.stat().st_size > 8192
    os.chmod(damaged, 0o644)
    with open(damaged, "r+b") as fh:
        fh.truncate(8192)
    (load,) = [ld for ld in list_loads() if ld.parquet_path == damaged]
    with pytest.raises(LandingError, match="corrupt or unreadable"):
        verify_load(load)

    built = []
    done = build.BuildOutcome(week="2023-W15", as_of="", success=True, run_id="", seconds=0.0, skipped=True)
    monkeypatch.setattr(build, "run_build", lambda *args, **kwargs: built.append(args) or done)
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert f"replaced 1 damaged file(s): {damaged.name}" in result.output
    assert built == [("2023-W15",)]

    assert _same_as_snapshot(damaged, p.landing)
    assert not stat.S_IMODE(damaged.stat().st_mode) & 0o222  # read-only again, like every landing file
    for each in list_loads():
        verify_load(each)  # what the build's landing step checks first


def test_an_install_cut_short_by_a_full_disk_leaves_no_partial_file(
    warehouse_home: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from ingestion import demo_snapshot

    p = warehouse_home
    real_copy = shutil.copyfileobj
    calls = {"n": 0}

    def copy_until_the_disk_is_full(src, dst, length=0):
        calls["n"] += 1
        if calls["n"] == 40:
            dst.write(src.read(100))
            raise OSError(errno.ENOSPC, "No space left on device")
        real_copy(src, dst, length)

    monkeypatch.setattr(demo_snapshot.shutil, "copyfileobj", copy_until_the_disk_is_full)
    with pytest.raises(OSError, match="No space left"):
        demo_snapshot.install_demo_snapshot()
    landed = [path for path in p.landing.rglob("*") if path.is_file() and path.name != ".lock"]
    assert landed and not [path for path in landed if path.name.endswith(".tmp")]
    assert all(_same_as_snapshot(path, p.landing) for path in landed)  # nothing truncated under a load's name
    names = {path.with_suffix("").as_posix() for path in landed}
    assert all(len([x for x in landed if x.with_suffix("").as_posix() == n]) == 2 for n in names)  # whole loads only

    monkeypatch.setattr(demo_snapshot.shutil, "copyfileobj", real_copy)
    again = demo_snapshot.install_demo_snapshot()
    total = sum(1 for path in DEMO_LANDING.glob("*/*") if path.suffix in (".json", ".parquet"))
    assert (again.present, again.copied, again.replaced) == (len(landed), total - len(landed), [])
    for each in list_loads():
        verify_load(each)
