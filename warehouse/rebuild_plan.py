"""Which weeks the incremental dbt models rebuild: the plan written before each ``dbt build``.

An incremental model (``materialized='incremental', incremental_strategy='replace_weeks'``, see
``dbt_project/macros/incremental.sql``) records, with each build, what its rows reflect: the
loads it read (``build.model_state_loads``), its as-of moment and cut-off, and a hash of its
definitions (``build.model_state``). Before the next build this module compares that with what
the build will read and names the weeks whose rows can differ:

* a load added or removed since (a new day, a revised old load, a quarantined one, loads that an
  earlier ``--as-of`` hides): the weeks of its period range;
* a full_reload source whose newest load changed: the weeks from the first row that differs
  between the two loads on (a new quarterly Shenwan history that adds one reclassification
  touches the weeks from that day on, not the whole history);
* the newest load of a source changed: the days whose publication falls between the two (event
  flows count the days their newest load covers);
* a new cut-off: the periods published between the two cut-offs (the lag of every source
  upstream), and the weeks that start between them;
* plus the weeks after each of them that the model, or an incremental model it reads, declares
  (``meta.rebuild.later_weeks``: a week's margin flow starts from the previous trading week's
  balance), and every week an incremental model it reads rebuilds.

It rebuilds in full when the model was never built (or its table is gone), when its definitions
changed (its SQL and config, every model, seed and source upstream, every macro of the project,
the registry entries of its sources, the landing views' code, the dbt version), and on
``--full-refresh``. Sources read only by incremental models that
rebuild some weeks get read windows: their staging views read only the loads that reach those
weeks (``lookback_days`` before each), so a new week reads a new week's files.

The plan is written as DuckDB macros in schema ``build`` (``warehouse/run_settings.py``), which
the models and the replace_weeks strategy read.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from ground.calendar import parse_week_id, week_id_of
from ground.time_zone import SHANGHAI
from ingestion.periods import period_range
from ingestion.registry import Source, registry
from warehouse.run_settings import RunSettings, text_literal, write_run_settings

STRATEGY = "replace_weeks"
LANDING_VIEWS_CODE = Path(__file__).resolve().parent / "landing_views.py"


@dataclass(frozen=True)
class IncrementalModel:
    """An incremental model of the dbt manifest, with what its plan needs to know."""

    name: str
    schema: str
    sources: frozenset[str]
    definition_hash: str
    later_weeks: int = 0
    lookback_days: int = 0
    upstream: frozenset[str] = frozenset()  # incremental models it reads (directly or not)


@dataclass(frozen=True)
class LoadRow:
    """A visible load as the working database's ``landing._loads`` lists it."""

    load_id: str
    source: str
    series: str
    period_min: date | None
    period_max: date | None
    available_at: datetime
    path: str


@dataclass
class ModelPlan:
    model: str
    full: bool
    reason: str
    definition_hash: str
    weeks: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if self.full:
            return f"{self.model}: in full ({self.reason})"
        shown = ", ".join(a if a == b else f"{a}..{b}" for a, b in _runs(self.weeks))
        return f"{self.model}: {len(self.weeks)} week(s){': ' + shown if self.weeks else ''} ({self.reason})"


def _runs(weeks: list[str]) -> list[tuple[str, str]]:
    """Consecutive ISO weeks as (first, last) pairs."""
    runs: list[tuple[str, str]] = []
    for week in weeks:
        if runs and parse_week_id(week)[0] - parse_week_id(runs[-1][1])[0] == timedelta(days=7):
            runs[-1] = (runs[-1][0], week)
        else:
            runs.append((week, week))
    return runs


@dataclass
class RebuildPlan:
    models: list[ModelPlan]
    # source -> the period ranges it is read for, and the loads that reach them (None: everything)
    windows: dict[str, list[tuple[date, date]]] = field(default_factory=dict)
    window_loads: dict[str, list[str]] = field(default_factory=dict)

    def describe(self) -> str:
        lines = [plan.describe() for plan in self.models]
        for source, loads in sorted(self.window_loads.items()):
            lines.append(f"reads {len(loads)} load(s) of {source}")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------- the manifest
