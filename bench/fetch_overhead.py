"""python -m bench.fetch_overhead [--calls N] [--no-record]

What running akshare calls in fetch worker processes costs (ingestion/fetch_pool.py): the start of
the first worker (fork server + akshare import, once per process) and of each later one (a fork,
after a deadline kill or a change of upstream), and the round trip of a call, worker against
inline (the function called in this process), for a trivial function and for akshare's
``macro_china_hgjck`` over the simulated upstream. Prints a table and appends it to
bench/RESULTS.md (unless --no-record).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import pandas as pd

from bench.results import Report, Row, append


def trivial() -> pd.DataFrame:
    """The cheapest call there is: no request, a one-row frame."""
    return pd.DataFrame({"pid": [os.getpid()]})


def _median_ms(func: Callable[[], object], calls: int) -> float:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _import_akshare_seconds() -> float:
    code = "import os, time; os.environ['TQDM_DISABLE'] = '1'; t = time.perf_counter(); import akshare; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def run(calls: int, record: bool) -> Report:
    from ground.settings import DEMO_LANDING
    from ingestion import fetch_pool
    from ingestion.fetching import Fetcher
    from ingestion.landing import list_loads, read_load
    from ingestion.registry import Column, get_source
    from simulator import Simulator, routing

    report = Report("fetch workers: start and per-call cost")
    pool = fetch_pool.worker_pool()

    started = time.perf_counter()
    pool.start_worker("").kill("measured")
    first = time.perf_counter() - started
    later = [0.0] * 0
    for _ in range(max(5, calls // 10)):
        started = time.perf_counter()
        worker = pool.start_worker("")
        later.append(time.perf_counter() - started)
        worker.kill("measured")
    fork_ms = statistics.median(later) * 1000
    import_s = _import_akshare_seconds()
    report.add(
        Row(
            "5a",
            "fetch worker start",
            "first worker: fork server started, akshare imported (once per process)",
            first,
            note=f"`import akshare` alone in a fresh interpreter: {import_s:.2f} s",
        )
    )
    report.add(
        Row(
            "5b",
            "fetch worker start",
            f"each later worker (median of {len(later)}): a fork of the fork server",
            None,
            ratio=f"{fork_ms:.1f} ms",
        )
    )

    hgjck = get_source("macro_china_hgjck")
    pid_source = dataclasses.replace(
        hgjck, name="bench_trivial", function="trivial", columns=(Column(type="int", name="pid"),)
    )
    settings = {"deadline_seconds": 30.0, "max_attempts": 1, "min_interval_seconds": 0.0}
    in_worker = Fetcher(module="bench.fetch_overhead", **settings)
    inline = Fetcher(resolve=lambda name: trivial, **settings)
    for fetcher in (in_worker, inline):
        fetcher.fetch(pid_source, {})  # warm: the worker imports the module, the gate is installed
    worker_ms = _median_ms(lambda: in_worker.fetch(pid_source, {}), calls)
    inline_ms = _median_ms(lambda: inline.fetch(pid_source, {}), calls)
    report.add(
        Row(
            "5c",
            "call round trip",
            f"trivial function, median of {calls}: worker {worker_ms:.2f} ms, inline {inline_ms:.2f} ms",
            None,
            ratio=f"+{worker_ms - inline_ms:.2f} ms per call",
        )
    )

    import akshare

    customs = read_load(list_loads(DEMO_LANDING, "macro_china_hgjck")[-1])  # the demo snapshot's newest load
    with Simulator() as simulator:
        simulator.dataset.put("macro_china_hgjck", customs)
        os.environ["WAREHOUSE_UPSTREAM"] = simulator.url
        routing.install(simulator.url)
        try:
            ak_worker = Fetcher(**settings)
            ak_inline = Fetcher(resolve=lambda name: getattr(akshare, name), **settings)
            for fetcher in (ak_worker, ak_inline):
                fetcher.fetch(hgjck, {})
            worker_ms = _median_ms(lambda: ak_worker.fetch(hgjck, {}), calls)
            inline_ms = _median_ms(lambda: ak_inline.fetch(hgjck, {}), calls)
        finally:
            routing.uninstall()
            os.environ.pop("WAREHOUSE_UPSTREAM", None)
    report.add(
        Row(
            "5d",
            "call round trip",
            f"akshare macro_china_hgjck over the simulator (the demo snapshot's newest load, {len(customs)} months, 1 request), median of {calls}: "
            f"worker {worker_ms:.1f} ms, inline {inline_ms:.1f} ms",
            None,
            ratio=f"{worker_ms / inline_ms:.2f} × inline (+{worker_ms - inline_ms:.1f} ms)",
        )
    )
    fetch_pool.shutdown()
    if record:
        append(report)
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fetch_overhead", description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50, help="calls per measurement (median; default 50)")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args(argv)
    run(args.calls, record=not args.no_record)


if __name__ == "__main__":
    main()
