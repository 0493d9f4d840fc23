"""Where the warehouse keeps its files.

Everything a build writes lives under one home directory (``WAREHOUSE_HOME``, default
``<repo>/data``); reports go to ``WAREHOUSE_REPORTS`` (default ``<repo>/reports``). Tests point
both at temporary directories, so a test never touches a developer's data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = REPO_ROOT / "data" / "demo"
DEMO_LANDING = DEMO_DIR / "landing"
# The three definition folders can be pointed elsewhere (tests add a source this way)
REGISTRY_PATH = Path(os.environ.get("WAREHOUSE_REGISTRY", REPO_ROOT / "ingestion" / "sources.yml"))
SUITES_DIR = Path(os.environ.get("WAREHOUSE_SUITES_DIR", REPO_ROOT / "expectations" / "suites"))
DBT_PROJECT_DIR = Path(os.environ.get("WAREHOUSE_DBT_PROJECT_DIR", REPO_ROOT / "dbt_project"))


@dataclass(frozen=True)
class Paths:
    """The file layout of one warehouse home."""

    home: Path
    reports: Path

    @property
    def landing(self) -> Path:
        """Immutable landing zone: one Parquet file and one manifest JSON per load."""
        return self.home / "landing"

    @property
    def inbox(self) -> Path:
        """Where analysts drop curated files; a sensor lands them."""
        return self.home / "inbox"

    @property
    def working_db(self) -> Path:
        """The database builds write (dbt's target). Readers never open it."""
        return self.home / "working" / "warehouse.duckdb"

    @property
    def serving(self) -> Path:
        return self.home / "serving"

    @property
    def serving_db(self) -> Path:
        """The published, read-only database (a symlink to the current version)."""
        return self.serving / "warehouse.duckdb"

    @property
    def serving_parquet(self) -> Path:
        """Parquet exports of every mart (a symlink to the current version's folder)."""
        return self.serving / "parquet"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster_home"

    def ensure(self) -> Paths:
        for path in (self.landing, self.inbox, self.working_db.parent, self.serving, self.reports):
            path.mkdir(parents=True, exist_ok=True)
        return self


def paths() -> Paths:
    """The paths for the current environment (read on every call, so tests can change it)."""
    home = Path(os.environ.get("WAREHOUSE_HOME", REPO_ROOT / "data")).resolve()
    reports = Path(os.environ.get("WAREHOUSE_REPORTS", REPO_ROOT / "reports")).resolve()
    return Paths(home=home, reports=reports)