def load_manifest(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _closure(manifest: dict[str, Any], unique_id: str) -> set[str]:
    parents = manifest.get("parent_map") or {}
    seen: set[str] = set()
    stack = [unique_id]
    while stack:
        for parent in parents.get(stack.pop(), []):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _node(manifest: dict[str, Any], unique_id: str) -> dict[str, Any]:
    for kind in ("nodes", "sources"):
        if unique_id in manifest.get(kind, {}):
            return manifest[kind][unique_id]
    return {}


def _landing_source(manifest: dict[str, Any], unique_id: str) -> str | None:
    node = manifest.get("sources", {}).get(unique_id)
    return node["name"] if node and node.get("source_name") == "landing" else None


def _definition_hash(manifest: dict[str, Any], unique_id: str, upstream: set[str], sources: set[str]) -> str:
    digest = hashlib.sha256()
    metadata = manifest.get("metadata", {})
    digest.update(f"{metadata.get('dbt_version')}|{metadata.get('adapter_type')}".encode())
    for uid in sorted(upstream | {unique_id}):
        node = _node(manifest, uid)
        if uid.startswith("source."):
            part = {k: node.get(k) for k in ("meta", "relation_name", "loaded_at_field")}
        else:
            part = {"checksum": (node.get("checksum") or {}).get("checksum"), "config": node.get("config")}
        digest.update(uid.encode() + json.dumps(part, sort_keys=True, default=str).encode())
    project = metadata.get("project_name") or _node(manifest, unique_id).get("package_name")
    for uid, macro in sorted(manifest.get("macros", {}).items()):
        if macro.get("package_name") == project:
            digest.update(uid.encode() + (macro.get("macro_sql") or "").encode())
    known = registry()
    for name in sorted(sources):
        digest.update(repr(known.get(name)).encode())
    digest.update(LANDING_VIEWS_CODE.read_bytes())
    return digest.hexdigest()


def incremental_models(manifest: dict[str, Any]) -> list[IncrementalModel]:
    """The replace_weeks models of the manifest, each with its upstream landing sources and hash."""
    found = []
    nodes = manifest.get("nodes", {})

    def incremental(uid: str) -> bool:
        node = nodes.get(uid) or {}
        return (
            node.get("resource_type") == "model" and (node.get("config") or {}).get("incremental_strategy") == STRATEGY
        )

    for uid, node in sorted(nodes.items()):
        if not incremental(uid):
            continue
        config = node.get("config") or {}
        upstream = _closure(manifest, uid)
        sources = {name for u in upstream if (name := _landing_source(manifest, u))}
        rebuild = (config.get("meta") or {}).get("rebuild") or {}
        found.append(
            IncrementalModel(
                name=node.get("alias") or node["name"],
                schema=node["schema"],
                sources=frozenset(sources),
                definition_hash=_definition_hash(manifest, uid, upstream, sources),
                later_weeks=int(rebuild.get("later_weeks", 0)),
                lookback_days=int(rebuild.get("lookback_days", 0)),
                upstream=frozenset(nodes[u].get("alias") or nodes[u]["name"] for u in upstream if incremental(u)),
            )
        )
    return found


def windowable_sources(manifest: dict[str, Any]) -> dict[str, set[str]]:
    """Landing sources whose rows reach only incremental models (through views): source -> models.

    A source that also feeds a table, or a view nothing materialises, is always read whole.
    """
    children = manifest.get("child_map") or {}
    nodes = manifest.get("nodes", {})
    out: dict[str, set[str]] = {}
    for uid in manifest.get("sources", {}):
        name = _landing_source(manifest, uid)
        if name is None:
            continue
        consumers: set[str] = set()
        ok, stack, seen = True, list(children.get(uid, [])), set()
        while stack and ok:
            child = stack.pop()
            if child in seen:
                continue
            seen.add(child)
            node = nodes.get(child)
            if node is None or node.get("resource_type") != "model":
                continue  # tests, unit tests, exposures read nothing the build keeps
            config = node.get("config") or {}
            if config.get("materialized") in ("view", "ephemeral"):
                grandchildren = [c for c in children.get(child, []) if c in nodes]
                if not any(nodes[c].get("resource_type") == "model" for c in grandchildren):
                    ok = False  # a view at the end of the line: someone may query it whole
                stack.extend(grandchildren)
            elif config.get("incremental_strategy") == STRATEGY:
                consumers.add(node.get("alias") or node["name"])
            else:
                ok = False
        if ok and consumers:
            out[name] = consumers
    return out


# ---------------------------------------------------------------------------------- the state
def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [schema, table]
        ).fetchone()[0]
    )


