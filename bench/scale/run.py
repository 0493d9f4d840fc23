"""Benchmark 4: the by-industry weekly flow mart at scale, three contenders on the same Parquet.

1. land the base (every trading day but the last week) with bench.scale.generate, once per spec
   (reused by later runs; its landing time is kept with it);
2. all weeks: landing views refreshed in a fresh working database, the run settings and the
   incremental plan written (what the orchestrator's dbt step does first), then
   ``dbt build --select +mart_fund_flows_by_industry_weekly`` (the project parsed once before, as
   after any earlier build: dbt's partial parsing holds); the pandas contender and the DuckDB
   floor compute the same answer; all three must agree;
3. one new week: its loads land, the views are refreshed, dbt builds again for the new week (the
   incremental models rebuild the weeks the new loads touch); the contenders compute that week
   only; the answers must agree.

Each contender is a child process: wall time, peak resident memory (ru_maxrss), exit status.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path

from bench.measure import Measurement, run, tail
from bench.results import Report, Row
from bench.scale.compare import agree
from bench.scale.dbt_flows import MART, SELECT, dbt_command, dbt_env, export, node_timings, working_db
from bench.scale.generate import ScaleSpec, Universe
from ground.settings import REPO_ROOT

PY = sys.executable
MEMORY_TARGET_MB = 4096


def spec_label(spec: ScaleSpec) -> str:
    return f"{spec.stocks}x{spec.days}d" if spec.days else f"{spec.stocks}x{spec.years:g}y"


def as_of_for(u: Universe, week: str) -> datetime:
    """The build's as-of moment: the morning after the week's report moment (Saturday 08:00 Shanghai)."""
    from ground.time_zone import SHANGHAI

    last = max(d for d in u.days if _iso(d) == week)
    return datetime(last.year, last.month, last.day, 20, 0, tzinfo=SHANGHAI) + timedelta(hours=12)


def _iso(day) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _unlink_loads(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        if path.exists():
            path.chmod(0o644)
            path.unlink()


def _load_files(landing: Path) -> set[Path]:
    """The loads' files (Parquet and manifest in a source folder; not the catalogue)."""
    return {p for p in landing.glob("*/*") if p.suffix in (".parquet", ".json")}


def _new_loads(landing: Path, before: set[Path]) -> list[str]:
    return sorted(str(p) for p in _load_files(landing) - before)


def contender(
    name: str,
    module: str,
    landing: Path,
    week: str,
    as_of: datetime,
    scope: str,
    out: Path,
    log: Path,
    extra: tuple = (),
) -> Measurement:
    cmd = [PY, "-m", module, "--landing", str(landing), "--week", week, "--as-of", as_of.isoformat()]
    cmd += ["--scope", scope, "--out", str(out), *extra]
    m = run(cmd, label=name, cwd=REPO_ROOT, log=log)
    phases = out.with_suffix(".json")
    if phases.exists():
        m.extra = json.loads(phases.read_text())
    return m


def _elapsed(target: Path) -> float:
    path = target / "run_results.json"
    return float(json.loads(path.read_text()).get("elapsed_time") or 0.0) if path.exists() else 0.0


def mart_built(report: Report, label: str, m: Measurement, target: Path) -> bool:
    """Did dbt build the mart? A failing node elsewhere (a unit test) is reported, not fatal."""
    path = target / "run_results.json"
    results = json.loads(path.read_text())["results"] if path.exists() else []
    failing = [r["unique_id"].split(".")[-1] for r in results if r.get("status") in ("error", "fail")]
    built = any(r["unique_id"].endswith(f".{MART}") and r.get("status") == "success" for r in results)
    if failing or not m.ok:
        report.detail(
            f"dbt build ({label}) exited {m.returncode}; failing nodes: {', '.join(failing) or 'none'}"
            + ("" if built else f" — the mart was not built:\n```\n{tail(m.log)}\n```")
        )
    return built


def check_agreement(report: Report, label: str, answers: dict[str, Path]) -> bool:
    names = [n for n, p in answers.items() if p.exists()]
    ok = len(names) == len(answers)
    for other in names[1:]:
        problems = agree(answers[names[0]], answers[other])
        if problems:
            ok = False
            report.detail(f"{label}: {names[0]} and {other} DISAGREE: " + "; ".join(problems))
    if ok:
        report.detail(f"{label}: {', '.join(names)} agree (same rows; values within 1e-9 relative)")
    return ok


