"""What `warehouse build` and `make demo` print: one line per stage, a bar on a terminal, every
failure at once, and the full detail (a line per step, dbt's per-node log) in a log file."""

from __future__ import annotations

import io
import re
from pathlib import Path

import dagster as dg
import pytest

from ground.settings import Paths
from orchestration.progress import PROGRESS, plan_stages, progress_logger

pytestmark = pytest.mark.integration


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _job(fail_model: bool = False, stale_b: bool = False) -> dg.JobDefinition:
    """A miniature weekly build: two landing assets with checks, dbt-like models, publish, report."""

    @dg.asset(key=["landing", "a"])
    def landing_a() -> None:
        pass

    @dg.asset(key=["landing", "b"])
    def landing_b() -> None:
        pass

    @dg.asset_check(asset=landing_a, name="great_expectations", blocking=True)
    def check_a() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True)

    @dg.asset_check(asset=landing_b, name="great_expectations", blocking=True)
    def check_b() -> dg.AssetCheckResult:
        if stale_b:
            return dg.AssetCheckResult(
                passed=False, severity=dg.AssetCheckSeverity.WARN, description="b: 1 failed (warning only)\n- stale"
            )
        return dg.AssetCheckResult(passed=True)

    @dg.multi_asset(
        specs=[
            dg.AssetSpec(["staging", "stg_a"], deps=[landing_a, landing_b]),
            dg.AssetSpec(["marts", "mart_a"], deps=[["staging", "stg_a"]]),
        ],
        check_specs=[dg.AssetCheckSpec("not_null", asset=["marts", "mart_a"])],
        name="dbt_models",
    )
    def dbt_models():
        yield dg.MaterializeResult(asset_key=["staging", "stg_a"])
        if fail_model:
            raise RuntimeError("Database Error in model mart_a")
        yield dg.MaterializeResult(asset_key=["marts", "mart_a"])
        yield dg.AssetCheckResult(asset_key=["marts", "mart_a"], check_name="not_null", passed=True)

    @dg.asset(key=["serving", "warehouse"], deps=[["marts", "mart_a"]])
    def serving_warehouse() -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"version": "v0007"})

    @dg.asset(key=["report", "weekly_summary"], deps=[["serving", "warehouse"]])
    def weekly_summary() -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata={"files": "r/summary.html\nr/summary.md\nr/summary.xlsx\nr/charts/a.png"})

    defs = dg.Definitions(
        assets=[landing_a, landing_b, dbt_models, serving_warehouse, weekly_summary],
        asset_checks=[check_a, check_b],
        jobs=[dg.define_asset_job("weekly_build", selection=dg.AssetSelection.all())],
        loggers={"progress": progress_logger},
        executor=dg.in_process_executor,
    )
    return defs.resolve_job_def("weekly_build")


def _run(job: dg.JobDefinition, stream: io.StringIO) -> str:
    log = io.StringIO()
    PROGRESS.reset(stream, log=log, stages=plan_stages(job))
    try:
        job.execute_in_process(run_config={"loggers": {"progress": {}}}, raise_on_error=False)
    finally:
        PROGRESS.close_stages()
    return log.getvalue()


def test_one_line_per_stage_and_a_line_per_step_in_the_log() -> None:
    stream = io.StringIO()
    log = _run(_job(), stream)
    lines = stream.getvalue().splitlines()
    assert [re.sub(r" \(\d+\.\d s\)$", "", line) for line in lines] == [
        "  ✓ land    2 sources",
        "  ✓ check   2 suites passed",
        "  ✓ dbt     2 models, 1 tests passed",
        "  ✓ publish v0007 is live",
        "  ✓ report  summary.html, .md, .xlsx",
    ]
    assert "\r" not in stream.getvalue()  # no bar when the output is not a terminal
    for step in ("landing__a", "landing__b_great_expectations", "dbt_models", "serving__warehouse"):
        assert f"  … {step}" in log and re.search(rf"  ✓ {step} \(\d+\.\d s\)", log)


