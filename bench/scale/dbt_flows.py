"""Contender: the real warehouse path — landing views, run settings and plan, then ``dbt build``.

``refresh``: (re)create ``landing.<source>`` for every registered source in the working database
of a warehouse home, over the loads available as of the build (what the landing assets do;
sources without loads get an empty typed view). ``prepare``: write the run settings and the
incremental plan (what the orchestrator's dbt step does before ``dbt build``,
``warehouse.rebuild_plan.prepare_dbt_build``), with the manifest of the benchmark's target.
``export``: the mart's rows as Parquet.

    python -m bench.scale.dbt_flows refresh --home H --as-of T
    python -m bench.scale.dbt_flows prepare --home H --week W --as-of T --manifest target/manifest.json
    python -m bench.scale.dbt_flows export --home H [--week W] --out x.parquet
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from bench.scale.common import RESULT_COLUMNS, parse_moment

MART = "mart_fund_flows_by_industry_weekly"
# what a weekly build makes of the per-stock sources: the industry mart and the stock leaders (both
# incremental; leaving one out would leave it "never built" and the read windows off)
SELECT = f"+{MART} +mart_stock_flow_leaders_weekly"


def working_db(home: Path) -> Path:
    return home / "working" / "warehouse.duckdb"


def refresh_views(home: Path, as_of: datetime, landing: Path | None = None, db: Path | None = None) -> dict:
    """What the landing assets do before dbt runs: new files verified, one view per source over its visible loads.

    ``landing`` and ``db`` default to the home's landing zone and working database.
    """
    import duckdb

    from ingestion.landing import list_loads
    from ingestion.registry import registry
    from warehouse.landing_views import refresh_source_view, unreadable_loads

    started = time.monotonic()
    landing = landing or home / "landing"
    db = db or working_db(home)
    db.parent.mkdir(parents=True, exist_ok=True)
    counts = {}
    con = duckdb.connect(str(db))
    try:
        con.execute("set TimeZone = 'UTC'")
        for name, source in registry().items():
            loads = list_loads(landing, name) if (landing / name).exists() else []
            visible = [ld for ld in loads if ld.available_at_dt <= as_of]
            problems = unreadable_loads(con, source, visible)  # as the landing step does before the view
            if problems:
                raise SystemExit("; ".join(problems))
            counts[name] = len(refresh_source_view(con, source, visible))
    finally:
        con.close()
    return {"seconds": round(time.monotonic() - started, 3), "loads": sum(counts.values())}


def prepare(
    home: Path,
    week: str,
    as_of: datetime,
    manifest: Path,
    landing: Path | None = None,
    db: Path | None = None,
    full_refresh: bool = False,
) -> dict:
    """Run settings and rebuild plan in the working database, as the orchestrator writes them."""
    import duckdb

    from warehouse.rebuild_plan import prepare_dbt_build
    from warehouse.run_settings import RunSettings

    started = time.monotonic()
    settings = RunSettings.for_week(week, as_of, landing or home / "landing")
    con = duckdb.connect(str(db or working_db(home)))
    try:
        con.execute("set TimeZone = 'UTC'")
        plan = prepare_dbt_build(con, settings, manifest, full_refresh=full_refresh)
    finally:
        con.close()
    return {
        "seconds": round(time.monotonic() - started, 3),
        "plan": plan.describe(),
        "weeks": {p.model: None if p.full else p.weeks for p in plan.models},
        "reads": {source: len(loads) for source, loads in plan.window_loads.items()},
    }


def dbt_command(
    project: Path, target: Path, select: str | None, command: str = "build", extra: tuple = ()
) -> list[str]:
    """A dbt invocation with its own target path (never the project's target/, which others use).

    No --vars: the run settings are in the working database (``prepare``), so once the target
    holds dbt's partial-parse state, a build does not parse the project again.
    """
    dbt = str(Path(sys.executable).parent / "dbt")
    cmd = [dbt, command, "--project-dir", str(project), "--profiles-dir", str(project)]
    cmd += ["--target-path", str(target), "--log-path", str(target / "logs")]
    if select:
        # tests of the selection whose other parents are not built (a relationship to a model
        # outside the selection) would fail on a fresh database: run only the buildable ones
        cmd += ["--select", select, "--indirect-selection", "cautious"]
    return [*cmd, *extra]


def dbt_env(home: Path, db: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["WAREHOUSE_DUCKDB"] = str(db or working_db(home))
    env["WAREHOUSE_HOME"] = str(home)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return env


def export(home: Path, out: Path, week: str | None = None) -> int:
    import duckdb

    con = duckdb.connect(str(working_db(home)), read_only=True)
    try:
        where = f"where week_id = '{week}'" if week else ""
        con.execute(
            f"copy (select {', '.join(RESULT_COLUMNS)} from marts.{MART} {where} "
            f"order by week_id, flow, industry_code) to '{out}' (format parquet)"
        )
        return con.execute(f"select count(*) from read_parquet('{out}')").fetchone()[0]
    finally:
        con.close()


def node_timings(target: Path, top: int = 8) -> list[tuple[str, float]]:
    """The slowest nodes of the last dbt invocation (run_results.json)."""
    path = target / "run_results.json"
    if not path.exists():
        return []
    results = json.loads(path.read_text())["results"]
    rows = [(r["unique_id"].split(".", 2)[-1], float(r.get("execution_time") or 0.0)) for r in results]
    return sorted(rows, key=lambda r: -r[1])[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("refresh")
    r.add_argument("--home", type=Path, required=True)
    r.add_argument("--as-of", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--home", type=Path, required=True)
    p.add_argument("--week", required=True)
    p.add_argument("--as-of", required=True)
    p.add_argument("--manifest", type=Path, required=True)
    p.add_argument("--landing", type=Path, default=None)
    p.add_argument("--db", type=Path, default=None)
    p.add_argument("--full-refresh", action="store_true")
    e = sub.add_parser("export")
    e.add_argument("--home", type=Path, required=True)
    e.add_argument("--week", default=None)
    e.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "refresh":
        print(json.dumps(refresh_views(args.home, parse_moment(args.as_of))))
    elif args.command == "prepare":
        found = prepare(
            args.home,
            args.week,
            parse_moment(args.as_of),
            args.manifest,
            landing=args.landing,
            db=args.db,
            full_refresh=args.full_refresh,
        )
        print(json.dumps(found, ensure_ascii=False))
    else:
        print(export(args.home, args.out, args.week))


if __name__ == "__main__":
    main()
