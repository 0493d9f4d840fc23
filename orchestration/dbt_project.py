"""The dbt project as Dagster sees it: a manifest prepared by an explicit step, and the translator.

``prepare_manifest`` (``warehouse prepare``, ``make prepare``; ``warehouse build`` and ``warehouse
demo`` run it first) rebuilds ``dbt_project/target/manifest.json`` with ``dbt parse`` only when a
file of the dbt project changed since it was written (a fingerprint of paths, sizes and
modification times). The parse runs in the builds' own target folder (``build_target()``, beside
the working database of the current warehouse home), so the first build after it finds dbt's
partial-parse state ready; the manifest is then copied where Dagster reads it.

Loading the code location never parses, except under ``dagster dev`` (dagster-dbt's
``prepare_if_dev`` rule): ``prepared_manifest`` returns the manifest when it is current and
otherwise says which command prepares it. Importing this module reads nothing.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

from ground.settings import DBT_PROJECT_DIR, paths

TARGET_DIR = DBT_PROJECT_DIR / "target"
MANIFEST = TARGET_DIR / "manifest.json"
FINGERPRINT = TARGET_DIR / ".fingerprint"
LAYERS = ("staging", "intermediate", "marts")


def build_target() -> Path:
    """dbt's target folder for the builds of the current warehouse home: ``<home>/working/dbt``.

    One per working database, whose writer lease lets one build at a time use it, so builds of two
    homes never share ``run_results.json``; and dbt's partial-parse state holds from one build to
    the next (it is void when the profile's ``WAREHOUSE_DUCKDB`` changes: a folder shared by two
    homes would be parsed in full each time the home changed).
    """
    return paths().working_db.parent / "dbt"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for folder in ("models", "macros", "seeds", "tests", "analyses"):
        root = DBT_PROJECT_DIR / folder
        if not root.exists():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(DBT_PROJECT_DIR)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    for name in ("dbt_project.yml", "profiles.yml", "packages.yml"):
        path = DBT_PROJECT_DIR / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def dbt_env() -> dict[str, str]:
    """Environment for dbt subprocesses: the working database of the current warehouse home."""
    env = dict(os.environ)
    env["WAREHOUSE_DUCKDB"] = str(paths().working_db)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def dbt_executable() -> str:
    """dbt through ``warehouse-dbt`` (orchestration/dbt_child.py), which dies with the process that runs it."""
    for name in ("warehouse-dbt", "dbt"):
        candidate = Path(sys.executable).parent / name
        if candidate.exists():
            return str(candidate)
    return "dbt"


class ManifestNotPreparedError(RuntimeError):
    """The dbt manifest is missing or older than the dbt project."""


def _manifest_is_current(fingerprint: str) -> bool:
    return MANIFEST.exists() and FINGERPRINT.exists() and FINGERPRINT.read_text() == fingerprint


def prepared_manifest() -> Path:
    """The manifest the code location loads: current, or prepared now under ``dagster dev`` only."""
    if _manifest_is_current(_fingerprint()):
        return MANIFEST
    if os.environ.get("DAGSTER_IS_DEV_CLI"):  # set by `dagster dev` (and so `warehouse ui`)
        return prepare_manifest()
    state = "is older than the dbt project" if MANIFEST.exists() else "has not been prepared"
    raise ManifestNotPreparedError(
        f"the dbt manifest {MANIFEST} {state}: run `warehouse prepare` (or `make prepare`) first"
    )


def prepare_manifest(force: bool = False) -> Path:
    """Parse the dbt project if (and only if) it changed since the manifest was written."""
    current = _fingerprint()
    if not force and _manifest_is_current(current):
        return MANIFEST
    TARGET_DIR.mkdir(parents=True, exist_ok=True)
    with open(TARGET_DIR / ".prepare.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two processes preparing at once: one parses, the other waits
        if not force and _manifest_is_current(current):
            return MANIFEST
        return _parse(current)


def _parse(current: str) -> Path:
    target = build_target()
    subprocess.run(
        [
            dbt_executable(),
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
        ],
        check=True,
        env=dbt_env(),
        cwd=DBT_PROJECT_DIR,
    )
    copy = MANIFEST.with_name(f"manifest.json.{os.getpid()}.tmp")
    shutil.copyfile(target / "manifest.json", copy)
    os.replace(copy, MANIFEST)  # whole, for a code location loading it right now
    FINGERPRINT.write_text(current)
    return MANIFEST


def dbt_project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class WarehouseTranslator(DagsterDbtTranslator):
    """Keys ``<layer>/<model>``, groups by layer, sources mapped to ``landing/<source>``.

    dbt tests are not one asset check each: ``orchestration/dbt_assets.py`` makes them one check
    per model.
    """

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=False, enable_code_references=False))

    @staticmethod
    def _layer(props: Mapping[str, Any]) -> str:
        fqn = props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 and fqn[1] in LAYERS else "reference"

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["landing", dbt_resource_props["name"]])
        return dg.AssetKey([self._layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return self._layer(dbt_resource_props)
