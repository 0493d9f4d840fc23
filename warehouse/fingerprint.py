"""Has anything changed since the last build? (the no-op rebuild).

A build's inputs are: the week, the moment its rows are cut at (min(as-of, the week's report
moment)), the loads visible as of the build, and the code and definitions (Python packages,
registry, suites, dbt project). When all of these equal what the last successful build
recorded and its published version is still current, building again would publish the same
marts and render the same report, so `warehouse build` skips it. Accepting a quarantined load
changes what a build reads without changing any of these, so it forgets the record
(:func:`forget_record`): the next build runs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ground.settings import DBT_PROJECT_DIR, REGISTRY_PATH, REPO_ROOT, SUITES_DIR, Paths
from ingestion.landing import list_loads

CODE_FOLDERS = ("ground", "ingestion", "expectations", "warehouse", "reporting", "orchestration", "cli")
RECORD = "last_build.json"


def _hash_files(digest: hashlib._Hash, paths: list[Path]) -> None:
    for path in sorted(paths):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())


def definitions_hash() -> str:
    """Content hash of the code and the definitions a build runs."""
    digest = hashlib.sha256()
    code = [p for folder in CODE_FOLDERS for p in (REPO_ROOT / folder).rglob("*.py")]
    _hash_files(digest, code)
    _hash_files(digest, [REGISTRY_PATH, *SUITES_DIR.glob("*.json")])
    dbt_files = [
        p
        for folder in ("models", "macros", "seeds", "tests")
        for p in (DBT_PROJECT_DIR / folder).rglob("*")
        if p.is_file()
    ]
    _hash_files(digest, [*dbt_files, DBT_PROJECT_DIR / "dbt_project.yml"])
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildInputs:
    week: str
    cutoff: str
    loads: str
    definitions: str

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.__dict__, sort_keys=True).encode()).hexdigest()


def build_inputs(week: str, as_of: datetime, report_moment: datetime) -> BuildInputs:
    visible = sorted(ld.load_id for ld in list_loads() if ld.available_at_dt <= as_of)
    return BuildInputs(
        week=week,
        cutoff=min(as_of, report_moment).isoformat(),
        loads=hashlib.sha256("\n".join(visible).encode()).hexdigest(),
        definitions=definitions_hash(),
    )


def read_record(p: Paths) -> dict | None:
    path = p.working_db.parent / RECORD
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def write_record(p: Paths, inputs: BuildInputs, version: str | None, report_files: list[str]) -> None:
    path = p.working_db.parent / RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"inputs": inputs.digest(), "week": inputs.week, "version": version, "report_files": report_files}
    path.write_text(json.dumps(record, indent=1), encoding="utf-8")


def forget_record(p: Paths) -> None:
    """Make the next build run whatever its inputs (e.g. after a load was accepted)."""
    (p.working_db.parent / RECORD).unlink(missing_ok=True)
