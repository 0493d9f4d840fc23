"""The results table: printed to the terminal and appended to bench/RESULTS.md."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS_MD = Path(__file__).resolve().parent / "RESULTS.md"
RUNS_HEADING = "## Runs"


@dataclass
class Row:
    number: str  # "1", "2", "4a" …
    benchmark: str
    measured: str  # what ran
    seconds: float | None
    peak_mb: float | None = None  # largest single process (ru_maxrss)
    tree_mb: float | None = None  # whole process tree, sampled
    ratio: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class Report:
    title: str
    rows: list[Row] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    definitions: str = field(default_factory=lambda: definitions())  # at the start: models may change mid-run
    load_start: tuple[float, float, float] = field(default_factory=os.getloadavg)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print(_text_row(row), flush=True)
        return row

    def detail(self, line: str) -> None:
        self.details.append(line)
        print(f"  · {line}", flush=True)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _met(met: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "—"}[met]


def _text_row(row: Row) -> str:
    return (
        f"[{row.number}] {row.benchmark} — {row.measured}: {_fmt(row.seconds)} s, peak {_fmt(row.peak_mb, 0)} MB"
        f"{f' (tree {_fmt(row.tree_mb, 0)} MB)' if row.tree_mb else ''}"
        f"{f', {row.ratio}' if row.ratio else ''}{f' (target {row.target}: {_met(row.met)})' if row.target else ''}"
    )


def git_commit() -> str:
    """Short commit and whether the work tree has changes (read-only git calls)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        return f"{head}{' + uncommitted changes' if dirty else ''}"
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def definitions() -> str:
    """The no-op fingerprint's hash of code and definitions: ties a run to uncommitted models too."""
    try:
        from warehouse.fingerprint import definitions_hash

        return definitions_hash()[:12]
    except Exception as exc:  # the fingerprint module is someone else's; never fail a run over it
        return f"unavailable ({type(exc).__name__})"


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(
            next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1]
        )
    except (OSError, StopIteration, ValueError):
        mem_kb = 0
    versions = []
    for package in ("duckdb", "dbt-core", "dbt-duckdb", "dagster", "pandas", "pyarrow"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{package} {metadata.version(package)}")
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {mem_kb / 2**20:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {sys.version.split()[0]}; {', '.join(versions)}"
    )


def markdown(report: Report) -> str:
    lines = [
        f"### {report.started:%Y-%m-%d %H:%M} UTC — {report.title}",
        "",
        f"- machine: {machine()}",
        f"- commit: {git_commit()}; definitions hash (warehouse/fingerprint.py: code, registry, suites, dbt "
        f"project) {report.definitions} at the start",
        f"- load average (1 / 5 / 15 min): {' / '.join(f'{x:.1f}' for x in report.load_start)} at the start, "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())} at the end (2 cores; other engineers' jobs share them)",
        "",
        "| # | benchmark | measured | wall s | peak MB | tree MB | ratio | target | met |",
        "|---|---|---|---:|---:|---:|---|---|---|",
    ]
    for r in report.rows:
        measured = r.measured + (f" — {r.note}" if r.note else "")
        lines.append(
            f"| {r.number} | {r.benchmark} | {measured} | {_fmt(r.seconds)} | {_fmt(r.peak_mb, 0)} | "
            f"{_fmt(r.tree_mb, 0)} | {r.ratio} | {r.target} | {_met(r.met) if r.target else ''} |"
        )
    if report.details:
        lines += ["", *[f"- {d}" for d in report.details]]
    return "\n".join(lines) + "\n"


def append(report: Report, path: Path = RESULTS_MD) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmark results\n\n{RUNS_HEADING}\n"
    if RUNS_HEADING not in text:
        text += f"\n{RUNS_HEADING}\n"
    path.write_text(text.rstrip("\n") + "\n\n" + markdown(report), encoding="utf-8")
