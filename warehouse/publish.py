"""Write-audit-publish: copy the marts of the working database into a new serving version.

A build writes the working database. Only when every blocking check and dbt test has passed
does the ``serving/warehouse`` asset call :func:`publish`, which, holding ``serving/.publish.lock``,

1. **writes** a fresh folder ``serving/versions/vNNNN.partial/`` beside the published ones: a
   database ``warehouse.duckdb`` with the ``marts`` and ``quality`` schemas (views materialised
   as tables), the table and column comments, ``meta.versions`` (this version and the versions
   it succeeds: version, week, as-of moment, built_at, git commit, row counts) and
   ``meta.version_marts`` (per mart: rows and a content checksum), plus every mart as Parquet in
   ``parquet/<mart>.parquet`` and the same record as ``version.json``;
2. **audits** the copy from a fresh read-only connection, as a reader will see it: every mart
   present, its rows and checksum equal to ``meta.version_marts``, every Parquet file readable
   with the same rows and columns; at least one mart must have rows;
3. **publishes**: makes the files read-only, fsyncs them and their folders, renames the folder
   to ``vNNNN`` and swaps the ``serving/current`` symlink to it with one ``rename(2)``.

``serving/warehouse.duckdb``, ``serving/parquet`` and ``serving/version.json`` are symlinks through
``current``, so a reader that opens one of them gets either the old or the new version, never a
half-written one. The writer never opens a published file (the history comes from the previous
``version.json``), so a reader, even one that wrongly opened the file read-write, cannot block a
publish. A crash at any point leaves ``current`` on the last good version; a stale ``.partial``
folder is removed by the next publish. ``KEEP`` versions stay: the current one and the versions
it succeeds (its rollback chain, newest first), then, if room is left, rolled-back versions;
versions that were never current (a publish killed between its rename and the swap) go first
(see :func:`retained`). A reader that still has a pruned version open keeps reading it: the file
is unlinked, not overwritten. :func:`rollback` points ``current`` back at the version published
before the current one.

The steps live in :mod:`warehouse.serving_versions` (reading versions, what a prune keeps),
:mod:`warehouse.publish_write`, :mod:`warehouse.publish_audit` and :mod:`warehouse.publish_files`;
this module runs them in order (and keeps the names importers use).
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Any

from warehouse.publish_audit import audit, verify, verify_parquet
from warehouse.publish_files import (
    clear_stale,
    ensure_entry_links,
    fsync_dir,
    log_event,
    next_number,
    publish_lock,
    seal_tree,
    swap_symlink,
)
from warehouse.publish_write import quote, write_version
from warehouse.serving_versions import KEEP, PublishError, Version, current_version, retained, versions, versions_dir

__all__ = [
    "KEEP",
    "PublishError",
    "Version",
    "current_version",
    "publish",
    "quote",
    "retained",
    "rollback",
    "verify",
    "verify_parquet",
    "versions",
]
from ground.settings import Paths, paths


def publish(*, week: str | None, as_of: str, p: Paths | None = None, keep: int = KEEP) -> Version:
    """Publish the working database's marts as a new serving version (see module docstring)."""
    p = p or paths()
    if not p.working_db.exists():
        raise PublishError(f"no working database at {p.working_db}; nothing to publish")
    with publish_lock(p):
        root = versions_dir(p)
        root.mkdir(parents=True, exist_ok=True)
        clear_stale(root)
        number = next_number(root)
        version = Version(number, root / f"v{number:04d}")
        staging = root / f"{version.name}.partial"
        (staging / "parquet").mkdir(parents=True)
        previous = current_version(p)
        history: list[dict[str, Any]] = []
        if previous is not None and previous.record is not None:
            keys = ("version", "week", "as_of", "built_at", "git_commit", "row_counts")
            history = [*previous.record.get("history", []), {k: previous.record.get(k) for k in keys}]
        try:
            record = write_version(staging, p.working_db, number, week, as_of, history)
            (staging / "version.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
            audit(staging, record)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        seal_tree(staging)
        os.replace(staging, version.path)
        fsync_dir(root)
        swap_symlink(p.serving / "current", f"versions/{version.name}")
        ensure_entry_links(p)
        log_event(p, {"event": "publish", "version": number, "previous": previous.number if previous else None})
        prune(p, keep)
    return version


def prune(p: Paths, keep: int) -> None:
    kept = {v.number for v in retained(p, keep)}
    for old in versions(p):
        if old.number not in kept:
            shutil.rmtree(old.path, ignore_errors=True)


def rollback(p: Paths | None = None) -> Version:
    """Point ``current`` at the version published before it (one that was itself current)."""
    p = p or paths()
    with publish_lock(p):
        current = current_version(p)
        if current is None:
            raise PublishError("nothing is published, so there is nothing to roll back")
        kept = {v.number: v for v in versions(p)}
        lineage = current.lineage() if current.record is not None else list(kept)
        earlier = [n for n in lineage if n < current.number and n in kept]
        if not earlier:
            raise PublishError(f"no version published before {current.name} is kept; there is nothing to roll back to")
        target = kept[max(earlier)]
        swap_symlink(p.serving / "current", f"versions/{target.name}")
        ensure_entry_links(p)
        log_event(p, {"event": "rollback", "version": target.number, "previous": current.number})
    return target
