"""Benchmarks 1-3 on the embedded demo snapshot (data/demo/landing), each build a child process.

1. cold demo build: ``warehouse demo`` in a fresh warehouse home (the dbt manifest prepared, as
   after any earlier build of this checkout), versus ``dbt build`` alone on the same landed data
   (a fresh working database with the landing views and the run settings the orchestrator
   writes) plus the interpreter start, in the same run. dbt alone is measured twice: with partial
   parsing ready (as the orchestrator builds: no --vars, the parse state kept in its target) and
   in a fresh target (dbt parses the whole project);
2. no-op rebuild: ``warehouse build`` of the same week and as-of again in the built home;
3. one new week: a home built for 2023-W14 (only the loads available by its report moment
   landed), then the loads available by 2023-W15's report moment land and 2023-W15 builds.

Every child runs with a copy of dbt_project/ (its own target/, and the models cannot change
under a running benchmark): WAREHOUSE_DBT_PROJECT_DIR points at it. The cold build's time is
split with its Dagster event log: before the run (interpreter, imports, definitions, snapshot
copy), run setup, each kind of step, and the gaps between steps.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from bench.measure import Measurement, run, tail
from bench.results import Report, Row
from ground.settings import DBT_PROJECT_DIR, DEMO_LANDING, REPO_ROOT

VENV_BIN = Path(sys.executable).parent
DEMO_WEEK, DEMO_AS_OF = "2023-W15", "2023-04-14T20:00+08:00"
PREV_WEEK, PREV_AS_OF = "2023-W14", "2023-04-07T20:00+08:00"
STACK = "import dagster, dagster_dbt, dbt.cli.main, great_expectations, pandas, duckdb"


def snapshot_project(work: Path) -> Path:
    """A private copy of dbt_project/ (no target/, logs/)."""
    target = work / "dbt_project"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(DBT_PROJECT_DIR, target, ignore=shutil.ignore_patterns("target", "logs", ".user.yml"))
    return target


def home_env(home: Path, project: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "WAREHOUSE_DUCKDB"}
    env.update(
        WAREHOUSE_HOME=str(home),
        WAREHOUSE_REPORTS=str(home.parent / f"{home.name}_reports"),
        WAREHOUSE_DBT_PROJECT_DIR=str(project),
        DAGSTER_HOME=str(home / "dagster_home"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    return env


def fresh(path: Path) -> Path:
    if path.exists():
        for sub in path.rglob("*"):  # landing files are read-only
            if sub.is_file():
                sub.chmod(0o644)
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


# ---------------------------------------------------------------------- where a build's time goes
def step_group(step: str) -> str:
    if step.startswith("landing_"):
        return "landing and GX checks"
    if step.startswith("dbt"):
        return "dbt step"
    if step.startswith("serving"):
        return "publish"
    if step.startswith("report"):
        return "report"
    return step


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def timeline(home: Path, m: Measurement) -> dict[str, float]:
    """Seconds of a build by phase, from the newest run's Dagster event log (empty if none)."""
    runs = sorted((home / "dagster_home" / "history" / "runs").glob("*-*.db"), key=lambda p: p.stat().st_mtime)
    if not runs:
        return {}
    con = sqlite3.connect(runs[-1])
    try:
        rows = con.execute("select dagster_event_type, step_key, timestamp from event_logs order by id").fetchall()
    finally:
        con.close()
    if not rows:
        return {}
    created = _epoch(rows[0][2])  # the run's first events: the planned materializations and checks
    start = next((_epoch(t) for kind, _, t in rows if kind == "PIPELINE_START"), created)
    end = _epoch(rows[-1][2])
    spans: dict[str, list[float]] = {}
    for kind, step, text in rows:
        if kind == "STEP_START":
            spans[step] = [_epoch(text), _epoch(text)]
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and step in spans:
            spans[step][1] = _epoch(text)
    out: dict[str, float] = defaultdict(float)
    out["before the run (interpreter, imports, definitions, snapshot copy)"] = created - m.started_at
    out["run creation (planned events)"] = start - created
    first = min((s for s, _ in spans.values()), default=start)
    out["run setup (planning, resources)"] = first - start
    for step, (s, e) in spans.items():
        out[step_group(step)] += e - s
    busy = sum(e - s for s, e in spans.values())
    last = max((e for _, e in spans.values()), default=end)
    out["between steps (Dagster bookkeeping)"] = (last - first) - busy
    out["after the run (exit)"] = m.started_at + m.seconds - last
    return dict(out)


