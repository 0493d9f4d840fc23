"""Run the weekly build in-process (what `warehouse build` and `warehouse demo` do).

The whole graph runs in this process (Dagster's in-process executor: no child process re-imports
the stack per step) against the instance in ``<home>/dagster_home``, so CLI builds appear in the
Dagster UI's run history.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ground.processes import process_alive
from ground.settings import Paths, paths
from ingestion.trading_calendar import landed_week
from warehouse.build_log import describe_failure, open_build_log
from warehouse.fingerprint import BuildInputs, build_inputs, read_record, write_record
from warehouse.publish import current_version

DAGSTER_YAML = """\
# Written by the warehouse CLI. Runs that write the working database are serialised.
telemetry:
  enabled: false
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    tag_concurrency_limits:
      - key: "warehouse/writer"
        limit: 1
# The daemon (`warehouse ui`) fails runs that never started (their process died after creating
# them) and runs that hang; the CLI fails dead CLI runs itself when the next build starts.
run_monitoring:
  enabled: true
  start_timeout_seconds: 600
  poll_interval_seconds: 60
"""


def ensure_dagster_home(p: Paths | None = None) -> Path:
    """The Dagster instance folder of the warehouse home, with the CLI's ``dagster.yaml`` in it."""
    p = p or paths()
    home = p.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    # written whole (two first builds may start at once); a file this CLI wrote is kept current
    if not config.exists() or (config.read_text().startswith(DAGSTER_YAML[:40]) and config.read_text() != DAGSTER_YAML):
        tmp = config.with_name(f"dagster.yaml.{os.getpid()}.tmp")
        tmp.write_text(DAGSTER_YAML)
        os.replace(tmp, config)
    return home


@dataclass
class BuildOutcome:
    week: str
    as_of: str
    success: bool
    run_id: str
    seconds: float
    failures: list[str] = field(default_factory=list)
    report_files: list[str] = field(default_factory=list)
    skipped: bool = False
    version: str | None = None  # the version current after the build
    previous_version: str | None = None  # the version current before it
    log_file: str | None = None
    error: str | None = None  # what stopped the run itself (e.g. a full disk), not a failed step

    @property
    def published(self) -> bool:
        """A new version went live during this build."""
        return not self.skipped and self.version is not None and self.version != self.previous_version


def _unchanged_since_last_build(p: Paths, inputs: BuildInputs) -> dict | None:
    """The last build's record when it had the same inputs and its version is still published."""
    record = read_record(p)
    current = current_version(p)
    if not record or current is None or record.get("inputs") != inputs.digest():
        return None
    if record.get("version") != current.name:
        return None
    if not all(Path(f).exists() for f in record.get("report_files") or [None]):
        return None
    return record