def dbt_build(
    home: Path,
    landing: Path,
    target: Path,
    project: Path,
    select: str,
    week: str,
    as_of: datetime,
    logs: Path,
    label: str,
) -> Measurement:
    """The dbt step as the orchestrator runs it: run settings and plan written, then ``dbt build``.

    Returns the build's measurement with the two children's seconds added (peaks: the larger);
    ``extra`` holds the plan, its seconds and how dbt parsed.
    """
    cmd = [PY, "-m", "bench.scale.dbt_flows", "prepare", "--home", str(home), "--landing", str(landing)]
    cmd += ["--week", week, "--as-of", as_of.isoformat(), "--manifest", str(target / "manifest.json")]
    prepared = run(cmd, label="run settings and plan", cwd=REPO_ROOT, log=logs / f"prepare_{label}.log")
    found = json.loads(Path(prepared.log).read_text().strip().splitlines()[-1]) if prepared.ok else {}
    build = run(
        dbt_command(project, target, select), label="dbt build", env=dbt_env(home), log=logs / f"dbt_{label}.log"
    )
    build.extra.update(
        prepare_seconds=prepared.seconds,
        plan=found.get("plan", f"FAILED:\n{tail(prepared.log)}"),
        parse=parse_kind(target),
    )
    build.seconds += prepared.seconds
    build.max_rss_mb = max(build.max_rss_mb, prepared.max_rss_mb)
    build.returncode = build.returncode or prepared.returncode
    return build


def _one_line(text: str) -> str:
    return "; ".join(line for line in text.splitlines() if line.strip())


def parse_kind(target: Path) -> str:
    """How the last dbt invocation parsed the project (its perf_info.json and log)."""
    perf = target / "perf_info.json"
    seconds = json.loads(perf.read_text()).get("load_all_elapsed") if perf.exists() else None
    log = target / "logs" / "dbt.log"
    text = log.read_text(errors="replace")[-400_000:] if log.exists() else ""
    text = text.rsplit("Running with dbt=", 1)[-1]  # the last invocation only
    reason = ""
    if "Unable to do partial parsing" in text:
        reason = text.rsplit("Unable to do partial parsing", 1)[1].splitlines()[0].strip(" .:")
    kind = f"full parse ({reason})" if reason else "partial parse"
    return f"{kind}, {seconds:.2f} s" if seconds is not None else kind