def run_events(home: Path) -> str:
    """How many events the newest run wrote (each is a write to the sqlite event log), and the GX time."""
    runs = sorted((home / "dagster_home" / "history" / "runs").glob("*-*.db"), key=lambda p: p.stat().st_mtime)
    if not runs:
        return ""
    con = sqlite3.connect(runs[-1])
    try:
        counts = dict(con.execute("select dagster_event_type, count(*) from event_logs group by 1").fetchall())
        run_id = runs[-1].stem
    finally:
        con.close()
    planned = sum(n for kind, n in counts.items() if kind and kind.endswith("_PLANNED"))
    text = f"{sum(counts.values())} events in the run's log ({planned} planned, {counts.get('STEP_START', 0)} steps)"
    db = home / "working" / "warehouse.duckdb"
    if db.exists():
        import duckdb

        try:
            con = duckdb.connect(str(db), read_only=True)
            checks = con.execute(
                "select count(*), coalesce(sum(seconds), 0) from quality.check_results where run_id = ?", [run_id]
            ).fetchone()
            con.close()
            text += f"; {checks[0]} GX checks took {checks[1]:.1f} s of the landing steps"
        except duckdb.Error:
            pass
    return text


def describe(parts: dict[str, float]) -> str:
    return "; ".join(f"{k} {v:.1f} s" for k, v in sorted(parts.items(), key=lambda kv: -kv[1]))


def interpreter_start(repeat: int = 5) -> float:
    times = [run([sys.executable, "-c", "pass"], label="python -c pass").seconds for _ in range(repeat)]
    return statistics.median(times)


def stack_imports(report: Report) -> None:
    """What one process pays to import the stack, with the bytecode cache and without any."""
    with_cache = run([sys.executable, "-c", STACK], label="imports")
    bare = {k: v for k, v in os.environ.items() if k != "PYTHONPYCACHEPREFIX"}
    bare["PYTHONDONTWRITEBYTECODE"] = "1"
    venv_pyc = next(Path(sys.prefix).glob("lib/python3*/site-packages/pandas/__pycache__/*.pyc"), None) is not None
    without = run([sys.executable, "-c", STACK], label="imports", env=bare)
    report.detail(
        f"importing dagster, dagster_dbt, dbt, great_expectations, pandas, duckdb in one process: "
        f"{with_cache.seconds:.1f} s with bytecode, {without.seconds:.1f} s with PYTHONDONTWRITEBYTECODE=1 "
        f"({'the .venv has' if venv_pyc else 'the .venv has no'} .pyc files of its own)"
    )


def prepare_manifest(env: dict[str, str], log: Path) -> Measurement:
    code = "from orchestration.dbt_project import prepare_manifest; prepare_manifest()"
    return run([sys.executable, "-c", code], label="manifest", env=env, cwd=REPO_ROOT, log=log)


def copy_loads(source: Path, target: Path, until: datetime | None = None, after: datetime | None = None) -> int:
    """Copy demo loads whose available_at is in (after, until] (Parquet first, manifest last)."""
    copied = 0
    for manifest in sorted(source.rglob("*.json")):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        available = datetime.fromisoformat(data["available_at"])
        if (until and available > until) or (after and available <= after):
            continue
        folder = target / manifest.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        parquet = manifest.with_suffix(".parquet")
        if parquet.exists():
            shutil.copyfile(parquet, folder / parquet.name)
        shutil.copyfile(manifest, folder / manifest.name)
        copied += 1
    return copied


def failed(m: Measurement, report: Report) -> None:
    report.detail(f"{m.label} FAILED (exit {m.returncode}); log {m.log}:\n\n```\n{tail(m.log, 15)}\n```\n")


