"""A Dagster logger for the command line: one line per step and per failed check.

``warehouse build`` selects it in the run config (``loggers: {progress: {}}``) instead of
Dagster's verbose console logger; it also collects the failures for the final summary.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

import dagster as dg


class ProgressHandler(logging.Handler):
    """Prints one line per step start/finish and per failed check."""

    def __init__(self) -> None:
        super().__init__()
        self.stream: Any = sys.stderr
        self.started: dict[str, float] = {}
        self.failures: list[str] = []

    def reset(self, stream: Any) -> ProgressHandler:
        self.stream = stream
        self.started = {}
        self.failures = []
        return self

    def emit(self, record: logging.LogRecord) -> None:
        event = getattr(record, "dagster_meta", {}).get("dagster_event")
        if event is None:
            return
        kind = event.event_type_value
        step = event.step_key or ""
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
            print(f"  … {step}", file=self.stream, flush=True)
        elif kind == "STEP_SUCCESS":
            took = time.monotonic() - self.started.get(step, time.monotonic())
            print(f"  ✓ {step} ({took:.1f} s)", file=self.stream, flush=True)
        elif kind == "STEP_FAILURE":
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
            message = message.removeprefix("dagster._core.definitions.events.Failure: ")
            self.failures.append(f"{step}: {message}")
            print(f"  ✗ {step}: {message}", file=self.stream, flush=True)
        elif kind == "STEP_SKIPPED":
            print(f"  - {step} skipped (an upstream check or step failed)", file=self.stream, flush=True)
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            evaluation = getattr(data, "asset_check_evaluation", data)
            if evaluation is not None and not evaluation.passed:
                key = "/".join(evaluation.asset_key.path)
                severity = getattr(evaluation.severity, "value", str(evaluation.severity))
                text = (evaluation.description or "").strip()
                line = f"check {evaluation.check_name} on {key} failed [{severity}]"
                if severity == "ERROR":
                    self.failures.append(f"{line}: {text}")
                print(
                    f"  ! {line}" + (f"\n      {text.replace(chr(10), chr(10) + '      ')}" if text else ""),
                    file=self.stream,
                    flush=True,
                )


PROGRESS = ProgressHandler()


@dg.logger(description="Concise progress lines for the warehouse CLI")
def progress_logger(_init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger("warehouse.progress")
    logger.setLevel(logging.DEBUG)
    logger.handlers = [PROGRESS]
    logger.propagate = False
    return logger