def _loads(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> dict[str, dict[str, LoadRow]]:
    grouped: dict[str, dict[str, LoadRow]] = defaultdict(dict)
    for row in con.execute(sql, params).fetchall():
        load = LoadRow(*row)
        grouped[load.source][load.load_id] = load
    return grouped


def current_loads(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, LoadRow]]:
    """The loads the landing views show now (what this build reads)."""
    if not _table_exists(con, "landing", "_loads"):
        return {}
    return _loads(
        con,
        "select load_id, source, cast(series as varchar), period_min, period_max, available_at, path "
        "from landing._loads where not quarantined and rows_landed > 0",
        [],
    )


@dataclass(frozen=True)
class ModelState:
    definition_hash: str | None
    as_of: datetime | None
    period_cutoff: datetime | None
    loads: dict[str, dict[str, LoadRow]]


def model_state(con: duckdb.DuckDBPyConnection, model: str) -> ModelState | None:
    """What the model's rows reflect (recorded by its post-hook), None if it never recorded any."""
    if not (_table_exists(con, "build", "model_state") and _table_exists(con, "build", "model_state_loads")):
        return None
    row = con.execute(
        "select definition_hash, as_of, period_cutoff from build.model_state where model = ?", [model]
    ).fetchone()
    if row is None:
        return None
    loads = _loads(
        con,
        "select load_id, source, cast(series as varchar), period_min, period_max, available_at, path "
        "from build.model_state_loads where model = ?",
        [model],
    )
    return ModelState(definition_hash=row[0], as_of=row[1], period_cutoff=row[2], loads=loads)


# ---------------------------------------------------------------------------------- what changed
class FullRebuild(Exception):
    """The weeks that changed cannot be told: rebuild the model in full."""


def _shanghai_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def _published_after(source: Source | None, moment: datetime) -> date:
    """The first period (its day; a month's first day) of ``source`` that becomes public after ``moment``.

    Periods before it were public by then, so a cut-off or a newest load moving after ``moment``
    cannot change their rows. (Data without a publication lag is public at once: the week of the
    moment itself.)
    """
    day = _shanghai_day(moment)
    if source is None or source.publication is None:
        return day
    publication = source.publication
    if source.period.grain == "month":  # a month is public from its last day + lag
        earliest = day - timedelta(days=publication.lag_days + 31)
        return earliest.replace(day=1)
    first = day - timedelta(days=publication.lag_days + 1)
    while publication.published_at(first) <= moment:
        first += timedelta(days=1)
    return first


def _newest_by_series(loads: dict[str, LoadRow]) -> dict[str, LoadRow]:
    newest: dict[str, LoadRow] = {}
    for load in sorted(loads.values(), key=lambda ld: (ld.available_at, ld.load_id)):
        newest[load.series] = load
    return newest


def _rows_changed(con: duckdb.DuckDBPyConnection, source: Source, old: LoadRow, new: LoadRow) -> tuple[date, date]:
    """The period range of the rows that differ between two loads of a full_reload series."""
    for load in (old, new):
        if not Path(load.path).exists():
            raise FullRebuild(f"{source.name}: load file {load.path} is gone")
    a, b = (f"read_parquet('{ld.path.replace(chr(39), chr(39) * 2)}')" for ld in (old, new))
    try:
        frame = con.execute(
            f"(select * from {a} except all select * from {b}) union all (select * from {b} except all select * from {a})"
        ).df()
    except duckdb.Error as exc:
        raise FullRebuild(f"{source.name}: loads {old.load_id} and {new.load_id} cannot be compared ({exc})") from exc
    if frame.empty:
        return date.max, date.min  # same rows: nothing
    params = json.loads(new.series) if new.series else {}
    first, _ = period_range(source, frame, params)
    if first is None:
        raise FullRebuild(f"{source.name}: the periods of the changed rows are unknown")
    # a whole history replaced: a changed row holds until the next one (a Shenwan classification
    # is valid until the stock's next record), so every period from the first change on is touched
    return first, date.max


