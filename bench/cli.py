"""python -m bench [all|demo|cold|noop|newweek|scale|scale20|scales] [options]

Runs the benchmarks, prints a table and appends it to bench/RESULTS.md (unless --no-record).
Work directories live under bench/.work/ (git-ignored). See bench/README.md.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from bench.results import RESULTS_MD, Report, append, markdown

WORK = Path(__file__).resolve().parent / ".work"
SUITES = {
    "all": {"cold", "noop", "newweek", "scale", "scale20"},
    "demo": {"cold", "noop", "newweek"},
    "cold": {"cold"},
    "noop": {"noop"},
    "newweek": {"newweek"},
    "scale": {"scale"},
    "scale20": {"scale20"},
    "scales": {"scale", "scale20"},
}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("suite", nargs="?", default="all", choices=sorted(SUITES))
    parser.add_argument("--stocks", type=int, default=5000, help="scale: number of stocks (default 5000)")
    parser.add_argument("--years", type=float, default=10.0, help="scale: years of trading days (default 10)")
    parser.add_argument(
        "--long-years", type=float, default=20.0, help="scale20 (benchmark 5): years of the long history (default 20)"
    )
    parser.add_argument("--days", type=int, default=None, help="scale: trading days instead of --years")
    parser.add_argument("--end", type=date.fromisoformat, default=date(2024, 12, 27), help="scale: last trading day")
    parser.add_argument("--workers", type=int, default=2, help="scale: processes landing the generated loads")
    parser.add_argument("--repeat", type=int, default=1, help="demo: run 1 and 2 this many times (median)")
    parser.add_argument("--reland", action="store_true", help="scale: land the base again even if present")
    parser.add_argument("--profile", action="store_true", help="scale: EXPLAIN ANALYZE the mart into the work dir")
    parser.add_argument("--work", type=Path, default=WORK, help=f"work directory (default {WORK})")
    parser.add_argument("--no-record", action="store_true", help=f"do not append to {RESULTS_MD.name}")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="run children as the environment says (e.g. PYTHONDONTWRITEBYTECODE=1: every process compiles "
        "what it imports); default: a bytecode cache under the work directory, compiled once",
    )
    return parser.parse_args(argv)


def warm_bytecode(work: Path, report: Report) -> None:
    import sysconfig

    from bench.measure import compile_bytecode, use_bytecode_cache

    prefix = use_bytecode_cache(work / "pycache")
    repo = Path(__file__).resolve().parent.parent
    roots = [Path(sysconfig.get_paths()["purelib"])]
    roots += [
        repo / p
        for p in ("bench", "ground", "ingestion", "expectations", "warehouse", "reporting", "orchestration", "cli")
    ]
    work.mkdir(parents=True, exist_ok=True)
    compiled = compile_bytecode(prefix, roots, work / "compileall.log")
    note = f"compiled now in {compiled.seconds:.0f} s" if compiled else "compiled by an earlier run"
    report.detail(
        f"children reuse bytecode from {prefix.relative_to(repo) if prefix.is_relative_to(repo) else prefix} ({note})"
    )


def main(argv: list[str] | None = None) -> Report:
    args = parse(argv)
    which = SUITES[args.suite]
    title = f"`python -m bench {args.suite}`"
    if "scale" in which:
        title += f" (scale: {args.stocks} stocks × {f'{args.days} days' if args.days else f'{args.years:g} years'})"
    if "scale20" in which:
        title += f" (benchmark 5: {args.stocks} stocks × {args.long_years:g} years)"
    report = Report(title)
    print(f"== {title}", flush=True)
    try:
        if not args.no_bytecode_cache:
            warm_bytecode(args.work, report)
        else:
            report.detail("no bytecode cache: children run with the environment's bytecode settings")
        if which & {"cold", "noop", "newweek"}:
            from bench.demo import run_demo

            run_demo(args.work / "demo", report, which, repeat=args.repeat)
        short: dict[str, float] = {}
        if "scale" in which:
            from bench.scale.generate import ScaleSpec
            from bench.scale.run import run_scale

            spec = ScaleSpec(stocks=args.stocks, years=args.years, days=args.days, end=args.end)
            short = run_scale(args.work, report, spec, workers=args.workers, profile=args.profile, reland=args.reland)
        if "scale20" in which:
            from bench.scale.generate import ScaleSpec
            from bench.scale.run import compare_histories, run_scale

            spec = ScaleSpec(stocks=args.stocks, years=args.long_years, end=args.end)
            long = run_scale(
                args.work, report, spec, workers=args.workers, profile=args.profile, reland=args.reland, number="5"
            )
            compare_histories(report, short, long)
    finally:
        print()
        print(markdown(report))
        if not args.no_record and report.rows:
            append(report)
            print(f"appended to {RESULTS_MD}")
    return report
