"""A Dagster logger for the command line: one line per stage of the build, full detail in a log.

``warehouse build`` selects it in the run config (``loggers: {progress: {}}``) instead of
Dagster's verbose console logger. The run's steps are grouped into stages by what they build
(``land`` the landing assets, ``check`` their Great Expectations checks, ``dbt`` the dbt models
and tests, ``publish`` the serving database, ``report`` the weekly summary); the terminal gets one
line per stage when it is done, a progress bar while a long stage runs (on a terminal only), and
every failure at once. The build log (see ``cli/build.py``) gets a line per step, per failed
check with its details, and dbt's own per-node lines. The failures are also collected for the
final summary.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import dagster as dg

DBT_LAYERS = {"staging", "intermediate", "marts", "reference"}
STAGE_LABELS = {"landing": "land", "check": "check", "dbt": "dbt", "serving": "publish", "report": "report"}
NOUNS = {"land": "sources", "dbt": "models"}
BAR_WIDTH = 24
REDRAW_SECONDS = 0.1


@dataclass(eq=False)
class Stage:
    """Steps of one kind and what they did so far."""

    label: str
    steps: set[str] = field(default_factory=set)
    units: int = 0  # expected asset and check events (the progress bar's 100 %)
    done_units: int = 0
    done_steps: set[str] = field(default_factory=set)
    failed_steps: int = 0
    skipped_steps: int = 0
    materialized: int = 0
    checks_passed: int = 0
    checks_warned: int = 0  # failed with severity WARN (reported, not blocking)
    checks_failed: int = 0  # failed with severity ERROR (blocking)
    started: float | None = None
    finished: float | None = None
    notes: list[str] = field(default_factory=list)  # e.g. the published version
    reported: bool = False

    @property
    def complete(self) -> bool:
        return self.done_steps >= self.steps

    def summary(self) -> str:
        parts = []
        if self.materialized and self.label in NOUNS:
            parts.append(f"{self.materialized} {NOUNS[self.label]}")
        if self.checks_passed or self.checks_warned or self.checks_failed:
            noun = {"dbt": "tests", "check": "suites"}.get(self.label, "checks")
            parts.append(f"{self.checks_passed} {noun} passed")
            if self.checks_warned:
                parts.append(f"{self.checks_warned} with warnings (see the log)")
            if self.checks_failed:
                parts.append(f"{self.checks_failed} failed")
        parts += self.notes
        if self.failed_steps:
            parts.append(f"{self.failed_steps} step(s) failed")
        if self.skipped_steps:
            parts.append(f"{self.skipped_steps} skipped")
        if self.not_run and self.reported:
            parts.append(f"{self.not_run} not run")
        return ", ".join(parts) or f"{len(self.steps)} step(s)"

    @property
    def not_run(self) -> int:
        return len(self.steps - self.done_steps)

    def symbol(self) -> str:
        """✓ all done, ✗ a step or a blocking check failed, ! warnings or steps not run, - nothing ran."""
        if self.failed_steps or self.checks_failed:
            return "✗"
        if self.skipped_steps == len(self.steps):
            return "-"
        if self.skipped_steps or self.checks_warned or self.not_run:
            return "!"
        return "✓"


def _stage_label(keys: set[dg.AssetKey]) -> str:
    if not keys:
        return "check"  # an op that only evaluates asset checks
    prefixes = {key.path[0] for key in keys}
    if prefixes & DBT_LAYERS:
        return "dbt"
    prefix = sorted(prefixes)[0]
    return STAGE_LABELS.get(prefix, prefix)


def plan_stages(job: dg.JobDefinition) -> dict[str, Stage]:
    """Each step (op) of ``job`` mapped to its stage, with the events its progress bar expects."""
    stages: dict[str, Stage] = {}
    by_step: dict[str, Stage] = {}
    nodes = {node.name for node in job.graph.nodes}
    for assets_def in job.asset_layer.asset_graph.assets_defs:
        name = assets_def.node_def.name if assets_def.is_executable else None
        if name not in nodes or name in by_step:
            continue
        label = _stage_label(set(assets_def.keys))
        stage = stages.setdefault(label, Stage(label))
        stage.steps.add(name)
        stage.units += len(assets_def.keys) + len(assets_def.check_keys) if label == "dbt" else 1
        by_step[name] = stage
    return by_step


def _first_line_of_failure(event: Any) -> str:
    error = event.step_failure_data.error if event.step_failure_data else None
    while error is not None and error.cause is not None and "max_retries" in (error.message or ""):
        error = error.cause
    while (
        error is not None
        and error.cause is not None
        and error.cls_name in ("DagsterExecutionStepExecutionError", "RetryRequestedFromPolicy")
    ):
        error = error.cause
    message = error.message.strip().splitlines()[0] if error and error.message else "failed"
    return message.removeprefix("dagster._core.definitions.events.Failure: ")


class ProgressHandler(logging.Handler):
    """Prints one line per finished stage and every failure; writes one line per step to the log."""

    def __init__(self) -> None:
        super().__init__()
        self.stream: Any = sys.stderr
        self.log: TextIO | None = None
        self.stages: dict[str, Stage] = {}
        self.started: dict[str, float] = {}
        self.failures: list[str] = []
        self._live = False
        self._drawn_at = 0.0

    def reset(
        self, stream: Any, *, log: TextIO | None = None, stages: dict[str, Stage] | None = None
    ) -> ProgressHandler:
        self.stream = stream
        self.log = log
        self.stages = stages or {}
        self.started = {}
        self.failures = []
        self._live = False
        self._drawn_at = 0.0
        return self

    # ---------------------------------------------------------------- output
    def _tty(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def _clear_live(self) -> None:
        if self._live:
            self.stream.write("\r\033[K")
            self._live = False

    def _say(self, text: str) -> None:
        """A line on the terminal (and in the log)."""
        self._clear_live()
        print(text, file=self.stream, flush=True)
        self._record(text)

    def notice(self, text: str) -> None:
        """A line for the person at the terminal besides the stage lines (e.g. waiting for another run's writer lease)."""
        self._say(text)

    def _record(self, text: str) -> None:
        if self.log is not None:
            print(text, file=self.log, flush=True)

    def _draw(self, stage: Stage, step: str, force: bool = False) -> None:
        """Redraw the live line of a running stage (terminals only, at most 10 times a second)."""
        now = time.monotonic()
        if not self._tty() or (not force and now - self._drawn_at < REDRAW_SECONDS):
            return
        self._drawn_at = now
        if stage.units > len(stage.steps) or len(stage.steps) > 1:
            total = max(stage.units, 1) if stage.label == "dbt" else len(stage.steps)
            done = min(stage.done_units if stage.label == "dbt" else len(stage.done_steps), total)
            filled = BAR_WIDTH * done // total
            bar = f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {done}/{total}"
        else:
            bar = ""
        elapsed = now - (stage.started or now)
        self.stream.write(f"\r\033[K  … {stage.label:<8}{bar}  {step} ({elapsed:.0f} s)")
        self.stream.flush()
        self._live = True

    def _finish_stage(self, stage: Stage, *, interrupted: bool = False) -> None:
        if stage.reported:
            return
        stage.reported = True
        stage.finished = stage.finished or time.monotonic()
        took = stage.finished - (stage.started or stage.finished)
        summary = stage.summary() + (", interrupted" if interrupted else "")
        self._say(f"  {'✗' if interrupted else stage.symbol()} {stage.label:<8}{summary} ({took:.1f} s)")

    def close_stages(self, *, stopped: bool = False) -> None:
        """At the end of a run: report the stages that did not finish or never ran. ``stopped``: the run
        itself broke off (an error outside the steps), so an unfinished stage was interrupted."""
        order = list(STAGE_LABELS.values())
        stages = sorted(
            dict.fromkeys(self.stages.values()), key=lambda st: order.index(st.label) if st.label in order else 99
        )
        for stage in stages:
            if stage.reported:
                continue
            if stage.started is not None:
                self._finish_stage(stage, interrupted=stopped and not stage.complete)
            else:
                stage.reported = True
                self._say(f"  - {stage.label:<8}not run")
        self._clear_live()

    # ---------------------------------------------------------------- events
    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_meta", {}).get("dagster_event")
        if event is None:
            return
        try:
            self._handle(event)
        except Exception:  # a display problem must never fail the run
            self.handleError(record)

    def _stage(self, step: str) -> Stage:
        stage = self.stages.get(step)
        if stage is None:  # a step the plan does not know (a job other than the weekly build)
            stage = self.stages[step] = Stage(step, steps={step}, units=1)
        return stage

    def _handle(self, event: Any) -> None:
        kind = event.event_type_value
        step = event.step_key or ""
        if not step:
            return
        stage = self._stage(step)
        now = time.monotonic()
        if kind == "STEP_START":
            self.started[step] = now
            stage.started = stage.started or now
            self._record(f"  … {step}")
            self._draw(stage, step, force=True)
        elif kind == "ASSET_MATERIALIZATION":
            stage.materialized += 1
            stage.done_units += 1
            metadata = event.event_specific_data.materialization.metadata
            if "version" in metadata:  # serving/warehouse: the version that went live
                stage.notes.append(f"{metadata['version'].value} is live")
            if "files" in metadata:  # report/weekly_summary: summary.md, .html, .xlsx (and charts)
                files = [Path(f) for f in str(metadata["files"].value).split()]
                stage.notes.append("summary" + ", ".join(sorted(f.suffix for f in files if f.stem == "summary")))
            self._draw(stage, step)
        elif kind == "ASSET_CHECK_EVALUATION":
            stage.done_units += 1
            self._check_evaluated(stage, event)
            self._draw(stage, step)
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            took = now - self.started.get(step, now)
            stage.done_steps.add(step)
            if kind == "STEP_SUCCESS":
                self._record(f"  ✓ {step} ({took:.1f} s)")
            elif kind == "STEP_FAILURE":
                stage.failed_steps += 1
                message = _first_line_of_failure(event)
                self.failures.append(f"{step}: {message}")
                self._say(f"  ✗ {step}: {message}")
            else:
                stage.skipped_steps += 1
                self._record(f"  - {step} skipped (an upstream check or step failed)")
            if stage.complete:
                stage.finished = now
                self._finish_stage(stage)
            else:
                self._draw(stage, step)

    def _check_evaluated(self, stage: Stage, event: Any) -> None:
        data = event.event_specific_data
        evaluation = getattr(data, "asset_check_evaluation", data)
        if evaluation is None:
            return
        if evaluation.passed:
            stage.checks_passed += 1
            return
        key = "/".join(evaluation.asset_key.path)
        severity = getattr(evaluation.severity, "value", str(evaluation.severity))
        text = (evaluation.description or "").strip()
        line = f"check {evaluation.check_name} on {key} failed [{severity}]"
        detail = f"  ! {line}" + (f"\n      {text.replace(chr(10), chr(10) + '      ')}" if text else "")
        if severity == "ERROR":  # blocking: at once, in full, and in the summary
            stage.checks_failed += 1
            self.failures.append(f"{line}: {text}")
            self._say(detail)
        else:  # a warning (e.g. a stale source): counted on the stage's line, in full in the log
            stage.checks_warned += 1
            self._record(detail)


PROGRESS = ProgressHandler()


@dg.logger(description="Concise progress lines for the warehouse CLI")
def progress_logger(_init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger("warehouse.progress")
    logger.setLevel(logging.DEBUG)
    logger.handlers = [PROGRESS]
    logger.propagate = False
    return logger