def test_a_terminal_gets_a_progress_bar_for_a_long_stage() -> None:
    terminal = Terminal()
    _run(_job(), terminal)
    output = terminal.getvalue()
    assert re.search(r"\r\033\[K  … dbt     \[[#-]{24}\] \d/3  dbt_models", output)
    final = [line.split("\r\033[K")[-1] for line in output.split("\n") if line]
    assert [line.split()[1] for line in final] == ["land", "check", "dbt", "publish", "report"]


def test_a_warning_is_counted_on_its_stage_and_detailed_in_the_log() -> None:
    stream = io.StringIO()
    log = _run(_job(stale_b=True), stream)
    lines = stream.getvalue().splitlines()
    assert any(re.match(r"  ! check   1 suites passed, 1 with warnings \(see the log\) \(", line) for line in lines), (
        lines
    )
    assert "stale" not in stream.getvalue()
    assert (
        "  ! check great_expectations on landing/b failed [WARN]\n      b: 1 failed (warning only)\n      - stale"
        in log
    )
    assert PROGRESS.failures == []  # a warning does not fail the build


def test_a_failure_is_printed_at_once_and_marks_its_stage() -> None:
    stream = io.StringIO()
    _run(_job(fail_model=True), stream)
    lines = stream.getvalue().splitlines()
    assert "  ✗ dbt_models: RuntimeError: Database Error in model mart_a" in lines
    assert any(re.match(r"  ✗ dbt     1 models, 1 step\(s\) failed", line) for line in lines), lines
    assert lines[-2:] == ["  - publish not run", "  - report  not run"]
    assert PROGRESS.failures == ["dbt_models: RuntimeError: Database Error in model mart_a"]


def test_make_demo_prints_a_compact_summary_and_names_its_log(demo_warehouse: Paths) -> None:
    """The finding: `make demo` printed 870 lines, most of them dbt's per-node log."""
    output = (demo_warehouse.home.parent / "demo_output.txt").read_text(encoding="utf-8")
    lines = output.splitlines()
    assert len(lines) <= 39, output  # `make demo` adds one line: the command itself
    assert not [line for line in lines if re.search(r"\d+ of \d+ (START|OK|PASS)", line)], output  # no dbt node lines
    assert [line.split()[1] for line in lines if re.match(r"  [✓!] ", line)] == [
        "land",
        "check",
        "dbt",
        "publish",
        "report",
    ] or [line.split()[1] for line in lines if re.match(r"  [✓!] ", line)] == ["land", "dbt", "publish", "report"]
    match = re.search(r"^  Log: (\S+\.log)$", output, re.M)
    assert match, output
    log = Path(match.group(1)).read_text(encoding="utf-8")
    assert Path(match.group(1)).parent == demo_warehouse.home / "logs"
    assert re.search(r"\d+ of \d+ OK created sql table model marts\.mart_exports_monthly", log)  # dbt's own lines
    assert "  ✓ dbt_models (" in log and "  ✓ serving__warehouse (" in log
    assert "Published v0001 (week 2023-W15" in output


@pytest.mark.parametrize("failed", [False, True])
def test_the_summary_says_what_is_published(
    warehouse_home: Paths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, failed: bool
) -> None:
    """Only the report failed, so a new version is live: the summary must not claim otherwise."""
    from cli.build import BuildOutcome
    from cli.commands import _report_build

    from .test_publish import _publish

    _publish(warehouse_home, seed=1)
    _publish(warehouse_home, seed=2)
    outcome = BuildOutcome(
        week="2023-W15",
        as_of="2023-04-14T20:00:00+08:00",
        success=not failed,
        run_id="r",
        seconds=1.0,
        failures=["report__weekly_summary: NotADirectoryError: reports/2023-W15"] if failed else [],
        version="v0002",
        previous_version="v0001",
        log_file="/tmp/build.log",
    )
    _report_build(outcome)
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Published v0002 (week 2023-W15, as of 2023-04-14T12:00:00+00:00), replacing v0001 (week 2023-W15" in text
    assert "keeps its last good version" not in text
    assert ("Full log: /tmp/build.log" in text) == failed
