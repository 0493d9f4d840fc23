"""Run the weekly build in-process (what `warehouse build` and `warehouse demo` do).

The whole graph runs in this process (Dagster's in-process executor: no child process re-imports
the stack per step) against the instance in ``<home>/dagster_home``, so CLI builds appear in the
Dagster UI's run history.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from warehouse.settings import Paths, paths

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
"""


def ensure_dagster_home(p: Paths | None = None) -> Path:
    p = p or paths()
    home = p.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
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


def run_build(week: str, *, as_of: datetime | None = None, live: bool = False, stream: Any = None) -> BuildOutcome:
    """Materialise every asset of the weekly build for ``week`` in this process."""
    stream = stream or sys.stderr
    started = time.monotonic()
    p = paths().ensure()
    ensure_dagster_home(p)
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.jobs import WEEKLY_BUILD
    from orchestration.progress import PROGRESS
    from warehouse.calendar import get_week

    get_week(week)  # fails early, with a clear message, for a holiday or unknown week
    as_of_text = as_of.isoformat() if as_of else ""
    handler = PROGRESS.reset(stream)
    job = defs.resolve_job_def(WEEKLY_BUILD)
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            partition_key=week,
            run_config={
                "resources": {"build": {"config": {"as_of": as_of_text, "live": live}}},
                "loggers": {"progress": {}},
            },
            instance=instance,
            raise_on_error=False,
            tags={"warehouse/cli": "build"},
        )
    report_folder = p.reports / week
    files = sorted(str(f) for f in report_folder.glob("summary.*")) if result.success else []
    return BuildOutcome(
        week=week,
        as_of=as_of_text or "now",
        success=result.success,
        run_id=result.run_id,
        seconds=time.monotonic() - started,
        failures=handler.failures,
        report_files=files,
    )
