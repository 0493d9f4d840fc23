"""Run-level settings, the akshare fetcher and the run's writer lease on the working database."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from ground.settings import paths
from ground.writer_lease import DEFAULT_TIMEOUT_SECONDS, WriterLease, WriterLeaseTimeout
from ingestion.fetching import default_fetcher, shutdown_workers
from ingestion.trading_calendar import landed_week
from orchestration.progress import PROGRESS


class BuildSettings(dg.ConfigurableResource):
    """What a run builds: as of when, and whether to fetch from akshare first.

    ``as_of`` (ISO 8601 with offset): only loads available by then are read, and only periods
    published by then; empty = the moment the run starts. ``live``: landing assets call akshare
    (with deadlines, retries and throttling) before building, and the run reads what it fetched
    (its periods are still cut at the as-of); otherwise they use landed data only.
    ``full_refresh``: rebuild the incremental dbt models from scratch (``dbt build --full-refresh``)
    instead of the weeks their plan names.
    """

    as_of: str = ""
    live: bool = False
    full_refresh: bool = False

    def as_of_moment(self, context: dg.OpExecutionContext | dg.AssetCheckExecutionContext) -> datetime:
        """The moment whose loads the step reads: the configured as-of, else the moment the run was
        created (the same for every step).

        A live run also reads what it fetched: a fetched load is available from its fetch, after
        the run started (and after the Friday schedule's 20:00), so for a live run the moment is the
        later of that and now. Its periods are still cut at min(as-of, the week's report moment)
        (``reference_moment``), and the writer lease keeps other runs' loads out between its steps.
        """
        if self.as_of:
            moment = datetime.fromisoformat(self.as_of)
            if moment.tzinfo is None:
                raise ValueError(f"as_of {self.as_of!r} needs a UTC offset, e.g. 2023-04-14T20:00+08:00")
        else:
            record = context.instance.get_run_record_by_id(context.run.run_id)
            created = record.create_timestamp if record is not None else None
            moment = created.astimezone(UTC) if created is not None else datetime.now(UTC)
        return max(moment, datetime.now(UTC)) if self.live else moment

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
    """The run's lease on the working database (``ground.writer_lease``), taken where writing happens.

    Every step that writes the working database writes inside ``with writer_lock.writing(context):``
    (landing and checks, the dbt build, publishing, a load acceptance); steps that only read (the
    report, the PostgreSQL publish from the serving files) do not request this resource. The first
    such block of a run waits while another run holds the lease, then takes it for the rest of the
    run: no other run writes between two writing steps of this one, so what its publish step
    publishes is what its own landing and dbt steps built. Each block also holds an flock, so two
    steps never write at once. A lease is free again when its run has ended according to the
    Dagster instance, or when the process that ran it is gone (a killed ``warehouse build``).

    The lease records the process that runs the run: the pid of the run's ``RUN_START`` event, i.e.
    the ``warehouse build`` process or the run worker (with the code location's in-process executor
    that is also the step's process; a multiprocess executor's step subprocess records its parent,
    which outlives it for the whole run). This lease is what serialises ``warehouse build`` (which
    runs ``execute_in_process`` and so bypasses the run queue); for runs launched from the UI or the
    schedule, Dagster's run queue also limits runs tagged ``warehouse/writer`` to one
    (``dagster.yaml``). dbt-duckdb's connect retries are the last backstop.
    """

    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS

    @contextmanager
    def writing(self, context: dg.OpExecutionContext) -> Iterator[None]:
        """Write the working database inside this block, as this run (waiting for another run's lease)."""
        lease = WriterLease(paths().working_db, timeout_seconds=self.timeout_seconds)
        instance = context.instance

        def notify(message: str) -> None:
            context.log.info(message)
            PROGRESS.notice(f"  … {message}")  # on the terminal of a CLI build

        try:
            with lease.writing(
                context.run_id,
                run_is_running=lambda run_id: run_is_running(instance, run_id),
                pid=run_process(context),
                notify=notify,
            ) as holder:
                context.log.info(f"writing {lease.database} as {holder.describe()}")
                yield
        except WriterLeaseTimeout as exc:
            holder = exc.holder
            raise dg.Failure(
                description=str(exc),
                metadata={"holder_run_id": holder.run_id, "holder_pid": holder.pid} if holder else {},
                allow_retries=False,  # a retry would wait as long again
            ) from exc


def run_is_running(instance: dg.DagsterInstance, run_id: str) -> bool | None:
    """Whether ``run_id`` is still going according to ``instance`` (None: the instance has no such run)."""
    record = instance.get_run_record_by_id(run_id)
    return None if record is None else not record.dagster_run.is_finished


def run_process(context: dg.OpExecutionContext) -> int:
    """The pid of the process that runs this run: the one that emitted its ``RUN_START`` event."""
    records = context.instance.get_records_for_run(
        context.run_id, of_type=dg.DagsterEventType.RUN_START, limit=1
    ).records
    event = records[0].event_log_entry.dagster_event if records else None
    return (event.pid if event is not None else None) or os.getpid()
