"""Run-level settings and the single-writer lock."""

import fcntl
import os
import time
from datetime import UTC, datetime
from typing import Any

import dagster as dg
from pydantic import PrivateAttr

from ground.settings import paths
from ingestion.fetching import default_fetcher, shutdown_workers
from ingestion.trading_calendar import landed_week
from orchestration.progress import PROGRESS


class BuildSettings(dg.ConfigurableResource):
    """What a run builds: as of when, and whether to fetch from akshare first.

    ``as_of`` (ISO 8601 with offset): only loads available by then are read, and only periods
    published by then; empty = the moment the run starts. ``live``: landing assets call akshare
    (with deadlines, retries and throttling) before building; otherwise they use landed data only.
    ``full_refresh``: rebuild the incremental dbt models from scratch (``dbt build --full-refresh``)
    instead of the weeks their plan names.
    """

    as_of: str = ""
    live: bool = False
    full_refresh: bool = False

    def as_of_moment(self, context: dg.OpExecutionContext | dg.AssetCheckExecutionContext) -> datetime:
        """The configured as-of moment, else the moment the run was created (same for every step)."""
        if self.as_of:
            moment = datetime.fromisoformat(self.as_of)
            if moment.tzinfo is None:
                raise ValueError(f"as_of {self.as_of!r} needs a UTC offset, e.g. 2023-04-14T20:00+08:00")
            return moment
        record = context.instance.get_run_record_by_id(context.run.run_id)
        if record is not None and record.create_timestamp is not None:
            return record.create_timestamp.astimezone(UTC)
        return datetime.now(UTC)

    def reference_moment(
        self, context: dg.OpExecutionContext | dg.AssetCheckExecutionContext, week_id: str | None
    ) -> datetime:
        """min(as_of, the week's report moment): what freshness and period cut-offs refer to."""
        as_of = self.as_of_moment(context)
        if not week_id:
            return as_of
        return min(as_of, landed_week(week_id).report_moment)


class AkshareFetcher(dg.ConfigurableResource):
    """The akshare fetcher of landing assets (``ingestion.fetching.default_fetcher``: throttling and
    breaker state span the run). Its calls run in worker processes, which stop when the run ends."""

    def fetcher(self) -> Any:
        return default_fetcher()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        shutdown_workers()


class WriterLock(dg.ConfigurableResource):
    """Serialises runs that write the working database (an flock on a file beside it).

    With the in-process executor, setup and teardown bracket the whole run, so a second run waits
    here before its first step. This lock is what serialises ``warehouse build`` (which runs
    ``execute_in_process`` and so bypasses the run queue); for runs launched from the UI or the
    schedule, Dagster's run queue also limits runs tagged ``warehouse/writer`` to one
    (``dagster.yaml``). dbt-duckdb's connect retries are the last backstop. The kernel releases
    the flock when the process dies, so a killed build never leaves it held.
    """

    timeout_seconds: float = 1800.0
    _handle: Any = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        lock_path = paths().working_db.parent / ".writer.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+")  # noqa: SIM115 (held for the run; "a+", not "w": keeps the holder's pid)
        deadline = time.monotonic() + self.timeout_seconds
        waiting = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waiting:
                    waiting = True
                    handle.seek(0)
                    holder = handle.read().strip() or "?"
                    message = f"waiting for another build (pid {holder}) to release {lock_path}"
                    context.log.info(message)
                    PROGRESS.notice(f"  … {message}")  # on the terminal of a CLI build
                if time.monotonic() > deadline:
                    handle.close()
                    raise TimeoutError(
                        f"another build holds {lock_path} for more than {self.timeout_seconds:.0f} s"
                    ) from None
                time.sleep(0.5)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