def run_build(
    week: str,
    *,
    as_of: datetime | None = None,
    live: bool = False,
    force: bool = False,
    full_refresh: bool = False,
    stream: Any = None,
) -> BuildOutcome:
    """Materialise every asset of the weekly build for ``week`` in this process.

    Without ``live`` and ``force``, a build whose inputs (week, cut-off, visible loads, code and
    definitions) equal those of the last successful build, still published, is skipped.
    ``full_refresh`` rebuilds the incremental dbt models from scratch (and is never skipped).
    """
    stream = stream or sys.stderr
    started = time.monotonic()
    p = paths().ensure()
    dagster_home = ensure_dagster_home(p)
    report_moment = landed_week(week).report_moment  # fails early, clearly, for a holiday or unknown week
    as_of = as_of or datetime.now(UTC)
    inputs = build_inputs(week, as_of, report_moment)
    if not (live or force or full_refresh):
        record = _unchanged_since_last_build(p, inputs)
        if record is not None:
            print(f"  Nothing changed since the last build of {week} ({record['version']}); skipped.", file=stream)
            return BuildOutcome(
                week=week,
                as_of=as_of.isoformat(),
                success=True,
                run_id="",
                seconds=time.monotonic() - started,
                report_files=record["report_files"],
                skipped=True,
                version=record["version"],
                previous_version=record["version"],
            )
    # Imported here, after the unchanged-inputs check: a build with nothing new returns without
    # importing Dagster and loading the code location, which take longer than the rest of it
    import dagster as dg
    from dagster._core.utils import make_new_run_id

    from orchestration.dbt_project import prepare_manifest
    from orchestration.definitions import build_definitions
    from orchestration.jobs import WEEKLY_BUILD
    from orchestration.partitions import register_weeks
    from orchestration.progress import PROGRESS, plan_stages

    prepare_manifest()  # the explicit step: parses only when the dbt project changed
    as_of_text = as_of.isoformat()
    previous = current_version(p)
    job = build_definitions().resolve_job_def(WEEKLY_BUILD)  # after prepare_manifest: defs loads the manifest
    run_id = make_new_run_id()
    log = open_build_log(p, week, run_id)
    print(f"  Log: {log.path}", file=stream, flush=True)
    handler = PROGRESS.reset(stream, log=log, stages=plan_stages(job))
    success, error = False, None
    # dagster-dbt echoes dbt's per-node log to standard output, libraries write warnings and errors
    # to standard error: both into the log file; the terminal gets the progress lines only
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log), _unraisable_to(log):
        try:
            with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
                _fail_abandoned_runs(instance)
                register_weeks(instance)  # the weekly partitions: the landed calendar's weeks
                result = job.execute_in_process(
                    partition_key=week,
                    run_config={
                        "resources": {
                            "build": {"config": {"as_of": as_of_text, "live": live, "full_refresh": full_refresh}}
                        },
                        "loggers": {"progress": {}},
                    },
                    instance=instance,
                    raise_on_error=False,
                    run_id=run_id,
                    tags={
                        "warehouse/cli": "build",
                        "warehouse/pid": str(os.getpid()),
                        "warehouse/host": socket.gethostname(),
                    },
                )
            success = result.success
        except Exception as exc:  # the run itself broke (its storage on a full disk, …), not a step
            error = describe_failure(exc, p)
            traceback.print_exc(file=log)
        finally:
            handler.close_stages(stopped=error is not None)
    if log.lost:
        handler.failures.append(f"the build log {log.path} is incomplete: it could not be written")
    log.close()
    files = sorted(str(f) for f in (p.reports / week).glob("summary.*")) if success else []
    version = current_version(p)
    if success and not live:
        write_record(p, inputs, version.name if version else None, files)
    return BuildOutcome(
        week=week,
        as_of=as_of_text,
        success=success,
        run_id=run_id,
        seconds=time.monotonic() - started,
        failures=handler.failures,
        report_files=files,
        version=version.name if version else None,
        previous_version=previous.name if previous else None,
        log_file=str(log.path),
        error=error,
    )


@contextlib.contextmanager
def _unraisable_to(log: Any) -> Iterator[None]:
    """Exceptions Python cannot raise (in a finalizer, "Exception ignored in …") go to the log too."""
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        print(f"Exception ignored in {unraisable.object!r}:", file=log)
        traceback.print_exception(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback, file=log)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


def _fail_abandoned_runs(instance: Any) -> list[str]:
    """Mark earlier CLI builds of this home whose process died (SIGKILL, OOM, power loss) as failed.

    Such a run stays NOT_STARTED (killed between its creation and its first step) or STARTED in
    the run storage forever, and the run queue's ``warehouse/writer`` limit of one would hold every
    queued UI or scheduled run back behind it. (Runs the daemon launched are watched by Dagster's
    run monitoring, configured in ``dagster.yaml``.)
    """
    import dagster as dg  # lazily, as in run_build (its only caller)

    records = instance.get_run_records(
        filters=dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED],
            tags={"warehouse/cli": "build"},
        )
    )
    failed = []
    for record in records:
        run = record.dagster_run
        pid, host = run.tags.get("warehouse/pid"), run.tags.get("warehouse/host")
        if not pid or not pid.isdigit() or host != socket.gethostname() or process_alive(int(pid)):
            continue
        when = "before its first step" if run.status == dg.DagsterRunStatus.NOT_STARTED else "before the run finished"
        instance.report_run_failed(
            run,
            message=f"Abandoned: the build process (pid {pid} on {host}) died {when}; marked failed by a later build",
        )
        failed.append(run.run_id)
    return failed
