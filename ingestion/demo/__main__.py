"""``python -m ingestion.demo [--root PATH] [SOURCE ...]``: regenerate the demo snapshot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingestion.demo.generate import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingestion.demo", description=__doc__)
    parser.add_argument("sources", nargs="*", help="regenerate only these sources (default: all, and the docs)")
    parser.add_argument("--root", type=Path, default=None, help="landing folder to write (default: data/demo/landing)")
    args = parser.parse_args(argv)
    outcome = generate(args.root, args.sources or None)
    total = sum(outcome.loads.values())
    print(f"{total} loads of {len(outcome.loads)} sources written to {outcome.root} in {outcome.seconds:.1f} s")
    size = sum(f.stat().st_size for f in outcome.root.rglob("*") if f.is_file())
    print(f"{outcome.root}: {size / 2**20:.1f} MiB")  # the landing folder written, not its parent
    return 0


if __name__ == "__main__":
    sys.exit(main())