def changed_ranges(
    con: duckdb.DuckDBPyConnection,
    state: ModelState,
    loads: dict[str, dict[str, LoadRow]],
    settings: RunSettings,
    sources: frozenset[str],
) -> list[tuple[date, date]]:
    """The period ranges whose rows of ``sources`` can differ between ``state`` and now."""
    known = registry()
    ranges: list[tuple[date, date]] = []
    if state.period_cutoff is None:
        raise FullRebuild("its last cut-off is unknown")
    if state.period_cutoff != settings.period_cutoff:
        low, high = sorted((state.period_cutoff, settings.period_cutoff))
        first = min((_published_after(known.get(s), low) for s in sources), default=_shanghai_day(low))
        ranges.append((first, _shanghai_day(high)))
    for name in sorted(sources):
        before, now = state.loads.get(name, {}), loads.get(name, {})
        if before.keys() == now.keys():
            continue
        source = known.get(name)
        if source is not None and source.history == "full_reload":
            old_newest, new_newest = _newest_by_series(before), _newest_by_series(now)
            for series in sorted(old_newest.keys() | new_newest.keys()):
                old, new = old_newest.get(series), new_newest.get(series)
                if old is not None and new is not None and old.load_id != new.load_id:
                    ranges.append(_rows_changed(con, source, old, new))
                elif (old is None) != (new is None):
                    ranges.append(_load_range(old or new))
        else:
            for load_id in sorted(before.keys() ^ now.keys()):
                ranges.append(_load_range(before.get(load_id) or now[load_id]))
        # the newest load moved: the days published between the two newest loads
        old_top = max((ld.available_at for ld in before.values()), default=None)
        new_top = max((ld.available_at for ld in now.values()), default=None)
        if old_top != new_top:
            if old_top is not None and new_top is not None:
                low, high = sorted((old_top, new_top))
                ranges.append((_published_after(source, low), _shanghai_day(high)))
            else:
                side = before or now
                ranges.append((min(_load_range(ld)[0] for ld in side.values()), _shanghai_day(old_top or new_top)))
    return [(a, b) for a, b in ranges if a <= b]


def _load_range(load: LoadRow) -> tuple[date, date]:
    if load.period_min is None or load.period_max is None:
        raise FullRebuild(f"load {load.load_id} of {load.source} has no period range")
    return load.period_min, load.period_max


