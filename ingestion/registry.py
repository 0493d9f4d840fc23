"""The source registry: ``ingestion/sources.yml`` loaded into typed, validated objects.

Everything that knows about a source (landing assets, GX suites' schema part, dbt sources,
curated-file templates, docs) reads it from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from ground.settings import REGISTRY_PATH
from ground.time_zone import SHANGHAI

Kind = Literal["akshare", "curated"]
Section = Literal[
    "outlook", "exports", "industry_cycle", "fund_flows", "themes", "valuation", "market_review", "reference"
]
Cadence = Literal["daily", "weekly", "monthly", "yearly", "irregular"]
History = Literal["full_reload", "append", "snapshot"]
Call = Literal["once", "per_date", "per_range", "per_week"]
ColumnType = Literal["string", "float", "int", "date"]
PeriodFormat = Literal["date", "yyyymmdd", "cn_month", "yyyy_mm", "yyyy", "cpca_wide"]

SECTIONS: tuple[str, ...] = (
    "outlook",
    "exports",
    "industry_cycle",
    "fund_flows",
    "themes",
    "valuation",
    "market_review",
    "reference",
)
SECTION_TITLES = {
    "outlook": "观策·论市",
    "exports": "出口",
    "industry_cycle": "中观·景气",
    "fund_flows": "资金·众寡",
    "themes": "主题·风向",
    "valuation": "数据·估值",
    "market_review": "复盘·内观",
    "reference": "参考数据",
}
CADENCE_DAYS = {"daily": 1, "weekly": 7, "monthly": 31, "yearly": 366, "irregular": 400}


class RegistryError(ValueError):
    """The registry file is inconsistent; the message names the source and field."""


@dataclass(frozen=True)
class Column:
    """One raw column, exactly as the source returns it."""

    type: ColumnType
    name: str | None = None
    pattern: str | None = None
    count: int = 1
    unit: str | None = None
    description: str = ""

    @property
    def label(self) -> str:
        return self.name if self.name is not None else f"/{self.pattern}/"

    def matches(self, column_name: str) -> bool:
        if self.name is not None:
            return column_name == self.name
        assert self.pattern is not None
        return re.fullmatch(self.pattern, column_name) is not None


@dataclass(frozen=True)
class Period:
    """Where a row's period comes from: a column, a call parameter, or (``fetched``) the Shanghai
    day the load was fetched, for today-only lists that carry no date of their own."""

    format: PeriodFormat
    grain: Literal["day", "week", "month", "year"]
    column: str | None = None
    param: str | None = None
    fetched: bool | None = None


@dataclass(frozen=True)
class Publication:
    """Data for a period is public from (period's last day + lag_days) at `at`, Shanghai time."""

    lag_days: int
    at: time

    def published_at(self, period_last_day: date) -> datetime:
        return datetime.combine(period_last_day + timedelta(days=self.lag_days), self.at, SHANGHAI)


@dataclass(frozen=True)
class DateParam:
    name: str
    format: str = "%Y%m%d"


@dataclass(frozen=True)
class ParamSetsFrom:
    """One parameter set per distinct value of ``column`` in the newest load of ``source``
    (e.g. one price history per board the board list names), passed as ``param``."""

    source: str
    column: str
    param: str


@dataclass(frozen=True)
class RangeParams:
    start: str
    end: str
    format: str = "%Y%m%d"
    max_days: int = 3660


@dataclass(frozen=True)
class Source:
    """One registered source: an akshare function (with its parameter sets) or a curated file."""

    name: str
    title: str
    kind: Kind
    section: Section
    cadence: Cadence
    history: History
    key: tuple[str, ...]
    period: Period
    publication: Publication | None
    columns: tuple[Column, ...]
    description: str = ""
    function: str | None = None
    hosts: tuple[str, ...] = ()
    call: Call = "once"
    params: dict[str, Any] = field(default_factory=dict)
    param_sets: tuple[dict[str, Any], ...] = ()
    date_param: DateParam | None = None
    range_params: RangeParams | None = None
    param_sets_from: ParamSetsFrom | None = None
    start: date | None = None

    @property
    def host(self) -> str | None:
        """The host of the function's data (the first of ``hosts``), for messages and docs."""
        return self.hosts[0] if self.hosts else None

    @property
    def is_curated(self) -> bool:
        return self.kind == "curated"

    @property
    def column_names(self) -> list[str]:
        """Fixed column names in registry order (pattern columns excluded)."""
        return [c.name for c in self.columns if c.name is not None]

    @property
    def expected_column_count(self) -> int:
        return sum(c.count for c in self.columns)

    def column_for(self, column_name: str) -> Column | None:
        for column in self.columns:
            if column.matches(column_name):
                return column
        return None

    def series_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """The parameters that identify a series (dates and ranges of a call removed)."""
        drop = set()
        if self.date_param:
            drop.add(self.date_param.name)
        if self.range_params:
            drop |= {self.range_params.start, self.range_params.end}
        return {k: v for k, v in params.items() if k not in drop}

    def call_params(self, values: list[Any] | None = None) -> list[dict[str, Any]]:
        """The fixed parameters of each load (one dict per parameter set). A source whose parameter
        sets come from another source's landed column (``param_sets_from``) needs those ``values``."""
        if self.param_sets_from is not None:
            if values is None:
                raise RegistryError(
                    f"source {self.name}: its parameter sets are the values of {self.param_sets_from.column} in "
                    f"{self.param_sets_from.source}'s newest load (see ingestion.plans.derived_values)"
                )
            return [{**self.params, self.param_sets_from.param: value} for value in values]
        if not self.param_sets:
            return [dict(self.params)]
        return [{**self.params, **param_set} for param_set in self.param_sets]

    def schema_problems(self, columns: list[str]) -> list[str]:
        """Differences between a frame's columns and the registry, as readable sentences."""
        problems: list[str] = []
        unmatched = list(columns)
        for spec in self.columns:
            hits = [c for c in unmatched if spec.matches(c)]
            if len(hits) < spec.count:
                problems.append(f"missing column {spec.label}")
            for hit in hits[: spec.count]:
                unmatched.remove(hit)
        for extra in unmatched:
            problems.append(f"unexpected column {extra!r}")
        return problems


@dataclass(frozen=True)
class HostPolicy:
    """How politely one upstream host is called (the registry's ``hosts`` section)."""

    host: str
    min_interval_seconds: float
    reason: str


def _hosts(name: str, raw: dict[str, Any]) -> tuple[str, ...]:
    """``hosts: [a, b]`` (every host the function calls); ``host: a`` is accepted for one host."""
    if "host" in raw and "hosts" in raw:
        raise RegistryError(f"source {name}: give hosts (a list), not both host and hosts")
    value = raw.get("hosts", raw.get("host"))
    hosts = [value] if isinstance(value, str) else list(value or [])
    if not all(isinstance(h, str) and h and h == h.strip().lower() and "/" not in h for h in hosts):
        raise RegistryError(f"source {name}: hosts must be lower-case host names (no scheme or path), not {value!r}")
    if raw.get("kind") == "akshare" and not hosts:
        raise RegistryError(f"source {name}: akshare sources need hosts (every host the function calls)")
    return tuple(hosts)


def _parse_source(name: str, raw: dict[str, Any]) -> Source:
    def need(field_name: str) -> Any:
        if field_name not in raw:
            raise RegistryError(f"source {name}: field {field_name!r} is required")
        return raw[field_name]

    kind = need("kind")
    if kind not in ("akshare", "curated"):
        raise RegistryError(f"source {name}: kind must be akshare or curated, not {kind!r}")
    if kind == "akshare" and not raw.get("function"):
        raise RegistryError(f"source {name}: akshare sources need a function")
    section = need("section")
    if section not in SECTIONS:
        raise RegistryError(f"source {name}: unknown section {section!r}")
    columns = []
    for i, col in enumerate(need("columns")):
        if ("name" in col) == ("pattern" in col):
            raise RegistryError(f"source {name}: column #{i + 1} needs exactly one of name or pattern")
        if col.get("type") not in ("string", "float", "int", "date"):
            raise RegistryError(f"source {name}: column {col.get('name') or col.get('pattern')} has bad type")
        columns.append(Column(**col))
    period = Period(**need("period"))
    if sum(x is not None for x in (period.column, period.param, period.fetched)) != 1 or period.fetched is False:
        raise RegistryError(f"source {name}: period needs exactly one of column, param or fetched: true")
    if (period.format == "yyyy") != (period.grain == "year"):
        raise RegistryError(f"source {name}: a period of format yyyy has grain year (and only it)")
    if period.column is not None and period.column not in [c.name for c in columns]:
        raise RegistryError(f"source {name}: period column {period.column!r} is not a declared column")
    for key_col in need("key"):
        if key_col not in [c.name for c in columns]:
            raise RegistryError(f"source {name}: key column {key_col!r} is not a declared column")
    publication = None
    if raw.get("publication") is not None:
        pub = raw["publication"]
        publication = Publication(lag_days=int(pub["lag_days"]), at=time.fromisoformat(pub["at"]))
    call = raw.get("call", "once")
    date_param = DateParam(**raw["date_param"]) if raw.get("date_param") else None
    range_params = RangeParams(**raw["range_params"]) if raw.get("range_params") else None
    if call in ("per_date", "per_week") and date_param is None:
        raise RegistryError(f"source {name}: call {call} needs date_param")
    if call == "per_range" and range_params is None:
        raise RegistryError(f"source {name}: call per_range needs range_params")
    param_sets_from = None
    if raw.get("param_sets_from"):
        param_sets_from = ParamSetsFrom(**raw["param_sets_from"])
        if raw.get("param_sets"):
            raise RegistryError(f"source {name}: give param_sets or param_sets_from, not both")
    start = raw.get("start")
    return Source(
        name=name,
        title=need("title"),
        kind=kind,
        section=section,
        cadence=need("cadence"),
        history=need("history"),
        key=tuple(raw["key"]),
        period=period,
        publication=publication,
        columns=tuple(columns),
        description=raw.get("description", ""),
        function=raw.get("function"),
        hosts=_hosts(name, raw),
        call=call,
        params=dict(raw.get("params") or {}),
        param_sets=tuple(raw.get("param_sets") or ()),
        date_param=date_param,
        range_params=range_params,
        param_sets_from=param_sets_from,
        start=date.fromisoformat(start) if start else None,
    )


def load_registry(path: Path = REGISTRY_PATH) -> dict[str, Source]:
    """Parse and validate a registry file."""
    with open(path, encoding="utf-8") as fh:
        document = yaml.safe_load(fh)
    sources = {name: _parse_source(name, raw) for name, raw in document["sources"].items()}
    for source in sources.values():
        origin = source.param_sets_from
        if origin is None:
            continue
        if origin.source not in sources or origin.column not in sources[origin.source].column_names:
            raise RegistryError(
                f"source {source.name}: param_sets_from names {origin.source}.{origin.column}, which is not a "
                "registered source's column"
            )
    return sources


def load_host_policies(path: Path = REGISTRY_PATH) -> dict[str, HostPolicy]:
    """The registry's ``hosts`` section: per-host minimum intervals, each for a host a source calls."""
    with open(path, encoding="utf-8") as fh:
        document = yaml.safe_load(fh)
    called = {host for source in load_registry(path).values() for host in source.hosts}
    policies: dict[str, HostPolicy] = {}
    for host, raw in (document.get("hosts") or {}).items():
        if host not in called:
            raise RegistryError(f"hosts: {host} is called by no source (known hosts: {', '.join(sorted(called))})")
        try:
            interval = float(raw["min_interval_seconds"])
            reason = str(raw["reason"])
        except (KeyError, TypeError, ValueError):
            raise RegistryError(f"hosts: {host} needs min_interval_seconds (a number) and reason") from None
        if interval < 0:
            raise RegistryError(f"hosts: {host}: min_interval_seconds must not be negative")
        policies[host] = HostPolicy(host, interval, reason)
    return policies


@cache
def host_policies() -> dict[str, HostPolicy]:
    """The project's per-host policies (parsed once per process)."""
    return load_host_policies()


@cache
def registry() -> dict[str, Source]:
    """The project's registry (parsed once per process)."""
    return load_registry()


def get_source(name: str) -> Source:
    sources = registry()
    if name not in sources:
        known = ", ".join(sorted(sources))
        raise KeyError(f"unknown source {name!r}; registered sources: {known}")
    return sources[name]
