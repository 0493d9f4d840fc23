"""The `warehouse` command line.

Each command imports the layers it uses inside its body, so the command line starts in 0.1 s of
CPU and a command loads only what it needs (measured on 2026-11-30: `import cli.build`, pandas,
pyarrow and DuckDB, 1.8 s of CPU; a build then imports Dagster and the code location).
"""

from __future__ import annotations

import csv
import json
import os
import sys
import uuid
from datetime import datetime
from pathlib import Path

import click

from ground.settings import DEMO_LANDING, REPO_ROOT, paths

DEMO_WEEK = "2023-W15"
DEMO_AS_OF = "2023-04-14T20:00+08:00"
ACCEPT_WAIT_SECONDS = 600.0  # `warehouse accept` waits this long for a running build's hold on the working database


def _parse_as_of(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 moment such as 2023-04-14T20:00+08:00") from exc
    if moment.tzinfo is None:
        raise click.BadParameter(f"{value!r} needs a UTC offset, e.g. 2023-04-14T20:00+08:00")
    return moment


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """A DuckDB warehouse for the weekly A-share strategy note (周度策略).

    Data lives under $WAREHOUSE_HOME (default ./data); reports under $WAREHOUSE_REPORTS
    (default ./reports).
    """


def _report_build(outcome) -> None:
    """The build's summary: how it ended, what is published now, where the report and the log are."""
    from warehouse.publish import versions

    p = paths()
    status = "unchanged (skipped)" if outcome.skipped else ("succeeded" if outcome.success else "FAILED")
    run = f" (run {outcome.run_id})" if outcome.run_id else ""
    click.echo(f"\nBuild of {outcome.week} (as of {outcome.as_of}) {status} in {outcome.seconds:.1f} s{run}.", err=True)
    if outcome.error:
        click.echo(f"The run stopped: {outcome.error}", err=True)
    if outcome.failures:
        click.echo("Failures:", err=True)
        for failure in outcome.failures:
            click.echo(f"  - {failure}", err=True)
    described = {v.name: _describe_version(v) for v in versions()}
    if outcome.published:
        now = described.get(outcome.version, outcome.version)
        was = f", replacing {described.get(outcome.previous_version, outcome.previous_version)}"
        click.echo(f"Published {now}{was if outcome.previous_version else ''}.", err=not outcome.success)
        if not outcome.success:
            click.echo(
                "  The new marts are live for BI tools and `warehouse query`; the steps after publishing failed"
                " (`warehouse publish --rollback` goes back).",
                err=True,
            )
    elif not outcome.success:
        if outcome.version:
            click.echo(
                "Nothing was published: the serving database keeps its last good version, "
                f"{described.get(outcome.version, outcome.version)}: {p.serving_db}",
                err=True,
            )
        else:
            click.echo("Nothing was published (no version is published yet).", err=True)
    if outcome.success:
        click.echo(f"Published database: {p.serving_db}")
        click.echo(f"Parquet exports:    {p.serving_parquet}")
        for report in outcome.report_files:
            click.echo(f"Report:             {report}")
    if outcome.log_file and not outcome.success:
        click.echo(f"Full log: {outcome.log_file}", err=True)


@main.command()
@click.option("--week", required=True, help="ISO week to build, e.g. 2023-W15.")
@click.option(
    "--as-of", "as_of", default=None, help="Build as the warehouse knew things at this moment (ISO 8601 with offset)."
)
@click.option("--live", is_flag=True, help="Fetch with akshare before building (default: landed data only).")
@click.option("--force", is_flag=True, help="Build even when nothing changed since the last build.")
@click.option(
    "--full-refresh",
    "full_refresh",
    is_flag=True,
    help="Rebuild the incremental models from scratch instead of only the weeks that changed.",
)
def build(week: str, as_of: str | None, live: bool, force: bool, full_refresh: bool) -> None:
    """Land, check, build, publish and render the report for one week."""
    from cli.build import run_build
    from ground.calendar import UnknownWeekError

    click.echo(f"Building {week}{' live' if live else ''}{f' as of {as_of}' if as_of else ''} …", err=True)
    try:
        outcome = _guarded(
            run_build, week, as_of=_parse_as_of(as_of), live=live, force=force, full_refresh=full_refresh
        )
    except UnknownWeekError as exc:
        raise click.ClickException(str(exc)) from exc
    _report_build(outcome)
    if not outcome.success:
        sys.exit(1)


def _guarded(run, *args, **kwargs):
    """Run a build; a full disk outside the run itself is one line, not a traceback."""
    from warehouse.build_log import describe_failure, is_disk_full

    try:
        return run(*args, **kwargs)
    except Exception as exc:
        if not is_disk_full(exc, paths().home):
            raise
        raise click.ClickException(describe_failure(exc, paths())) from exc


def install_demo_snapshot():
    """Install the embedded demo snapshot into this home's landing zone (resumable; see ingestion.demo_snapshot)."""
    from ingestion.demo_snapshot import install_demo_snapshot as install

    return install()


@main.command()
def demo() -> None:
    """Build the demo week 2023-W15 offline from the embedded demo snapshot."""
    from cli.build import run_build

    if not DEMO_LANDING.exists():
        raise click.ClickException(f"the demo snapshot is missing: {DEMO_LANDING}")
    installed = _guarded(install_demo_snapshot)
    from ingestion.catalogue import catalogue_of

    catalogue_of(paths().landing).rebuild()  # record the installed loads in the zone's catalogue
    line = f"Demo snapshot: {installed.copied} files copied into {paths().landing}, {installed.present} already there"
    if installed.replaced:
        names = ", ".join(path.name for path in installed.replaced[:3])
        more = f" and {len(installed.replaced) - 3} more" if len(installed.replaced) > 3 else ""
        line += f"; replaced {len(installed.replaced)} damaged file(s): {names}{more}"
    click.echo(line, err=True)
    click.echo(f"Building {DEMO_WEEK} as of {DEMO_AS_OF} …", err=True)
    outcome = _guarded(run_build, DEMO_WEEK, as_of=_parse_as_of(DEMO_AS_OF))
    _report_build(outcome)
    if not outcome.success:
        sys.exit(1)


@main.command()
@click.argument("source")
@click.option("--file", "file_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--param", "params", multiple=True, help="KEY=VALUE parameter of the load (e.g. date=20230414, symbol=北向资金)."
)
@click.option("--available-at", default=None, help="When this data became known (backfills); default now.")
def ingest(source: str, file_path: Path, params: tuple[str, ...], available_at: str | None) -> None:
    """Land FILE (CSV, .xlsx or Parquet in SOURCE's raw shape) as a new load of SOURCE."""
    from ingestion.files import FileFormatError, ParamsError, ingest_file
    from ingestion.registry import get_source

    try:
        src = get_source(source)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    given = {}
    for item in params:
        if "=" not in item:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        key, value = item.split("=", 1)
        given[key.strip()] = value.strip()
    paths().ensure()
    try:
        result = ingest_file(src, file_path, given, available_at=_parse_as_of(available_at))
    except (FileFormatError, ParamsError) as exc:
        raise click.ClickException(str(exc)) from exc
    load = result.load
    if result.created:
        click.echo(
            f"Landed {load.rows} rows of {source} as load {load.load_id} (periods {load.period_min} .. {load.period_max})."
        )
        click.echo("Its checks run with the next build (or at once in the Dagster UI: materialise its landing asset).")
    else:
        click.echo(f"{file_path.name} is identical to load {load.load_id}; no new load.")


@main.command()
@click.argument("load_id")
@click.option(
    "--reason", required=True, help="What you reviewed and why the load is right (kept in the quality history)."
)
@click.option("--by", "by", default=None, help="Who accepts it (default: the OS user).")
def accept(load_id: str, reason: str, by: str | None) -> None:
    """Release the quarantined load LOAD_ID after review: the next build uses it.

    The acceptance (who, when, why, the failed checks it overrides, the suite version) is kept in
    quality.load_acceptances and shown by `warehouse sources` and in the report's appendix. It
    holds for the current version of the source's suite; a changed suite checks the load again.
    """
    import duckdb

    from expectations.acceptance import AcceptanceError, accept_load, describe_acceptance
    from ground.database import working
    from ground.writer_lease import WriterLease, WriterLeaseTimeout
    from warehouse.fingerprint import forget_record

    if not paths().working_db.exists():
        raise click.ClickException("no load has been checked yet: run `warehouse build` first")
    lease = WriterLease(paths().working_db, timeout_seconds=ACCEPT_WAIT_SECONDS)
    try:
        # as a run of its own: it waits for a build that holds the working database (between its
        # steps too), so the build's publish never mixes its own checks with this acceptance
        with (
            lease.writing(
                f"warehouse-accept-{uuid.uuid4().hex[:12]}",
                run_is_running=lambda run_id: None,  # a build's run is not ours to ask: its process is
                notify=lambda message: click.echo(f"  … {message}", err=True),
            ),
            working(retry_seconds=ACCEPT_WAIT_SECONDS) as con,
        ):
            acceptance = accept_load(con, load_id, reason=reason, by=by)
    except AcceptanceError as exc:
        raise click.ClickException(str(exc)) from exc
    except WriterLeaseTimeout as exc:
        raise click.ClickException(f"{exc}; try again when the build has finished") from exc
    except duckdb.IOException as exc:
        raise click.ClickException(
            f"the working database is busy (a build is running) for more than {ACCEPT_WAIT_SECONDS:.0f} s; "
            f"try again when it has finished ({exc})"
        ) from exc
    forget_record(paths())  # the next build reads the load: never skip it as unchanged
    click.echo(f"Accepted: {describe_acceptance(acceptance)}")
    click.echo("The next build uses it (e.g. `warehouse build --week <week>`); `warehouse sources` lists it.")


@main.command()
@click.option("--rebuild", is_flag=True, help="Recreate the catalogue from the manifest files.")
def catalogue(rebuild: bool) -> None:
    """The landing zone's load catalogue: what it records, or rebuild it from the manifests."""
    from ingestion.catalogue import catalogue_of
    from ingestion.landing import LandingError

    paths().ensure()
    cat = catalogue_of(paths().landing)
    try:
        if rebuild:
            with cat.lock.held(exclusive=True):
                count = cat.rebuild()
            click.echo(f"Rebuilt {cat.path} from {count} manifest(s).")
            return
        status = cat.status()
    except LandingError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Catalogue: {status['catalogue']}")
    click.echo(f"Loads:     {status['loads']} of {status['sources']} source(s)")
    if status["recorded_from_disk"] or status["dropped"]:
        click.echo(
            f"Corrected from the manifests on disk: {status['recorded_from_disk']} recorded, "
            f"{status['dropped']} dropped (no manifest any more)."
        )


@main.command()
@click.argument("sql")
def query(sql: str) -> None:
    """Run read-only SQL on the published warehouse; print CSV with a header row.

    The query sees the published database only (schemas marts, quality, meta): it can read and
    write no file (COPY TO, read_csv, read_parquet, ATTACH, INSTALL are refused).
    """
    import duckdb

    from ground.database import SANDBOX_REFUSED, NotPublishedError, sandboxed

    try:
        with sandboxed() as con:
            cursor = con.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall()
    except NotPublishedError as exc:
        raise click.ClickException(str(exc)) from exc
    except duckdb.PermissionException as exc:  # a file, ATTACH or extension
        raise click.ClickException(f"{SANDBOX_REFUSED} ({_first_line(exc)})") from exc
    except duckdb.Error as exc:
        if "configuration has been locked" in str(exc) or "read-only mode" in str(exc):
            raise click.ClickException(f"{SANDBOX_REFUSED} ({_first_line(exc)})") from exc
        raise click.ClickException(f"query failed: {exc}") from exc
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _csv_value(value: object) -> object:
    """NULL as an empty field; doubles to 15 significant digits (881.9, not 881.9000000000001)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format(value, ".15g")
    return value


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def sources(as_json: bool) -> None:
    """Every registered source with its last load, rows and check status."""
    from warehouse.status import source_status

    rows = source_status()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
        return
    header = ("source", "kind", "section", "loads", "last load (available)", "rows", "latest period", "check")
    table = [header] + [
        (
            r["source"],
            r["kind"],
            r["section"],
            str(r["loads"]),
            (r["last_available_at"] or "—")[:16],
            str(r["rows"] if r["rows"] is not None else "—"),
            r["latest_period"] or "—",
            r["check_status"],
        )
        for r in rows
    ]
    widths = [max(_width(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip())
    _echo_held_and_accepted(rows)


def _echo_held_and_accepted(rows: list[dict]) -> None:
    """Below the table: the quarantined loads (with what failed) and the accepted ones."""
    held = [(r["source"], q) for r in rows for q in r.get("quarantined", [])]
    if held:
        click.echo(
            "\nQuarantined loads (no build reads them; review the file, then `warehouse accept LOAD_ID --reason …`):"
        )
        for source, q in held:
            click.echo(f"  {source}  {q['load_id']}  {q['origin']}: {_clip(q['summary'])}")
    accepted = [(r["source"], a) for r in rows for a in r.get("accepted_loads", [])]
    if accepted:
        click.echo("\nAccepted loads (in use although a check failed):")
        for source, a in accepted:
            checks = ", ".join(dict.fromkeys(str(o.get("check")) for o in a["overrides"]))
            click.echo(
                f"  {source}  {a['load_id']}  accepted by {a['accepted_by']} at {a['accepted_at'][:16].replace('T', ' ')} UTC "
                f"(overrides {checks}; suite {a['suite_hash'][:12]}): {a['reason']}"
            )


def _clip(text: str, limit: int = 240) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@main.command()
@click.option("--rollback", is_flag=True, help="Point the serving database back at the previous published version.")
@click.option(
    "--postgres",
    "postgres_dsn",
    default=None,
    metavar="DSN",
    help="Copy the current version's marts into schema marts of this PostgreSQL database "
    "(postgresql://user@host:port/db), in one transaction.",
)
@click.option(
    "--bi-role",
    default=None,
    metavar="NAME",
    help="The role that may read schema marts (created NOLOGIN if missing). [default: bi_reader]",
)
def publish(rollback: bool, postgres_dsn: str | None, bi_role: str | None) -> None:
    """Show published versions, roll back to the previous one, or publish the marts to PostgreSQL."""
    from warehouse.publish import PublishError, current_version, versions
    from warehouse.publish import rollback as do_rollback

    if bi_role and not postgres_dsn:
        raise click.UsageError("--bi-role goes with --postgres DSN")
    if rollback:
        try:
            version = do_rollback()
        except PublishError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Serving database now at {_describe_version(version)}: {paths().serving_db}")
    if postgres_dsn:
        _publish_postgres(postgres_dsn, bi_role)
    if rollback or postgres_dsn:
        return
    current = current_version()
    kept = versions()
    for version in kept:
        marker = "*" if current and version.number == current.number else " "
        record = version.record or {}
        click.echo(
            f"{marker} {version.name}  week {record.get('week') or '?'}  as of {record.get('as_of') or '?'}"
            f"  built {(record.get('built_at') or '?')[:19]}  {version.path}"
        )
    if current is not None:
        click.echo(f"Current: {_describe_version(current)} (marked *; readers and the report see this one)")
    elif not kept:
        click.echo("nothing published yet")


def _publish_postgres(dsn: str, bi_role: str | None) -> None:
    from warehouse.publish import PublishError
    from warehouse.publish_postgres import DEFAULT_BI_ROLE, publish_to_postgres

    role = bi_role or DEFAULT_BI_ROLE
    try:
        done = publish_to_postgres(dsn, bi_role=role, progress=lambda line: click.echo(f"  {line}", err=True))
    except PublishError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Published {done.version} to {done.target}: schema marts, {len(done.rows)} tables, "
        f"{done.total_rows:,} rows in {done.seconds:.1f} s (COPY {done.copy_seconds:.1f} s); "
        f"role {done.bi_role} may read it (grant it to BI users)."
    )


def _describe_version(version) -> str:
    """``v0003 (week 2023-W15, as of 2023-04-14T20:00:00+08:00)``, from the version's own record."""
    record = version.record or {}
    return f"{version.name} (week {record.get('week') or '?'}, as of {record.get('as_of') or '?'})"


@main.command()
@click.option("--port", default=3000, show_default=True)
def ui(port: int) -> None:
    """Start the Dagster UI on 127.0.0.1 for this project."""
    import dagster as dg

    from cli.build import ensure_dagster_home
    from orchestration.dbt_project import prepare_manifest
    from orchestration.partitions import register_weeks

    home = ensure_dagster_home(paths().ensure())
    prepare_manifest()  # the code location loads the prepared manifest (`dagster dev` would parse too)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        added = register_weeks(instance)  # the UI lists the weekly partitions at once, not after a sensor tick
    if added:
        click.echo(f"weekly partitions: added {added[0]} .. {added[-1]} ({len(added)} weeks)", err=True)
    dagster = Path(sys.executable).parent / "dagster"
    args = [str(dagster), "dev", "-w", str(REPO_ROOT / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)]
    click.echo(f"Dagster UI on http://127.0.0.1:{port} (DAGSTER_HOME={home})", err=True)
    os.chdir(REPO_ROOT)
    os.execve(args[0], args, {**os.environ, "DAGSTER_HOME": str(home)})  # the instance dagster dev runs on


@main.command()
@click.option("--force", is_flag=True, help="Parse even when the dbt project has not changed.")
def prepare(force: bool) -> None:
    """Prepare the dbt manifest the Dagster code location loads (`dbt parse` when the project changed)."""
    from orchestration.dbt_project import prepare_manifest  # imports Dagster and dagster-dbt: only here

    click.echo(f"dbt manifest ready: {prepare_manifest(force=force)}", err=True)


def run() -> None:
    """The `warehouse` command (console script): `main`, then an exit without interpreter teardown.

    After a build has imported GX, dbt-duckdb's and DuckDB's Python bindings, the teardown of the
    interpreter makes DuckDB's binding layer (nanobind) print some forty "leaked instance" lines
    depending on the order modules are finalised: harmless, and nothing a user should read after
    a build summary. Output is flushed and logging shut down first; nothing else is pending then
    (the build closed its databases, its Dagster instance and its locks). Tests call `main`.
    """
    import logging

    try:
        main(standalone_mode=False)
        code = 0
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        code = 1
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