def _mondays(first: date, last: date) -> list[date]:
    start = first - timedelta(days=first.weekday())
    return [start + timedelta(days=7 * i) for i in range((last - start).days // 7 + 1)] if first <= last else []


def weeks_of(ranges: list[tuple[date, date]], later_weeks: int, low: date, high: date) -> list[str]:
    """ISO weeks overlapping ``ranges`` (clamped to [low, high]), and the ``later_weeks`` after each."""
    mondays: set[date] = set()
    for first, last in ranges:
        for monday in _mondays(max(first, low), min(last, high)):
            mondays.update(monday + timedelta(days=7 * k) for k in range(later_weeks + 1))
    last_monday = high - timedelta(days=high.weekday())
    return sorted(week_id_of(m) for m in mondays if m <= last_monday)


# ---------------------------------------------------------------------------------- the plan
def plan_model(
    con: duckdb.DuckDBPyConnection,
    model: IncrementalModel,
    loads: dict[str, dict[str, LoadRow]],
    settings: RunSettings,
    full_refresh: bool,
    upstream: dict[str, tuple[ModelPlan, IncrementalModel]] | None = None,
) -> ModelPlan:
    """The plan of one model; ``upstream``: the plans of the incremental models it reads.

    A week an upstream incremental model rebuilds is rebuilt here too, and a change spreads to as
    many later weeks as any model on the way declares.
    """

    def full(reason: str) -> ModelPlan:
        return ModelPlan(model.name, True, reason, model.definition_hash)

    upstream = upstream or {}
    if full_refresh:
        return full("--full-refresh")
    rebuilt_in_full = sorted(name for name, (plan, _) in upstream.items() if plan.full)
    if rebuilt_in_full:
        return full(f"{', '.join(rebuilt_in_full)} is rebuilt in full")
    if not _table_exists(con, model.schema, model.name):
        return full("first build")
    state = model_state(con, model.name)
    if state is None or state.definition_hash is None:
        return full("no record of its last build")
    if state.definition_hash != model.definition_hash:
        return full("its definitions changed")
    try:
        ranges = changed_ranges(con, state, loads, settings, model.sources)
    except FullRebuild as exc:
        return full(str(exc))
    periods = [ld.period_min for s in model.sources for ld in loads.get(s, {}).values() if ld.period_min]
    periods += [ld.period_min for s in model.sources for ld in state.loads.get(s, {}).values() if ld.period_min]
    low = min(periods, default=date.min)
    high = _shanghai_day(max(settings.period_cutoff, state.period_cutoff or settings.period_cutoff))
    later_weeks = max([model.later_weeks, *(m.later_weeks for _, m in upstream.values())])
    weeks = sorted(set(weeks_of(ranges, later_weeks, low, high)).union(*(p.weeks for p, _ in upstream.values())))
    reason = "nothing it reads changed" if not weeks else f"{len(ranges)} changed period range(s)"
    return ModelPlan(model.name, False, reason, model.definition_hash, weeks)


def plan_rebuilds(
    con: duckdb.DuckDBPyConnection, settings: RunSettings, manifest: dict[str, Any], full_refresh: bool = False
) -> RebuildPlan:
    """The plan of this build for every incremental model of the manifest (nothing is written)."""
    loads = current_loads(con)
    models = incremental_models(manifest)
    by_name = {m.name: m for m in models}
    plans: dict[str, ModelPlan] = {}
    for model in sorted(models, key=lambda m: len(m.upstream)):  # upstream models first
        upstream = {name: (plans[name], by_name[name]) for name in model.upstream if name in plans}
        plans[model.name] = plan_model(con, model, loads, settings, full_refresh, upstream)
    plan = RebuildPlan(models=[plans[m.name] for m in models])
    known = registry()
    for source, consumers in sorted(windowable_sources(manifest).items()):
        if known.get(source) is not None and known[source].history == "full_reload":
            continue
        if any(plans[c].full for c in consumers if c in plans) or not all(c in plans for c in consumers):
            continue
        ranges = []
        for consumer in consumers:
            lookback = timedelta(days=by_name[consumer].lookback_days)
            for week in plans[consumer].weeks:
                start, end = parse_week_id(week)
                ranges.append((start - lookback, end))
        plan.windows[source] = _merge(ranges)
        plan.window_loads[source] = sorted(
            ld.load_id
            for ld in loads.get(source, {}).values()
            if ld.period_min is None
            or ld.period_max is None
            or any(ld.period_max >= a and ld.period_min <= b for a, b in plan.windows[source])
        )
    return plan


def _merge(ranges: list[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _in_list(column: str, values: list[str]) -> str:
    return f"{column} in ({', '.join(text_literal(v) for v in values)})" if values else "false"


def write_plan(con: duckdb.DuckDBPyConnection, plan: RebuildPlan) -> None:
    """Replace the plan macros (see dbt_project/macros/run_settings.sql) with this plan."""
    con.execute("create schema if not exists build")
    names = [text_literal(p.model) for p in plan.models]
    others = f"model_name not in ({', '.join(names)})" if names else "true"
    modes = " ".join(f"when {text_literal(p.model)} then '{'full' if p.full else 'weeks'}'" for p in plan.models)
    hashes = " ".join(f"when {text_literal(p.model)} then {text_literal(p.definition_hash)}" for p in plan.models)
    weeks = [
        f"(model_name = {text_literal(p.model)}" + ("" if p.full else f" and {_in_list('week_id', p.weeks)}") + ")"
        for p in plan.models
    ]
    sources = [text_literal(s) for s in plan.window_loads]
    unwindowed = f"source_name not in ({', '.join(sources)})" if sources else "true"
    reads_load = [
        f"(source_name = {text_literal(s)} and {_in_list('load_id', ids)})" for s, ids in plan.window_loads.items()
    ]
    reads_period = [
        f"(source_name = {text_literal(s)} and ("
        + (" or ".join(f"period between date '{a}' and date '{b}'" for a, b in plan.windows[s]) or "false")
        + "))"
        for s in plan.window_loads
    ]
    statements = {
        "rebuild_mode(model_name)": f"case model_name {modes} else 'full' end" if modes else "'full'",
        "rebuilds_week(model_name, week_id)": " or ".join([*weeks, others]),
        "reads_load(source_name, load_id)": " or ".join([*reads_load, unwindowed]),
        "reads_period(source_name, period)": " or ".join([*reads_period, unwindowed]),
        "definition_hash(model_name)": f"case model_name {hashes} end" if hashes else "cast(null as varchar)",
    }
    for signature, body in statements.items():
        con.execute(f"create or replace macro build.{signature} as {body}")


def prepare_dbt_build(
    con: duckdb.DuckDBPyConnection, settings: RunSettings, manifest_path: Path, full_refresh: bool = False
) -> RebuildPlan:
    """Everything a `dbt build` reads besides the landing views: the run settings and the plan."""
    write_run_settings(con, settings)
    plan = plan_rebuilds(con, settings, load_manifest(manifest_path), full_refresh)
    write_plan(con, plan)
    return plan