def median(ms: list[Measurement]) -> Measurement:
    """The measurement with the median wall time (its memory with it); spread in ``extra``."""
    ordered = sorted(ms, key=lambda m: m.seconds)
    pick = ordered[(len(ordered) - 1) // 2]
    pick.extra["spread"] = f"{ordered[0].seconds:.1f}-{ordered[-1].seconds:.1f} s over {len(ms)} runs"
    pick.returncode = max((m.returncode for m in ms), key=abs)
    return pick


def spread(m: Measurement) -> str:
    text = m.extra.get("spread", "")
    return "" if text.endswith("over 1 runs") else text


# ---------------------------------------------------------------------- the benchmarks
def run_demo(work: Path, report: Report, which: set[str], repeat: int = 1) -> None:
    """Benchmarks 1-3 (``which`` ⊆ {cold, noop, newweek}); 1 and 2 ``repeat`` times (median)."""
    from bench.scale.dbt_flows import dbt_command, dbt_env, node_timings, refresh_views
    from bench.scale.run import PY, parse_kind

    if not any(DEMO_LANDING.glob("*/*.json")):
        report.detail(f"demo snapshot {DEMO_LANDING} has no loads: benchmarks 1-3 skipped")
        return
    work.mkdir(parents=True, exist_ok=True)
    project = snapshot_project(work)
    logs = fresh(work / "logs")
    prep = prepare_manifest(home_env(work / "home", project), logs / "manifest.log")
    report.detail(
        f"dbt manifest prepared once for the copied project (`prepare_manifest`: what the first build of a fresh "
        f"checkout pays on top): {prep.seconds:.1f} s{'' if prep.ok else ' — FAILED'}"
    )
    start = interpreter_start()
    report.detail(f"interpreter start (`python -c pass`, median of 5): {start:.3f} s")
    stack_imports(report)
    warehouse = str(VENV_BIN / "warehouse")
    as_of = datetime.fromisoformat(DEMO_AS_OF)

    colds, fulls, partials, home = [], [], [], work / "home"
    if which & {"cold", "noop"}:
        for i in range(repeat if "cold" in which else 1):
            home = fresh(work / "home")
            cold = run(
                [warehouse, "demo"], label="cold demo build", env=home_env(home, project), log=logs / f"cold{i}.log"
            )
            cold.extra["timeline"] = timeline(home, cold)
            cold.extra["events"] = run_events(home)
            colds.append(cold)
            if not cold.ok:
                failed(cold, report)
            if "cold" not in which:
                break
            # dbt build alone on the same landed data: fresh working databases with the landing views,
            # the run settings and plan written as the orchestrator's dbt step does, then `dbt build`
            manifest = project / "target" / "manifest.json"  # what prepare_manifest wrote
            for kind, bucket in (("full", fulls), ("partial", partials)):
                alone = fresh(work / f"dbt_{kind}")
                db = alone / "warehouse.duckdb"
                views = refresh_views(home, as_of, landing=home / "landing", db=db)
                target = work / ("target_partial" if kind == "partial" else f"target_full{i}")
                if kind == "partial" and not (target / "partial_parse.msgpack").exists():
                    run(
                        dbt_command(project, target, None, "parse"),
                        label="dbt parse",
                        env=dbt_env(home, db),
                        log=logs / "parse.log",
                    )
                settings = [PY, "-m", "bench.scale.dbt_flows", "prepare", "--home", str(home), "--db", str(db)]
                settings += ["--week", DEMO_WEEK, "--as-of", as_of.isoformat(), "--manifest", str(manifest)]
                prepared = run(settings, label="run settings", cwd=REPO_ROOT, log=logs / f"prepare_{kind}{i}.log")
                m = run(
                    dbt_command(project, target, None),
                    label=f"dbt build ({kind} parse)",
                    env=dbt_env(home, db),
                    log=logs / f"dbt_{kind}{i}.log",
                )
                m.seconds += prepared.seconds
                m.returncode = m.returncode or prepared.returncode
                m.extra["prepare"] = prepared.seconds
                m.extra["parse"] = parse_kind(target)
                m.extra["views"] = views["seconds"]
                m.extra["nodes"] = node_timings(target, 5)
                m.extra["elapsed"] = (
                    json.loads((target / "run_results.json").read_text())["elapsed_time"] if m.ok else 0
                )
                bucket.append(m)
                if not m.ok:
                    failed(m, report)

    if "cold" in which and colds:
        cold, full, partial = median(colds), median(fulls), median(partials)
        ratio = cold.seconds / (partial.seconds + start)
        report.add(
            Row(
                "1",
                "cold demo build",
                "`warehouse demo`, fresh home",
                cold.seconds,
                cold.max_rss_mb,
                cold.tree_peak_mb,
                f"{ratio:.2f} × (dbt build + start)",
                "≤ 2 ×",
                ratio <= 2 and cold.ok,
                note=spread(cold) + ("" if cold.ok else "; build FAILED"),
            )
        )
        report.add(
            Row(
                "1",
                "… dbt build alone",
                "run settings written, `dbt build`, same landed data, partial parsing ready (as the orchestrator "
                "builds: no --vars, the parse state kept in its target)",
                partial.seconds,
                partial.max_rss_mb,
                partial.tree_peak_mb,
                f"orchestration overhead {cold.seconds - partial.seconds - start:.1f} s",
                note=spread(partial),
            )
        )
        report.add(
            Row(
                "1",
                "… dbt build alone",
                "the same in a fresh target folder (dbt parses the whole project)",
                full.seconds,
                full.max_rss_mb,
                full.tree_peak_mb,
                f"{cold.seconds / (full.seconds + start):.2f} × for the cold build",
                note=spread(full),
            )
        )
        report.detail(f"cold build by phase (Dagster event log): {describe(cold.extra.get('timeline', {}))}")
        report.detail(f"cold build: {cold.extra.get('events', '')}")
        report.detail(
            f"dbt build alone: node execution {partial.extra['elapsed']:.1f} s of {partial.seconds:.1f} s "
            f"({partial.extra['parse']}; run settings and plan {partial.extra['prepare']:.1f} s), "
            f"{full.extra['elapsed']:.1f} s of {full.seconds:.1f} s ({full.extra['parse']}); landing views refreshed "
            f"before it ({partial.extra['views']:.1f} s, not counted); slowest nodes: "
            + ", ".join(f"{n} {s:.1f} s" for n, s in partial.extra["nodes"])
        )

    if "noop" in which:
        env = home_env(home, project)
        noops = [
            run(
                [warehouse, "build", "--week", DEMO_WEEK, "--as-of", DEMO_AS_OF],
                label="no-op rebuild",
                env=env,
                log=logs / f"noop{i}.log",
            )
            for i in range(repeat)
        ]
        noop = median(noops)
        text = tail(noop.log, 40).lower()
        skipped = "skipped" in text or "nothing changed" in text
        report.add(
            Row(
                "2",
                "no-op rebuild",
                "`warehouse build` again, same week and as-of",
                noop.seconds,
                noop.max_rss_mb,
                noop.tree_peak_mb,
                f"{noop.seconds / colds[0].seconds:.3f} × cold" if colds else "",
                "≤ 10 s",
                noop.seconds <= 10 and noop.ok and skipped,
                note=("skipped the work" if skipped else "rebuilt everything (no skip)")
                + f"; {spread(noop)}"
                + ("" if noop.ok else "; FAILED"),
            )
        )
        if not skipped:
            report.detail(f"no-op rebuild by phase: {describe(timeline(home, noop))}")

    if "newweek" in which:
        home2 = fresh(work / "home_newweek")
        env2 = home_env(home2, project)
        prev_as_of = datetime.fromisoformat(PREV_AS_OF)
        copied = copy_loads(DEMO_LANDING, home2 / "landing", until=prev_as_of)
        base = run(
            [warehouse, "build", "--week", PREV_WEEK, "--as-of", PREV_AS_OF],
            label="previous week build",
            env=env2,
            log=logs / "newweek_base.log",
        )
        if not base.ok:
            failed(base, report)
        landed = copy_loads(DEMO_LANDING, home2 / "landing", until=as_of, after=prev_as_of)
        new = run(
            [warehouse, "build", "--week", DEMO_WEEK, "--as-of", DEMO_AS_OF],
            label="new week build",
            env=env2,
            log=logs / "newweek.log",
        )
        if not new.ok:
            failed(new, report)
        cold = median(colds) if colds else None
        report.add(
            Row(
                "3",
                "one new week landed",
                f"`warehouse build --week {DEMO_WEEK}` on a home built for {PREV_WEEK}",
                new.seconds,
                new.max_rss_mb,
                new.tree_peak_mb,
                f"{new.seconds / cold.seconds:.2f} × cold" if cold and cold.ok else "",
                note=f"{landed} new loads on top of {copied}" + ("" if new.ok else "; FAILED"),
            )
        )
        report.detail(
            f"new-week build by phase: {describe(timeline(home2, new))}; {run_events(home2)}; the {PREV_WEEK} "
            f"build before it took {base.seconds:.1f} s"
        )
