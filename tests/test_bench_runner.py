"""Smoke tests of the benchmark runner's measuring and recording (bench/measure.py, bench/results.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from bench.measure import run
from bench.results import Report, Row, append, markdown


def _own_memory_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError(field)


def test_child_peak_memory_is_the_childs_own() -> None:
    """A child's ru_maxrss must not inherit this process's peak (the vfork + exec quirk).

    A forked child briefly maps this process's current pages before it execs, so its peak is at
    least this process's resident set at that moment (pytest with everything imported); it must
    not be this process's high-water mark, which the ballast pushes 300 MB higher.
    """
    ballast = np.ones(300 * 2**20, dtype=np.uint8)  # this process now peaks 300 MB higher
    del ballast
    resident, peak = _own_memory_mb("VmRSS"), _own_memory_mb("VmHWM")
    small = run([sys.executable, "-c", "pass"], label="small")
    big = run([sys.executable, "-c", "import numpy as np; a = np.ones(150 * 2**20, dtype=np.uint8)"], label="big")
    assert small.ok and big.ok
    assert small.max_rss_mb < max(resident, 40) + 60 < peak, (small.max_rss_mb, resident, peak)
    assert big.max_rss_mb > 150, big.max_rss_mb
    assert big.tree_peak_mb >= big.max_rss_mb


def test_failures_and_logs_are_kept(tmp_path: Path) -> None:
    log = tmp_path / "child.log"
    m = run([sys.executable, "-c", "import sys; print('hello'); sys.exit(3)"], label="fails", log=log)
    assert m.returncode == 3 and not m.ok
    assert "hello" in log.read_text()


def test_results_are_appended_under_runs(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text("# Benchmark results\n\n## Closing note\n\ntext\n\n## Runs\n")
    report = Report("`python -m bench demo`")
    report.rows.append(Row("1", "cold demo build", "`warehouse demo`", 12.5, 500.0, 700.0, "1.5 ×", "≤ 2 ×", True))
    report.rows.append(Row("2", "no-op rebuild", "`warehouse build`", 30.0, None, None, "", "≤ 10 s", False))
    report.details.append("a detail")
    append(report, path)
    append(report, path)
    text = path.read_text()
    assert text.startswith("# Benchmark results\n\n## Closing note")
    assert text.count("### ") == 2 and text.index("## Runs") < text.index("### ")
    table = markdown(report)
    assert "| 1 | cold demo build | `warehouse demo` | 12.5 | 500 | 700 | 1.5 × | ≤ 2 × | yes |" in table
    assert "| 2 | no-op rebuild | `warehouse build` | 30.0 | — | — |  | ≤ 10 s | **no** |" in table
    assert "- commit: " in table and "- machine: " in table
