"""Benchmark: publishing a home's current serving version to PostgreSQL (`warehouse publish --postgres`).

A throwaway PostgreSQL server (warehouse.local_postgres, fsync on: what a real server does) is
started per home; the version is published ``--repeat`` times: the first publish into an empty
database, then replacements of the published schema (the steady state after every build). Only
the publish is timed (the home must already hold a published version: `warehouse demo`, or the
scale benchmark's working database published with `--publish-working WEEK AS_OF`).

    python -m bench.postgres_publish --home data                        # the demo marts
    python -m bench.postgres_publish --home bench/.work/scale-5000x10y/home \
        --publish-working 2024-W51 2024-12-21T08:00:00+08:00            # the scale benchmark's mart
    python -m bench.postgres_publish --bulk-from bench/.work/scale-5000x10y/home \
        intermediate.int_stock_flows_classified_weekly                   # COPY throughput on millions of rows

Prints a table and appends it to bench/RESULTS.md (unless --no-record).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from bench.results import Report, Row, append
from ground.settings import Paths


def publish_working(p: Paths, week: str, as_of: str) -> str:
    """Publish the home's working database as a DuckDB serving version first (write-audit-publish)."""
    from warehouse.publish import publish

    started = time.monotonic()
    version = publish(week=week, as_of=as_of, p=p)
    return f"{version.name} written by write-audit-publish in {time.monotonic() - started:.1f} s"


def bulk_home(source_home: Path, table: str, work: Path) -> Paths:
    """A scratch home whose only mart is ``table`` of another home's working database, published."""
    import shutil

    import duckdb

    from warehouse.publish import publish

    p = Paths(home=work / "home", reports=work / "reports")
    shutil.rmtree(work, ignore_errors=True)
    p.working_db.parent.mkdir(parents=True)
    con = duckdb.connect(str(p.working_db))
    try:
        con.execute(f"attach '{source_home / 'working' / 'warehouse.duckdb'}' as source (read_only)")
        con.execute("create schema marts")
        con.execute(f"create table marts.bulk_{table.split('.')[-1]} as select * from source.{table}")
    finally:
        con.close()
    publish(week=None, as_of="2024-12-21T08:00:00+08:00", p=p)
    return p


def measure(report: Report, label: str, p: Paths, repeat: int) -> None:
    import duckdb

    from warehouse.local_postgres import LocalPostgres
    from warehouse.publish import current_version
    from warehouse.publish_postgres import publish_to_postgres

    version = current_version(p)
    if version is None:
        raise SystemExit(f"{p.serving}: nothing published; build or pass --publish-working")
    con = duckdb.connect(str(version.database), read_only=True)
    marts = con.execute(
        "select count(*), sum(estimated_size), sum(column_count) from duckdb_tables() where schema_name = 'marts'"
    ).fetchall()[0]
    con.close()
    size_mb = version.database.stat().st_size / 2**20
    with LocalPostgres.start(fsync=True) as server:
        runs = []
        for _ in range(repeat):
            runs.append(publish_to_postgres(server.dsn(), p=p))
    first, rest = runs[0], runs[1:] or runs
    steady = statistics.median(r.seconds for r in rest)
    rows = first.total_rows
    report.add(
        Row(
            "pg",
            f"publish to PostgreSQL: {label}",
            f"{version.name}: {marts[0]} marts, {rows:,} rows, {marts[2]} columns (DuckDB file {size_mb:.1f} MB); "
            "first publish into an empty database",
            first.seconds,
            ratio=f"{rows / first.seconds:,.0f} rows/s",
        )
    )
    report.add(
        Row(
            "pg",
            f"publish to PostgreSQL: {label}",
            f"replacing the published schema (median of {len(rest)})",
            steady,
            ratio=f"{rows / steady:,.0f} rows/s",
        )
    )
    last = rest[-1]
    report.detail(
        f"{label}: where the time of a replacing publish goes: "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in sorted(last.steps.items(), key=lambda kv: -kv[1]))
        + f"; swap waited {last.swap_wait_seconds:.2f} s for readers"
    )


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, action="append", default=[], help="a warehouse home (repeatable)")
    parser.add_argument("--bulk-from", nargs=2, metavar=("HOME", "SCHEMA.TABLE"), help="also: that table as a mart")
    parser.add_argument("--label", action="append", help="a name per home (default: the folder)")
    parser.add_argument("--publish-working", nargs=2, metavar=("WEEK", "AS_OF"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    report = Report("`python -m bench.postgres_publish`")
    report.detail(f"load average at the start: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for i, home in enumerate(args.home):
        p = Paths(home=home.resolve(), reports=home.resolve().parent / "reports")
        label = args.label[i] if args.label and i < len(args.label) else home.name
        if args.publish_working:
            report.detail(f"{label}: {publish_working(p, *args.publish_working)}")
        measure(report, label, p, args.repeat)
    if args.bulk_from:
        home, table = Path(args.bulk_from[0]).resolve(), args.bulk_from[1]
        p = bulk_home(home, table, Path(__file__).resolve().parent / ".work" / "postgres-bulk")
        measure(report, f"bulk: {table} as one mart", p, args.repeat)
    if not args.no_record:
        append(report)
    return report


if __name__ == "__main__":
    main()
