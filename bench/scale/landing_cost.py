"""What landing one per-stock load costs, split: ``land_frame`` versus its parts.

Generates N days of northbound holdings (the widest daily per-stock source) for S stocks in memory,
then times, per load: the whole ``land_frame`` into an empty landing zone (each load recorded in the
load catalogue as it lands, and again inside a catalogue batch: one catalogue write for all), ``content_hash`` alone,
the pandas -> Arrow conversion, and writing the same Parquet bytes with no hash, no manifest and
no fsync (the floor of "writing a file per load").

    python -m bench.scale.landing_cost --stocks 5000 --days 40
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def measure(stocks: int, days: int) -> dict:
    import pyarrow.parquet as pq

    from bench.scale.generate import ScaleSpec, Universe, northbound_loads
    from ingestion.catalogue import catalogue_of
    from ingestion.landing import _to_arrow, content_hash, land_frame
    from ingestion.registry import get_source

    u = Universe(ScaleSpec(stocks=stocks, days=days))
    frames = list(northbound_loads(u, u.days[0], u.days[-1]))
    src = get_source("stock_hsgt_hold_stock_em")
    out: dict[str, float] = {"loads": len(frames), "rows_per_load": sum(len(f) for _, f in frames) / len(frames)}
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parents[1] / ".work") as tmp:
        root = Path(tmp) / "landing"
        started = time.perf_counter()
        for day, frame in frames:
            land_frame(
                src, frame, dict(src.params), origin="bench", fetched_at=src.publication.published_at(day), root=root
            )
        out["land_frame_ms"] = (time.perf_counter() - started) / len(frames) * 1e3
        batched = Path(tmp) / "batched"
        started = time.perf_counter()
        with catalogue_of(batched).batch():
            for day, frame in frames:
                land_frame(
                    src,
                    frame,
                    dict(src.params),
                    origin="bench",
                    fetched_at=src.publication.published_at(day),
                    root=batched,
                )
        out["land_frame_batched_ms"] = (time.perf_counter() - started) / len(frames) * 1e3
        started = time.perf_counter()
        for _, frame in frames:
            content_hash(frame)
        out["content_hash_ms"] = (time.perf_counter() - started) / len(frames) * 1e3
        started = time.perf_counter()
        tables = [_to_arrow(frame) for _, frame in frames]
        out["to_arrow_ms"] = (time.perf_counter() - started) / len(frames) * 1e3
        started = time.perf_counter()
        for i, table in enumerate(tables):
            pq.write_table(table, Path(tmp) / f"plain{i}.parquet", compression="zstd")
        out["write_parquet_only_ms"] = (time.perf_counter() - started) / len(frames) * 1e3
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stocks", type=int, default=5000)
    parser.add_argument("--days", type=int, default=40)
    args = parser.parse_args()
    print(json.dumps(measure(args.stocks, args.days)))


if __name__ == "__main__":
    main()