def run_scale(
    work: Path,
    report: Report,
    spec: ScaleSpec,
    *,
    workers: int = 2,
    profile: bool = False,
    reland: bool = False,
    number: str = "4",
) -> dict[str, float]:
    """Benchmark 4 (or 5: the same at 20 years); returns the headline seconds for comparisons."""
    from bench.demo import snapshot_project

    root = work / f"scale-{spec_label(spec)}"
    home, landing = root / "home", root / "home" / "landing"
    logs, answers = root / "logs", root / "answers"
    for folder in (logs, answers):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    u = Universe(spec)
    base_week, new_week = u.base_week, u.new_week
    base_as_of, new_as_of = as_of_for(u, base_week), as_of_for(u, new_week)
    project = snapshot_project(root)
    label = spec_label(spec)

    # ------------------------------------------------------------------ landing (generation)
    new_list = root / "new_week_files.json"
    if new_list.exists():  # the previous run's new week: take it back out
        _unlink_loads(json.loads(new_list.read_text()))
        new_list.unlink()
    marker = root / "base.json"
    if reland or not (marker.exists() and json.loads(marker.read_text()).get("spec") == spec.to_json()):
        if home.exists():
            for path in home.rglob("*"):  # landed files are read-only
                if path.is_file():
                    path.chmod(0o644)
        shutil.rmtree(home, ignore_errors=True)
        cmd = [PY, "-m", "bench.scale.generate", str(landing), "--phase", "base", "--workers", str(workers)]
        cmd += ["--stocks", str(spec.stocks), "--years", str(spec.years)] + (
            ["--days", str(spec.days)] if spec.days else []
        )
        gen = run(cmd, label="generate base", cwd=REPO_ROOT, log=logs / "generate_base.log")
        if not gen.ok:
            report.detail(f"generation FAILED:\n```\n{tail(gen.log)}\n```")
            return {}
        files = [p for p in landing.rglob("*") if p.is_file()]
        marker.write_text(
            json.dumps(
                {
                    "spec": spec.to_json(),
                    "seconds": gen.seconds,
                    "peak_mb": gen.max_rss_mb,
                    "loads": sum(1 for p in files if p.suffix == ".json"),
                    "bytes": sum(p.stat().st_size for p in files),
                    "when": datetime.now().isoformat(timespec="seconds"),
                }
            )
        )
    base = json.loads(marker.read_text())
    report.add(
        Row(
            number,
            f"scale {label}: land base",
            f"{base['loads']:,} loads via `land_frame`, {base['bytes'] / 2**30:.2f} GiB",
            base["seconds"],
            base.get("peak_mb"),
            note=f"landed {base['when']} ({workers} workers); reused when present",
        )
    )
    cost = run(
        [PY, "-m", "bench.scale.landing_cost", "--stocks", str(spec.stocks), "--days", "40"],
        label="landing cost",
        cwd=REPO_ROOT,
        log=logs / "landing_cost.log",
    )
    if cost.ok:
        c = json.loads(Path(cost.log).read_text().strip().splitlines()[-1])
        rest = c["land_frame_ms"] - c["content_hash_ms"] - c["to_arrow_ms"] - c["write_parquet_only_ms"]
        report.detail(
            f"landing one northbound load ({c['rows_per_load']:,.0f} rows, 16 columns): `land_frame` "
            f"{c['land_frame_ms']:.0f} ms = content_hash {c['content_hash_ms']:.0f} ms + pandas→Arrow "
            f"{c['to_arrow_ms']:.0f} ms + Parquet write {c['write_parquet_only_ms']:.0f} ms + manifest, fsyncs, "
            f"landing lock, catalogue row {rest:.0f} ms; {c['land_frame_batched_ms']:.0f} ms inside a catalogue "
            "batch (one catalogue write at its end, as the generator and a landing step land)"
        )
    report.detail(
        f"scale {label}: {len(u.days):,} trading days {u.days[0]} … {u.days[-1]}, {len(u.weeks())} weeks; "
        f"all-weeks build = {base_week} as of {base_as_of.isoformat()}, new week = {new_week} as of {new_as_of.isoformat()}"
    )

    # ------------------------------------------------------------------ all weeks
    shutil.rmtree(working_db(home).parent, ignore_errors=True)
    refresh = run(
        [PY, "-m", "bench.scale.dbt_flows", "refresh", "--home", str(home), "--as-of", base_as_of.isoformat()],
        label="refresh views",
        cwd=REPO_ROOT,
        log=logs / "refresh_all.log",
    )
    target = root / "target"
    shutil.rmtree(target, ignore_errors=True)  # no partial-parse state left from an earlier run
    select = SELECT
    parse = run(
        dbt_command(project, target, None, "parse"), label="dbt parse", env=dbt_env(home), log=logs / "dbt_parse.log"
    )
    report.detail(
        f"dbt project parsed once before the builds (`dbt parse`, what `prepare_manifest` does for the orchestrator): "
        f"{parse.seconds:.1f} s{'' if parse.ok else ' — FAILED'}"
    )
    dbt_all = dbt_build(home, landing, target, project, select, base_week, base_as_of, logs, "all")
    slow_all = node_timings(target)
    elapsed_all = _elapsed(target)
    if mart_built(report, "all weeks", dbt_all, target):
        export(home, answers / "dbt_all.parquet")
    if profile and elapsed_all:
        profile_slowest(report, home, target, root / "profile_all.json", "all weeks")
    pandas_all = contender(
        "pandas",
        "bench.scale.pandas_flows",
        landing,
        base_week,
        base_as_of,
        "all",
        answers / "pandas_all.parquet",
        logs / "pandas_all.log",
    )
    floor_all = contender(
        "floor",
        "bench.scale.floor",
        landing,
        base_week,
        base_as_of,
        "all",
        answers / "floor_all.parquet",
        logs / "floor_all.log",
    )
    floor_dedup = contender(
        "floor",
        "bench.scale.floor",
        landing,
        base_week,
        base_as_of,
        "all",
        answers / "floor_dedup_all.parquet",
        logs / "floor_dedup_all.log",
        ("--always-dedup",),
    )
    agreed_all = check_agreement(
        report,
        f"scale {label} all weeks",
        {
            "dbt": answers / "dbt_all.parquet",
            "pandas": answers / "pandas_all.parquet",
            "floor": answers / "floor_all.parquet",
            "floor (dedup everywhere)": answers / "floor_dedup_all.parquet",
        },
    )
    _scale_rows(report, number, label, "all weeks", refresh, dbt_all, pandas_all, floor_all, floor_dedup, agreed_all)
    report.detail(
        f"dbt (all weeks): run settings and plan {dbt_all.extra.get('prepare_seconds', 0):.1f} s, "
        f"node execution {elapsed_all:.1f} s of {dbt_all.seconds:.1f} s ({dbt_all.extra.get('parse')}); "
        "slowest nodes: " + ", ".join(f"{n} {s:.1f} s" for n, s in slow_all)
    )
    report.detail(f"plan (all weeks): {_one_line(dbt_all.extra.get('plan', ''))}")

    # ------------------------------------------------------------------ one new week
    before = _load_files(landing)
    cmd = [PY, "-m", "bench.scale.generate", str(landing), "--phase", "new", "--workers", str(workers)]
    cmd += ["--stocks", str(spec.stocks), "--years", str(spec.years)] + (
        ["--days", str(spec.days)] if spec.days else []
    )
    land_new = run(cmd, label="land new week", cwd=REPO_ROOT, log=logs / "generate_new.log")
    added = _new_loads(landing, before)
    new_list.write_text(json.dumps(added))
    report.add(
        Row(
            number,
            f"scale {label}: land new week",
            f"{len(added) // 2} loads of {new_week} (generate + `land_frame`)",
            land_new.seconds,
            land_new.max_rss_mb,
            note="includes regenerating the deterministic history in memory",
        )
    )
    refresh_new = run(
        [PY, "-m", "bench.scale.dbt_flows", "refresh", "--home", str(home), "--as-of", new_as_of.isoformat()],
        label="refresh views",
        cwd=REPO_ROOT,
        log=logs / "refresh_new.log",
    )
    dbt_new = dbt_build(home, landing, target, project, select, new_week, new_as_of, logs, "new")
    if mart_built(report, "new week", dbt_new, target):
        export(home, answers / "dbt_week.parquet", new_week)
    if profile and _elapsed(target):
        profile_slowest(report, home, target, root / "profile_new.json", "new week")
    pandas_new = contender(
        "pandas",
        "bench.scale.pandas_flows",
        landing,
        new_week,
        new_as_of,
        "week",
        answers / "pandas_week.parquet",
        logs / "pandas_week.log",
    )
    floor_new = contender(
        "floor",
        "bench.scale.floor",
        landing,
        new_week,
        new_as_of,
        "week",
        answers / "floor_week.parquet",
        logs / "floor_week.log",
    )
    floor_new_dedup = contender(
        "floor",
        "bench.scale.floor",
        landing,
        new_week,
        new_as_of,
        "week",
        answers / "floor_dedup_week.parquet",
        logs / "floor_dedup_week.log",
        ("--always-dedup",),
    )
    agreed_new = check_agreement(
        report,
        f"scale {label} new week",
        {
            "dbt": answers / "dbt_week.parquet",
            "pandas": answers / "pandas_week.parquet",
            "floor": answers / "floor_week.parquet",
            "floor (dedup everywhere)": answers / "floor_dedup_week.parquet",
        },
    )
    _scale_rows(
        report, number, label, "new week", refresh_new, dbt_new, pandas_new, floor_new, floor_new_dedup, agreed_new
    )
    report.detail(
        f"dbt (new week): run settings and plan {dbt_new.extra.get('prepare_seconds', 0):.1f} s, "
        f"node execution {_elapsed(target):.1f} s of {dbt_new.seconds:.1f} s ({dbt_new.extra.get('parse')}); "
        "slowest nodes: " + ", ".join(f"{n} {s:.1f} s" for n, s in node_timings(target))
    )
    report.detail(f"plan (new week): {_one_line(dbt_new.extra.get('plan', ''))}")
    for m in (pandas_all, floor_all, pandas_new, floor_new):
        if m.extra.get("phases"):
            report.detail(
                f"{m.label} phases ({m.log and Path(m.log).stem}): "
                + ", ".join(f"{k} {v:.1f} s" for k, v in m.extra["phases"].items())
            )
    return {
        "weeks": len(u.weeks()),
        "refresh_all": refresh.seconds,
        "dbt_all": dbt_all.seconds,
        "floor_all": floor_all.seconds,
        "refresh_new": refresh_new.seconds,
        "dbt_new": dbt_new.seconds,
        "floor_new": floor_new.seconds,
    }


