"""Where a dbt model's time goes: its compiled SQL re-run under DuckDB's JSON profiler.

    python -m bench.scale.profile --db WORKING.duckdb --sql target/compiled/…/model.sql [--top 15]

Prints the query's CPU time, peak buffer memory and the costliest operators (own time, summed
over threads). The runner (``python -m bench scale --profile``) does this for the slowest model.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def operators(profile: dict) -> list[dict]:
    out: list[dict] = []

    def walk(node: dict) -> None:
        info = node.get("extra_info", {})
        detail = {
            k: str(v).replace("\n", " ")[:140]
            for k, v in info.items()
            if k
            in (
                "Function",
                "Table",
                "Conditions",
                "Join Type",
                "CTE Name",
                "Filters",
                "Aggregates",
                "Groups",
                "Expression",
                "Total Files Read",
                "Projections",
            )
        }
        out.append(
            {
                "operator": node.get("type") or node.get("operator_type"),
                "seconds": float(node.get("timing", node.get("operator_timing", 0.0)) or 0.0),
                "rows": node.get("operator_cardinality", node.get("intermediate_rows")),
                "detail": detail,
            }
        )
        for child in node.get("children", []):
            walk(child)

    for root in profile.get("operator", profile.get("children", [])):
        walk(root)
    return out


def profile_sql(db: Path, sql: str, threads: int | None = None, settings: list[str] = ()) -> dict:
    """Run ``create temp table … as <sql>`` with the JSON profiler; return the summary."""
    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "profile.json"
        con = duckdb.connect(str(db), read_only=True)
        try:
            con.execute("set TimeZone = 'UTC'")
            if threads:
                con.execute(f"set threads = {threads}")
            for setting in settings:  # e.g. memory_limit='3GB'
                con.execute(f"set {setting}")
            con.execute("pragma enable_profiling = 'json'")
            con.execute(f"pragma profiling_output = '{out}'")
            started = time.monotonic()
            con.execute("create temp table profiled as " + sql)
            wall = time.monotonic() - started
        finally:
            con.close()
        raw = json.loads(out.read_text())
    ops = sorted(operators(raw), key=lambda o: -o["seconds"])
    return {
        "wall": wall,
        "cpu": raw.get("query", {}).get("cpu_time", raw.get("cpu_time")),
        "peak_memory_gib": raw.get("system", {}).get("peak_buffer_memory", 0) / 2**30,
        "operators": ops,
    }


def summary(result: dict, top: int = 6) -> str:
    cpu = result["cpu"] or sum(o["seconds"] for o in result["operators"])
    parts = []
    for op in result["operators"][:top]:
        what = op["detail"].get("Conditions") or op["detail"].get("Projections") or op["detail"].get("Function") or ""
        share = op["seconds"] / cpu * 100 if cpu else 0
        parts.append(f"{op['operator']} {op['seconds']:.0f} s ({share:.0f} %, {op['rows']:,} rows; {what[:90]})")
    return (
        f"wall {result['wall']:.0f} s, CPU {cpu:.0f} s, peak buffer memory {result['peak_memory_gib']:.1f} GiB; "
        + "; ".join(parts)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--sql", type=Path, required=True, help="a compiled model (target/compiled/…/x.sql)")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the summary here")
    parser.add_argument("--set", action="append", default=[], help="a DuckDB setting, e.g. memory_limit='3GB'")
    args = parser.parse_args()
    result = profile_sql(args.db, args.sql.read_text(), args.threads, args.set)
    print(summary(result, args.top))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
