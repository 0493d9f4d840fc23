"""One Dagster asset per registered source: ``landing/<source>``.

Materialising it (1) lands new data: curated files waiting in ``inbox/<source>/`` and, in a
live run, fresh akshare calls (one per parameter set and date); (2) re-creates the source's
view ``landing.<source>`` in the working database over its non-quarantined loads. Its Great
Expectations check (``orchestration/quality_checks.py``) then validates the new loads before
any dbt model reads them. Nothing here is specific to one source: a registry entry is enough.
"""

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

from ingestion.landing import Load, list_loads, read_load
from ingestion.landing_views import refresh_source_view
from ingestion.registry import SECTIONS, Source, registry
from orchestration.partitions import last_week, weekly_partitions
from orchestration.resources import AkshareFetcher, BuildSettings, WriterLock
from warehouse.database import working
from warehouse.settings import paths

if TYPE_CHECKING:
    from ingestion.fetching import Fetcher

KINDS = {"akshare": {"akshare", "parquet"}, "curated": {"csv", "parquet"}}


def landing_key(source_name: str) -> dg.AssetKey:
    return dg.AssetKey(["landing", source_name])


def group_name(section: str) -> str:
    return f"landing_{section}"


def _inbox_files(source: Source) -> list[Path]:
    folder = paths().inbox / source.name
    if not folder.exists():
        return []
    from ingestion.files import is_landable

    return sorted(p for p in folder.iterdir() if p.is_file() and is_landable(p))


def _land_inbox(context: dg.AssetExecutionContext, source: Source) -> list[Load]:
    """Land every file waiting in inbox/<source>/; move it to landed/ or rejected/."""
    from ingestion.files import FileFormatError, ingest_file

    landed = []
    for path in _inbox_files(source):
        done = path.parent / "landed"
        try:
            result = ingest_file(source, path, origin="inbox")
        except FileFormatError as exc:
            rejected = path.parent / "rejected"
            rejected.mkdir(exist_ok=True)
            shutil.move(str(path), rejected / path.name)
            raise dg.Failure(description=str(exc), metadata={"file": str(path)}, allow_retries=False) from exc
        done.mkdir(exist_ok=True)
        shutil.move(str(path), done / path.name)
        if result.created:
            landed.append(result.load)
        context.log.info(
            f"{path.name}: {'new load ' + result.load.load_id if result.created else 'unchanged, no new load'}"
        )
    return landed


def _fetch_live(context: dg.AssetExecutionContext, source: Source, fetcher: "Fetcher") -> tuple[list[Load], list[str]]:
    """Call akshare for this run's week; return new loads and the calls that failed."""
    from ingestion.fetching import FetchError
    from ingestion.landing import land_frame
    from ingestion.plans import planned_calls
    from warehouse.calendar import get_week

    week_id = last_week(context)
    week = get_week(week_id) if week_id else None
    landed, failed = [], []
    for params in planned_calls(source, week):
        try:
            frame = fetcher.fetch(source, params)
        except FetchError as exc:
            context.log.error(str(exc))
            failed.append(str(exc))
            continue
        result = land_frame(source, frame, params, origin="akshare")
        if result.created:
            landed.append(result.load)
    return landed, failed


def _unreadable(loads: list[Load]) -> list[str]:
    """Landing files that are missing or corrupt (their Parquet footer does not read whole)."""
    from ingestion.landing import LandingError, verify_load

    problems = []
    for load in loads:
        try:
            verify_load(load)
        except LandingError as exc:
            problems.append(str(exc))
    return problems


def _preview(load: Load | None) -> dg.MetadataValue | None:
    if load is None or load.rows == 0:
        return None
    try:
        frame = read_load(load).head(10)
    except Exception:  # the check reports unreadable files; the preview is best effort
        return None
    return dg.MetadataValue.md(frame.to_markdown(index=False))


def build_landing_asset(source: Source) -> dg.AssetsDefinition:
    date_driven = source.call in ("per_date", "per_week", "per_range")
    kinds = {"akshare", "parquet"} if source.kind == "akshare" else {"csv", "parquet"}

    @dg.asset(
        key=landing_key(source.name),
        group_name=group_name(source.section),
        description=f"{source.title}: {source.description}",
        kinds=kinds | {"duckdb"},
        partitions_def=weekly_partitions() if date_driven else None,
        backfill_policy=dg.BackfillPolicy.single_run() if date_driven else None,
        # transient I/O only: akshare calls retry inside the fetcher, and deterministic errors
        # (a bad file, a corrupt landing file) raise Failure(allow_retries=False)
        retry_policy=dg.RetryPolicy(
            max_retries=1, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
        ),
        tags={
            "section": source.section,
            "cadence": source.cadence,
            "history": source.history,
            "warehouse/writer": "true",
        },
        metadata={
            "function": source.function or "curated file",
            "hosts": ", ".join(source.hosts),
            "key": ", ".join(source.key) or "(one row per load)",
            "history": source.history,
            "publication_lag_days": source.publication.lag_days if source.publication else 0,
        },
        code_version="1",
    )
    def landing_asset(
        context: dg.AssetExecutionContext, build: BuildSettings, writer_lock: WriterLock, akshare: AkshareFetcher
    ) -> dg.MaterializeResult:
        new_loads = _land_inbox(context, source)
        failed: list[str] = []
        if build.live and source.kind == "akshare":
            fetched, failed = _fetch_live(context, source, akshare.fetcher())
            new_loads += fetched
        as_of = build.as_of_moment(context)
        loads = [ld for ld in list_loads(source=source.name) if ld.available_at_dt <= as_of]
        corrupt = _unreadable(loads)
        if corrupt:
            raise dg.Failure(
                description=f"{source.name}: {len(corrupt)} landing file(s) cannot be read: "
                + "; ".join(corrupt)
                + ". Restore the file, or remove its manifest (.json) to drop that load.",
                metadata={"files": corrupt},
                allow_retries=False,
            )
        with working() as con:
            usable = refresh_source_view(con, source, loads)
            con.execute("delete from landing._fetch_failures where source = ?", [source.name])
            if failed:
                con.executemany(
                    "insert into landing._fetch_failures values (?, ?, ?, ?)",
                    [(source.name, context.run_id, datetime.now(UTC), err) for err in failed],
                )
        newest = usable[-1] if usable else None
        periods = [ld.period_max for ld in usable if ld.period_max] + [ld.period_min for ld in usable if ld.period_min]
        metadata = {
            "rows": sum(ld.rows for ld in usable),
            "loads": len(usable),
            "new_loads": len(new_loads),
            "date_range": f"{min(periods)} .. {max(periods)}" if periods else "(no data)",
            "latest_load_id": newest.load_id if newest else "",
            "akshare_version": (newest.akshare_version or "") if newest else "",
            "demo_loads": sum(1 for ld in usable if ld.demo),
            "fetch_failures": len(failed),
            "as_of": as_of.isoformat(),
        }
        preview = _preview(newest)
        if preview is not None:
            metadata["preview"] = preview
        if failed:
            metadata["fetch_errors"] = dg.MetadataValue.md("\n".join(f"- {e}" for e in failed))
        version = newest.load_id + f"+{len(usable)}" if newest else "empty"
        return dg.MaterializeResult(metadata=metadata, data_version=dg.DataVersion(version))

    return landing_asset


def build_landing_assets() -> list[dg.AssetsDefinition]:
    return [build_landing_asset(source) for source in registry().values()]


LANDING_GROUPS = [group_name(s) for s in SECTIONS]
