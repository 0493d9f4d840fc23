"""Write the demo snapshot: every registered source's loads into ``data/demo/landing``, plus
``data/demo/published_figures.json`` and ``data/demo/MANIFEST.md``.

Each load takes the path real data takes: akshare sources through their akshare functions over
the simulated upstream, curated sources through the file parser of ``warehouse ingest``.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from ground.settings import DEMO_DIR, DEMO_LANDING
from ingestion.demo import figures as F
from ingestion.demo.common import DEMO_AS_OF, LoadSpec
from ingestion.demo.curated_files import read_curated_loads
from ingestion.demo.manifest import write_manifest
from ingestion.demo.market import sw_w15_pe_counts
from ingestion.demo.sources import BUILDERS
from ingestion.demo.upstream import SimulatedUpstream, simulated_upstream
from ingestion.landing import land_frame, params_key
from ingestion.registry import registry


@dataclass
class Outcome:
    root: Path
    loads: dict[str, int]
    seconds: float


def published_figures() -> list[dict]:
    return F.published_figures(sw_w15_pe_counts())


def write_published_figures(folder: Path = DEMO_DIR) -> Path:
    path = folder / "published_figures.json"
    path.write_text(json.dumps(published_figures(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def builder_loads(name: str) -> tuple[list[LoadSpec], list[LoadSpec]]:
    """A builder's loads in landing order, split at the demo's as-of moment.

    The first list is the snapshot's: loads available by ``DEMO_AS_OF``. The second holds what the
    upstream publishes after it about the demo week (margin data of Friday 2023-04-14, public the
    next morning): not in the snapshot, but served to a live build of the week run later.
    """
    specs = sorted(BUILDERS[name](), key=lambda s: (s.moment, params_key(s.params)))
    for spec in specs:
        if spec.fetched_at > DEMO_AS_OF >= spec.moment:
            raise ValueError(f"{name}: a load available by the demo's as-of moment is fetched after it ({spec.params})")
    return [s for s in specs if s.moment <= DEMO_AS_OF], [s for s in specs if s.moment > DEMO_AS_OF]


def generate(root: Path | None = None, only: Iterable[str] | None = None, docs: bool | None = None) -> Outcome:
    """Regenerate the landing zone under ``root`` (default: the embedded snapshot) for all or ``only`` sources.

    akshare sources are fetched with their akshare functions over the simulated upstream serving
    the builders' frames (``upstream.py``); curated sources are read from the CSV files the builders'
    frames make, with the user's file parser (``curated_files.py``). The folder of each regenerated
    source is deleted first (the whole root when all sources are regenerated). ``docs`` (default:
    when writing the embedded snapshot in full) also rewrites MANIFEST.md and published_figures.json
    beside the landing folder.
    """
    started = time.monotonic()
    root = Path(root or DEMO_LANDING)
    names = list(registry()) if only is None else list(only)
    unknown = set(names) - set(BUILDERS)
    if unknown:
        raise KeyError(f"no demo builder for {', '.join(sorted(unknown))}")
    if only is None and root.exists():
        shutil.rmtree(root)
    for name in names:
        if (root / name).exists():
            shutil.rmtree(root / name)
    root.mkdir(parents=True, exist_ok=True)
    counts = {}
    with ExitStack() as stack:
        upstream: SimulatedUpstream | None = None
        for name in names:
            source = registry()[name]
            specs, _later = builder_loads(name)
            for spec in specs:
                problems = source.schema_problems([str(c) for c in spec.frame.columns])
                if problems:
                    raise ValueError(f"{name}: {'; '.join(problems)}")
            if source.kind == "akshare":
                upstream = upstream or stack.enter_context(simulated_upstream())
                delivered = upstream.fetch_loads(source, specs)
            else:
                delivered = read_curated_loads(source, specs)
            for spec, frame in delivered:
                result = land_frame(
                    source,
                    frame,
                    spec.params,
                    origin="demo",
                    fetched_at=spec.fetched_at,
                    available_at=spec.available_at,
                    file_name=spec.file_name,
                    demo=True,
                    root=root,
                )
                if not result.created:
                    raise ValueError(f"{name}: a load identical to the previous one ({spec.params})")
            counts[name] = len(specs)
    if docs if docs is not None else (only is None and root == DEMO_LANDING):
        write_published_figures(root.parent)
        write_manifest(root, root.parent / "MANIFEST.md")
    return Outcome(root, counts, time.monotonic() - started)
