"""One Dagster asset per registered source, ``landing/<source>``, with its blocking check.

Materialising it (1) lands new data: curated files waiting in ``inbox/<source>/`` and, in a
live run, fresh akshare calls (one per parameter set and date); (2) re-creates the source's
view ``landing.<source>`` in the working database over its non-quarantined loads; (3) runs its
Great Expectations check (``orchestration/quality_checks.py``) on the new loads, in the same
step, before any dbt model reads them.

The sources of one section (and one partitioning: weekly date-driven calls, or not) are one
multi-asset, so a build runs a handful of landing steps instead of two per source (each step
costs Dagster bookkeeping and a connection to the working database); the asset graph still shows
one asset per source in its section's group, and any subset can be materialised alone (the inbox
sensor lands one source). A source that cannot land does not stop the others of its section: the
step reports it and fails at its end, so no dbt model runs. Nothing here is specific to one
source: a registry entry is enough.
"""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import duckdb

from ground.database import working
from ground.settings import paths
from ingestion.catalogue import catalogue_of
from ingestion.fetching import FetchError, default_fetcher
from ingestion.files import FileFormatError, ingest_file, is_landable
from ingestion.landing import Load, land_frame, list_loads, read_load
from ingestion.plans import planned_calls
from ingestion.registry import SECTIONS, Source, registry
from ingestion.trading_calendar import CALENDAR_SOURCE, landed_week
from orchestration.asset_keys import landing_key
from orchestration.partitions import last_week, register_weeks, weekly_partitions
from orchestration.quality_checks import CHECK_NAME, check_loads, check_spec
from orchestration.resources import AkshareFetcher, BuildSettings, WriterLock
from warehouse.landing_views import refresh_source_view, unreadable_loads

if TYPE_CHECKING:
    from ingestion.fetching import Fetcher

KINDS = {"akshare": {"akshare", "parquet"}, "curated": {"csv", "parquet"}}


def group_name(section: str) -> str:
    return f"landing_{section}"


def _inbox_files(source: Source) -> list[Path]:
    folder = paths().inbox / source.name
    if not folder.exists():
        return []

    return sorted(p for p in folder.iterdir() if p.is_file() and is_landable(p))


def _land_inbox(context: dg.AssetExecutionContext, source: Source) -> list[Load]:
    """Land every file waiting in inbox/<source>/; move it to landed/ or rejected/."""
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
    week_id = last_week(context)
    week = landed_week(week_id) if week_id else None
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


def _preview(load: Load | None) -> dg.MetadataValue | None:
    if load is None or load.rows == 0:
        return None
    try:
        frame = read_load(load).head(10)
    except Exception:  # the check reports unreadable files; the preview is best effort
        return None
    return dg.MetadataValue.md(frame.to_markdown(index=False))


def land_source(
    context: dg.AssetExecutionContext,
    source: Source,
    build: BuildSettings,
    con: duckdb.DuckDBPyConnection,
    fetcher: "Fetcher | None" = None,
) -> dg.MaterializeResult:
    """Land what is waiting for ``source`` and refresh its landing view; its materialization."""
    with catalogue_of().batch():  # every load of this source recorded with one catalogue write
        new_loads = _land_inbox(context, source)
        failed: list[str] = []
        if build.live and source.kind == "akshare":
            if fetcher is None:
                fetcher = default_fetcher()
            fetched, failed = _fetch_live(context, source, fetcher)
            new_loads += fetched
    as_of = build.as_of_moment(context)
    loads = [ld for ld in list_loads(source=source.name) if ld.available_at_dt <= as_of]
    corrupt = unreadable_loads(con, source, loads)
    if corrupt:
        raise dg.Failure(
            description=f"{source.name}: {len(corrupt)} landing file(s) cannot be read: "
            + "; ".join(corrupt)
            + ". Restore the file, or remove its manifest (.json) to drop that load.",
            metadata={"files": corrupt},
            allow_retries=False,
        )
    usable = refresh_source_view(con, source, loads)
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
    if source.name == CALENDAR_SOURCE and new_loads:  # new trading days: their weeks become partitions
        added = register_weeks(context.instance)
        metadata["weeks_added"] = f"{added[0]} .. {added[-1]} ({len(added)})" if added else "none"
    if failed:  # the publish step reads these from the run's materialisations (serving_assets.failed_fetches)
        metadata["fetch_errors"] = dg.MetadataValue.md("\n".join(f"- {e}" for e in failed))
    version = newest.load_id + f"+{len(usable)}" if newest else "empty"
    return dg.MaterializeResult(
        asset_key=landing_key(source.name), metadata=metadata, data_version=dg.DataVersion(version)
    )


def _spec(source: Source) -> dg.AssetSpec:
    kinds = {"akshare", "parquet"} if source.kind == "akshare" else {"csv", "parquet"}
    return dg.AssetSpec(
        key=landing_key(source.name),
        group_name=group_name(source.section),
        description=f"{source.title}: {source.description}",
        kinds=kinds | {"duckdb"},
        skippable=True,  # a subset lands only what it selected; a source that fails lands nothing
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


def build_section_assets(name: str, sources: list[Source], partitioned: bool) -> dg.AssetsDefinition:
    """The landing assets and checks of ``sources`` as one multi-asset (one step per run)."""
    by_key = {landing_key(s.name): s for s in sources}

    @dg.multi_asset(
        name=name,
        specs=[_spec(s) for s in sources],
        check_specs=[check_spec(s) for s in sources],
        can_subset=True,
        partitions_def=weekly_partitions() if partitioned else None,
        backfill_policy=dg.BackfillPolicy.single_run() if partitioned else None,
        # transient I/O only: akshare calls retry inside the fetcher, and deterministic errors
        # (a bad file, a corrupt landing file) raise Failure(allow_retries=False)
        retry_policy=dg.RetryPolicy(
            max_retries=1, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
        ),
        op_tags={"warehouse/writer": "true"},
    )
    def land_and_check(
        context: dg.AssetExecutionContext, build: BuildSettings, writer_lock: WriterLock, akshare: AkshareFetcher
    ) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
        selected = [key for key in by_key if key in context.selected_asset_keys]
        checked = {check.asset_key for check in context.selected_asset_check_keys}
        problems: dict[str, str] = {}
        with writer_lock.writing(context), working() as con:
            for key in selected:
                source = by_key[key]
                try:
                    yield land_source(context, source, build, con, akshare.fetcher())
                except dg.Failure as exc:
                    context.log.error(exc.description or str(exc))
                    problems[source.name] = exc.description or str(exc)
                    continue
                if key in checked:
                    yield check_loads(context, source, build, con)
        if problems:  # the step fails (nothing downstream runs) once the other sources are landed
            raise dg.Failure(
                description="; ".join(problems.values()),
                metadata={"failed_sources": ", ".join(problems)},
                allow_retries=False,
            )

    land_and_check.__doc__ = f"Land and check: {', '.join(s.name for s in sources)} ({CHECK_NAME})."
    return land_and_check


def build_landing_assets() -> list[dg.AssetsDefinition]:
    """One multi-asset per section and partitioning (weekly date-driven calls, or not)."""
    grouped: dict[tuple[str, bool], list[Source]] = {}
    for source in registry().values():
        partitioned = source.call in ("per_date", "per_week", "per_range")
        grouped.setdefault((source.section, partitioned), []).append(source)
    return [
        build_section_assets(f"landing_{section}{'_weekly' if partitioned else ''}", sources, partitioned)
        for (section, partitioned), sources in sorted(grouped.items())
    ]


LANDING_GROUPS = [group_name(s) for s in SECTIONS]
