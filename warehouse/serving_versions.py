"""The published versions of the serving database as a reader finds them: ``serving/versions/vNNNN``,
the ``current`` link, each version's record (``version.json``) and rollback chain, and which
versions a prune keeps (:func:`retained`)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ground.settings import Paths, paths

KEEP = 5
VERSION_DIR = re.compile(r"^v(\d{4,})$")
ANY_VERSION_DIR = re.compile(r"^v(\d{4,})(\.partial)?$")


class PublishError(RuntimeError):
    pass


@dataclass(frozen=True)
class Version:
    number: int
    path: Path

    @property
    def name(self) -> str:
        return f"v{self.number:04d}"

    @property
    def database(self) -> Path:
        return self.path / "warehouse.duckdb"

    @property
    def parquet(self) -> Path:
        return self.path / "parquet"

    @cached_property
    def record(self) -> dict[str, Any] | None:
        """The version's ``version.json`` (None for a version written before it existed)."""
        try:
            return json.loads((self.path / "version.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None

    def lineage(self) -> list[int]:
        """This version and the versions published before it (rolled-back ones excluded)."""
        record = self.record
        if record is None:
            return [self.number]
        return [h["version"] for h in record.get("history", [])] + [self.number]


def versions_dir(p: Paths) -> Path:
    return p.serving / "versions"


def versions(p: Paths | None = None) -> list[Version]:
    """Every complete published version, oldest first."""
    p = p or paths()
    root = versions_dir(p)
    if not root.exists():
        return []
    found = []
    for child in root.iterdir():
        match = VERSION_DIR.match(child.name)
        if match and (child / "warehouse.duckdb").exists():
            found.append(Version(int(match.group(1)), child))
    return sorted(found, key=lambda v: v.number)


def current_version(p: Paths | None = None) -> Version | None:
    p = p or paths()
    link = p.serving / "current"
    if not link.is_symlink():
        return None
    target = (p.serving / os.readlink(link)).resolve()
    match = VERSION_DIR.match(target.name)
    return Version(int(match.group(1)), target) if match else None


def _made_current(p: Paths) -> set[int] | None:
    """Versions ``publish.log`` records as made current (published or rolled back to); None without a log."""
    try:
        lines = (p.serving / "publish.log").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    numbers = set()
    for line in lines:
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a crash
        if event.get("event") in ("publish", "rollback") and isinstance(event.get("version"), int):
            numbers.add(event["version"])
    return numbers


def retained(p: Paths | None = None, keep: int = KEEP) -> list[Version]:
    """The versions a prune keeps, by priority: the current version, the versions of its rollback
    chain (newest first), rolled-back versions (newest first), and last the versions that were never
    current (left by a publish killed before its swap). Version numbers alone do not decide: four
    rollbacks and a publish must not prune the version that publish replaced."""
    p = p or paths()
    current = current_version(p)
    on_disk = versions(p)
    if current is None:
        return on_disk[-max(keep, 1) :]
    chain = set(current.lineage())
    made_current = _made_current(p)

    def priority(version: Version) -> tuple[int, int]:
        if version.number == current.number:
            tier = 0
        elif version.number in chain:
            tier = 1
        elif made_current is None or version.number in made_current:
            tier = 2
        else:
            tier = 3
        return tier, -version.number

    return sorted(sorted(on_disk, key=priority)[: max(keep, 1)], key=lambda v: v.number)
