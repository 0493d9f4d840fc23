"""How much the Great Expectations checks of all 37 sources add to a build (target: at most 3 s).

    .venv/bin/python -m bench.check_overhead [--repeat 3] [--mode screen|always|both] [--dagster]

A fresh warehouse home gets one new load per source (the newest load of each source in the demo
snapshot, ``data/demo/landing``), so every check has exactly one pending load to validate. GX is
imported and its context created before the clock starts (the one-time import is excluded).

1. **adapter**: for each source, what the check body does (``orchestration/quality_checks.py``):
   list the loads, ``check_source``, record the verdicts and the result in the ``quality``
   schema. Summed over the 37 sources; the working database is reset between repetitions so
   every load is pending again.
2. **dagster** (``--dagster``): the ``land_sources`` job in-process (37 landing assets and their
   checks, one step per section); the landing steps' wall time from the event log (STEP_START to
   the step's end: landing, checks and Dagster's own per-step cost) and the checks' own seconds
   (``quality.check_results``).

``--mode always`` (the default of a build) validates every group with GX: a BOOLEAN_ONLY pass over
the whole suite, then COMPLETE for the failed expectations; ``--mode screen`` puts the vectorised
screen in front (``WAREHOUSE_GX_MODE=screen``). Prints a table; nothing is written to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DEMO_LANDING = REPO / "data" / "demo" / "landing"
REFERENCE = datetime.fromisoformat("2023-04-14T20:00+08:00")
AS_OF = datetime(2030, 1, 1, tzinfo=UTC)  # every copied load is visible


def prepare_home(root: Path) -> Path:
    """A warehouse home whose landing zone holds the newest demo load of every source."""
    home = root / "home"
    os.environ.update(
        WAREHOUSE_HOME=str(home), WAREHOUSE_REPORTS=str(root / "reports"), DAGSTER_HOME=str(home / "dagster_home")
    )
    from ground.settings import paths
    from ingestion.landing import list_loads
    from ingestion.registry import registry

    p = paths().ensure()
    for name in registry():
        newest = list_loads(DEMO_LANDING, name)[-1]
        target = p.landing / name
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(newest.parquet_path, target / newest.parquet_path.name)
        shutil.copyfile(newest.manifest_path, target / newest.manifest_path.name)
    return home


def reset_working_db() -> None:
    from ground.settings import paths

    for path in paths().working_db.parent.glob("warehouse.duckdb*"):
        path.unlink()


def adapter_pass() -> tuple[float, dict[str, float], dict[str, float]]:
    """One check of every source, as the asset check's body does it; (total s, per source s, GX expectations)."""
    from expectations.adapter import check_source
    from expectations.store import record_check, record_verdicts
    from ground.database import working
    from ingestion.landing import list_loads
    from ingestion.registry import registry

    per_source, gx_used = {}, {}
    with working() as con:
        started = time.perf_counter()
        for name, source in registry().items():
            t0 = time.perf_counter()
            loads = list_loads(source=name)
            outcome = check_source(source, loads, con=con, reference=REFERENCE, as_of=AS_OF)
            assert outcome.loads_checked == 1, (name, outcome.loads_checked)
            record_verdicts(con, outcome.verdicts, "bench")
            record_check(
                con,
                run_id="bench",
                source=name,
                check_name="great_expectations",
                passed=outcome.passed,
                severity=outcome.severity or "OK",
                loads_checked=outcome.loads_checked,
                loads_failed=len(outcome.failed_load_ids),
                summary=outcome.summary(),
                failures=[f.as_dict() for f in outcome.failures],
                suite_hash=outcome.suite_hash,
                seconds=outcome.timings["total_s"],
            )
            per_source[name] = time.perf_counter() - t0
            gx_used[name] = outcome.timings["gx_expectations"]
        total = time.perf_counter() - started
    return total, per_source, gx_used


def dagster_pass() -> tuple[float, int, float]:
    """The land_sources job in-process: its steps' summed wall time, their number, the checks' seconds."""
    import dagster as dg

    from ground.database import working
    from ingestion.landing import list_loads
    from orchestration.definitions import defs

    as_of = max(ld.available_at_dt for ld in list_loads())  # every copied load visible, none stale by it
    job = defs.resolve_job_def("land_sources")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(
            run_config={
                "resources": {"build": {"config": {"as_of": as_of.isoformat(), "live": False}}},
                "loggers": {"console": {"config": {"log_level": "ERROR"}}},
            },
            instance=instance,
            raise_on_error=False,
        )
        records = instance.all_logs(result.run_id)
    started: dict[str, float] = {}
    total, steps = 0.0, 0
    for record in records:
        event = record.dagster_event
        key = (event.step_key if event else None) or ""
        if not key.startswith("landing_"):
            continue
        if event.event_type_value == "STEP_START":
            started[key] = record.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and key in started:
            total += record.timestamp - started.pop(key)
            steps += 1
    with working() as con:
        checks = con.execute(
            "select coalesce(sum(seconds), 0) from quality.check_results where run_id = ?", [result.run_id]
        ).fetchone()[0]
    return total, steps, float(checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mode", choices=("screen", "always", "both"), default="both")
    parser.add_argument("--dagster", action="store_true", help="also time the check steps of a land_sources run")
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="check_overhead_"))
    try:
        prepare_home(root)
        t0 = time.perf_counter()
        from expectations.gx_validation import gx_batch_definition

        gx_batch_definition()  # GX import and its ephemeral context: the one-time cost, not timed below
        gx_import = time.perf_counter() - t0
        from ingestion.registry import registry

        print(f"GX import + context (excluded): {gx_import:.1f} s; sources: {len(registry())}, one new load each")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
        modes = ["screen", "always"] if args.mode == "both" else [args.mode]
        for mode in modes:
            os.environ["WAREHOUSE_GX_MODE"] = mode
            totals, cpu = [], []
            per_source: dict[str, list[float]] = {}
            gx_used: dict[str, float] = {}
            for _ in range(args.repeat + 1):  # the first pass warms the suites' caches
                reset_working_db()
                c0 = time.process_time()
                total, by_source, gx_used = adapter_pass()
                totals.append(total)
                cpu.append(time.process_time() - c0)
                for name, seconds in by_source.items():
                    per_source.setdefault(name, []).append(seconds)
            warm, warm_cpu = totals[1:] or totals, cpu[1:] or cpu
            print(
                f"\n[{mode}] checks of all {len(per_source)} sources: median {statistics.median(warm):.2f} s wall "
                f"({statistics.median(warm_cpu):.2f} s CPU), first pass {totals[0]:.2f} s; runs: "
                + ", ".join(f"{t:.2f}" for t in totals)
            )
            validated = {n: int(v) for n, v in gx_used.items() if v}
            print(f"  expectations GX validated: {sum(validated.values())} in {len(validated)} sources {validated}")
            slowest = sorted(per_source.items(), key=lambda kv: -statistics.median(kv[1][1:] or kv[1]))[:5]
            print("  slowest: " + ", ".join(f"{n} {statistics.median(v[1:] or v):.3f} s" for n, v in slowest))
            print(f"  budget 3 s: {'met' if statistics.median(warm) <= 3.0 else 'NOT met'}")
            if args.dagster:
                reset_working_db()
                steps_total, steps, checks = dagster_pass()
                print(
                    f"  dagster land_sources run: {steps} landing steps (landing and checks) took {steps_total:.2f} s "
                    f"in all (wall, incl. Dagster); the checks themselves {checks:.2f} s"
                )
        print(f"machine load average after: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
