"""Write the demo snapshot: every registered source's loads into ``data/demo/landing``, plus
``data/demo/published_figures.json`` and ``data/demo/MANIFEST.md``."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ingestion.demo import figures as F
from ingestion.demo.common import DEMO_AS_OF
from ingestion.demo.manifest import write_manifest
from ingestion.demo.market import sw_w15_pe_counts
from ingestion.demo.sources import BUILDERS
from ingestion.landing import land_frame, params_key
from ingestion.registry import registry
from warehouse.settings import DEMO_DIR, DEMO_LANDING


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


def generate(root: Path | None = None, only: Iterable[str] | None = None, docs: bool | None = None) -> Outcome:
    """Regenerate the landing zone under ``root`` (default: the embedded snapshot) for all or ``only`` sources.

    The folder of each regenerated source is deleted first (the whole root when all sources are
    regenerated). ``docs`` (default: when writing the embedded snapshot in full) also rewrites
    MANIFEST.md and published_figures.json beside the landing folder.
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
    for name in names:
        source = registry()[name]
        specs = sorted(BUILDERS[name](), key=lambda s: (s.moment, params_key(s.params)))
        for spec in specs:
            if spec.moment > DEMO_AS_OF or spec.fetched_at > DEMO_AS_OF:
                raise ValueError(f"{name}: a demo load is fetched after the demo's as-of moment ({spec.moment})")
            problems = source.schema_problems([str(c) for c in spec.frame.columns])
            if problems:
                raise ValueError(f"{name}: {'; '.join(problems)}")
            result = land_frame(
                source,
                spec.frame,
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