def compare_histories(report: Report, short: dict[str, float], long: dict[str, float]) -> None:
    """Benchmark 5 against 4: how each cost grows when the history doubles (new week: it should not)."""
    if not (short and long):
        return
    parts = [
        f"{name} {long[key] / short[key]:.2f} ×"
        for key, name in (
            ("dbt_new", "dbt, one new week"),
            ("refresh_new", "landing views, new week"),
            ("floor_new", "floor, new week"),
            ("dbt_all", "dbt, all weeks"),
            ("floor_all", "floor, all weeks"),
        )
        if short.get(key) and long.get(key)
    ]
    report.detail(
        f"history {short['weeks']} → {long['weeks']} weeks ({long['weeks'] / short['weeks']:.2f} ×): "
        + ", ".join(parts)
    )


def _scale_rows(
    report: Report,
    number: str,
    label: str,
    scope: str,
    refresh: Measurement,
    dbt: Measurement,
    pandas: Measurement,
    floor: Measurement,
    floor_dedup: Measurement,
    agreed: bool,
) -> None:
    def status(m: Measurement) -> str:
        return "" if m.ok else "FAILED"

    report.add(
        Row(
            number,
            f"scale {label} {scope}",
            "landing views refresh (what the landing assets do)",
            refresh.seconds,
            refresh.max_rss_mb,
            note=status(refresh),
        )
    )
    vs_floor = dbt.seconds / floor.seconds if floor.ok and floor.seconds else None
    report.add(
        Row(
            number,
            f"scale {label} {scope}",
            f"dbt build --select {SELECT}",
            dbt.seconds,
            dbt.max_rss_mb,
            dbt.tree_peak_mb,
            f"{vs_floor:.2f} × floor" if vs_floor else "",
            "≤ 1.5 × floor",
            bool(vs_floor and vs_floor <= 1.5 and dbt.ok and agreed),
            note=status(dbt),
        )
    )
    report.add(
        Row(
            number,
            f"scale {label} {scope}",
            "… dbt peak memory",
            None,
            dbt.max_rss_mb,
            dbt.tree_peak_mb,
            "",
            "< 4 GB",
            dbt.max_rss_mb < MEMORY_TARGET_MB and dbt.ok,
        )
    )
    vs_pandas = pandas.seconds / dbt.seconds if dbt.ok and pandas.ok else None
    report.add(
        Row(
            number,
            f"scale {label} {scope}",
            "pandas (bench/scale/pandas_flows.py)",
            pandas.seconds,
            pandas.max_rss_mb,
            ratio=f"dbt is {vs_pandas:.2f} × faster" if vs_pandas else "",
            target="dbt ≥ 5 × faster",
            met=bool(vs_pandas and vs_pandas >= 5),
            note=status(pandas),
        )
    )
    report.add(
        Row(
            number,
            f"scale {label} {scope}",
            "DuckDB floor, one query (bench/scale/floor.py)",
            floor.seconds,
            floor.max_rss_mb,
            note=status(floor),
        )
    )
    report.add(
        Row(
            number,
            f"scale {label} {scope}",
            "… floor with the newest-version window on every load",
            floor_dedup.seconds,
            floor_dedup.max_rss_mb,
            ratio=f"{floor_dedup.seconds / floor.seconds:.2f} × floor" if floor.ok else "",
            note=status(floor_dedup),
        )
    )


def profile_slowest(report: Report, home: Path, target: Path, out: Path, label: str) -> None:
    """EXPLAIN ANALYZE (JSON profiler) of the slowest model of the last dbt invocation, in a child."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    models = [r for r in results if r["unique_id"].startswith("model.")]
    if not models:
        return
    slowest = max(models, key=lambda r: r.get("execution_time") or 0)
    name = slowest["unique_id"].split(".")[-1]
    compiled = next(target.glob(f"compiled/**/{name}.sql"), None)
    if compiled is None:
        return
    cmd = [PY, "-m", "bench.scale.profile", "--db", str(working_db(home)), "--sql", str(compiled), "--top", "6"]
    m = run([*cmd, "--json", str(out)], label="profile", cwd=REPO_ROOT, log=out.with_suffix(".log"))
    if m.ok:
        report.detail(f"profile of {name} ({label}, re-run alone): {tail(m.log, 1)}")
