"""Where each number comes from and how much to trust it.

For every registered source: its newest period visible to the build (landing manifests with
``available_at`` <= as_of), the period it *should* have reached by the cut-off given its cadence
and publication lag, rows, the last Great Expectations check result (``quality.check_results``
in the serving database) and the akshare version of its last load. Tables that use a stale,
failed or missing source carry a warning naming it, and so do tables that use a load a person
accepted after it failed a check (``quality.load_acceptances``): the appendix names who accepted
it, when, why and which checks the acceptance overrides.
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from ground.time_zone import SHANGHAI
from ingestion.landing import Load, list_loads
from ingestion.registry import CADENCE_DAYS, SECTION_TITLES, Source, registry
from reporting.formatting import MISSING
from reporting.model import Column, SourceStatus, Table

CADENCE_CN = {"daily": "日度", "weekly": "周度", "monthly": "月度", "yearly": "年度", "irregular": "不定期"}
STATUS_CN = {"ok": "正常", "stale": "滞后", "failed": "检查未通过", "warning": "检查警告", "missing": "无数据"}
SECTION_ORDER = (
    "outlook",
    "market_review",
    "industry_cycle",
    "exports",
    "fund_flows",
    "themes",
    "valuation",
    "reference",
)
FLAGGED = ("stale", "failed", "missing")


def _last_day(month_start: date) -> date:
    return month_start.replace(day=monthrange(month_start.year, month_start.month)[1])


def expected_period(source: Source, cutoff: datetime, days: tuple[date, ...]) -> date | None:
    """The newest period the source should have published by ``cutoff`` (None: no expectation)."""
    pub = source.publication
    if pub is None or source.cadence == "irregular":
        return None
    if source.period.grain == "year":
        year = cutoff.year
        while pub.published_at(date(year, 12, 31)) > cutoff:
            year -= 1
        return date(year, 1, 1)
    if source.period.grain == "month":
        month = date(cutoff.year, cutoff.month, 1)
        for _ in range(24):
            if pub.published_at(_last_day(month)) <= cutoff:
                return month
            month = (month - timedelta(days=1)).replace(day=1)
        return None
    if source.cadence == "monthly":
        # a monthly series dated by its release day: one release in the last month and its lag
        day = cutoff.date()
        while pub.published_at(day) > cutoff:
            day -= timedelta(days=1)
        return day - timedelta(days=CADENCE_DAYS["monthly"])
    if source.cadence == "weekly":
        day = cutoff.date()
        while pub.published_at(day) > cutoff:
            day -= timedelta(days=1)
        return day - timedelta(days=(day.weekday() - 4) % 7)  # the Friday on or before
    candidates = [d for d in days if d <= cutoff.date() and pub.published_at(d) <= cutoff]
    if source.period.grain == "week" and candidates:
        # the last trading day of the newest fully published ISO week
        year, week, _ = candidates[-1].isocalendar()
        same = [d for d in candidates if d.isocalendar()[:2] == (year, week)]
        return same[-1]
    return candidates[-1] if candidates else None


def _behind(source: Source, latest: date, expected: date, days: tuple[date, ...]) -> int:
    """How many periods ``latest`` lags ``expected`` (0 = up to date)."""
    if latest >= expected:
        return 0
    if source.period.grain == "year":
        return expected.year - latest.year
    if source.period.grain == "month":
        return (expected.year - latest.year) * 12 + expected.month - latest.month
    if source.cadence == "monthly":
        return 1
    if source.cadence == "weekly":
        return max(1, (expected - latest).days // 7)
    return sum(1 for d in days if latest < d <= expected) or 1


def visible_loads(as_of: datetime, root: Any = None) -> dict[str, list[Load]]:
    grouped: dict[str, list[Load]] = defaultdict(list)
    for load in list_loads(root):
        if load.available_at_dt <= as_of:
            grouped[load.source].append(load)
    return grouped


def _latest_period(source: Source, loads: list[Load]) -> str | None:
    if source.history == "append":
        return max((ld.period_max for ld in loads if ld.period_max), default=None)
    newest: dict[str, Load] = {}
    for load in loads:
        newest[load.params_key] = load
    return min((ld.period_max for ld in newest.values() if ld.period_max), default=None)


def _rows(source: Source, loads: list[Load]) -> int:
    if source.history == "append":
        return sum(ld.rows for ld in loads)
    newest: dict[str, Load] = {}
    for load in loads:
        newest[load.params_key] = load
    return sum(ld.rows for ld in newest.values())


def _check_text(check: dict[str, Any] | None) -> tuple[str, str]:
    if not check:
        return "未检查", ""
    if not check.get("passed"):
        verdict = "未通过"
    elif str(check.get("severity") or "").upper().startswith("WARN"):
        verdict = "警告"
    else:
        verdict = "通过"
    summary = str(check.get("summary") or "").splitlines()
    # the failing rows stay in quality.check_results and the Dagster UI; the appendix names the rule
    items = [line.lstrip("- ").strip().split("; ", 1)[0] for line in summary[1:3]]
    detail = "；".join(item if len(item) <= 160 else item[:159] + "…" for item in items)
    return verdict, detail


def source_statuses(
    *,
    as_of: datetime,
    cutoff: datetime,
    days: tuple[date, ...],
    checks: dict[str, dict[str, Any]],
    acceptances: list[dict[str, Any]] | None = None,
) -> list[SourceStatus]:
    """One status per registered source, in the note's section order."""
    loads_by_source = visible_loads(as_of)
    accepted: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for acceptance in acceptances or []:
        visible = {ld.load_id: ld for ld in loads_by_source.get(acceptance["source"], [])}
        if acceptance["load_id"] in visible:
            load = visible[acceptance["load_id"]]
            accepted[acceptance["source"]].append({**acceptance, "file": load.file_name, "rows": load.rows})
    out: list[SourceStatus] = []
    for name, source in registry().items():
        loads = loads_by_source.get(name, [])
        latest = _latest_period(source, loads)
        expected = expected_period(source, cutoff, days)
        fresh: bool | None = None
        if expected is not None and latest is not None:
            fresh = _behind(source, date.fromisoformat(latest), expected, days) == 0
        check_verdict, check_detail = _check_text(checks.get(name))
        if not loads:
            status = "missing"
        elif check_verdict == "未通过":
            status = "failed"
        elif fresh is False:
            status = "stale"
        elif check_verdict == "警告":
            status = "warning"
        else:
            status = "ok"
        last = loads[-1] if loads else None
        expected_text = None
        if expected is not None:
            if source.period.grain == "year":
                expected_text = str(expected.year)
            elif source.period.grain == "month":
                expected_text = expected.strftime("%Y-%m")
            elif source.cadence == "monthly":
                expected_text = f"≥ {expected.isoformat()}"
            else:
                expected_text = expected.isoformat()
        latest_text = latest[: {"month": 7, "year": 4}.get(source.period.grain, 10)] if latest else latest
        out.append(
            SourceStatus(
                source=name,
                title=source.title,
                kind=source.kind,
                section=source.section,
                cadence=source.cadence,
                latest_period=latest_text,
                expected_period=expected_text,
                fresh=fresh,
                status=status,
                rows=_rows(source, loads) if loads else None,
                last_available_at=last.available_at if last else None,
                check=check_verdict,
                check_summary=check_detail,
                akshare_version=next((ld.akshare_version for ld in reversed(loads) if ld.akshare_version), None),
                demo=any(ld.demo for ld in loads),
                accepted=accepted.get(name, []),
            )
        )
    out.sort(key=lambda s: (SECTION_ORDER.index(s.section) if s.section in SECTION_ORDER else 99, s.source))
    return out


def _freshness_text(s: SourceStatus) -> str:
    if s.status == "missing":
        return "无数据"
    if s.fresh is None:
        return "不适用"
    return "及时" if s.fresh else "滞后"


def _accepted_overrides(acceptance: dict[str, Any]) -> str:
    return "、".join(dict.fromkeys(str(o.get("check")) for o in acceptance.get("overrides") or [])) or "质量检查"


def acceptance_note(s: SourceStatus, acceptance: dict[str, Any]) -> str:
    """「人工放行：…」 one accepted load of the appendix: which, what it overrides, who, when, why."""
    moment = datetime.fromisoformat(str(acceptance["accepted_at"])).astimezone(SHANGHAI)
    origin = "，".join(
        x for x in (acceptance.get("file"), f"{acceptance['rows']} 行" if "rows" in acceptance else None) if x
    )
    return (
        f"人工放行：{s.title}（{s.source}）入库 {acceptance['load_id']}"
        + (f"（{origin}）" if origin else "")
        + f"未通过 {_accepted_overrides(acceptance)}，由 {acceptance['accepted_by']} 于 {moment:%Y-%m-%d %H:%M} 复核后放行，"
        f"理由：「{acceptance['reason']}」（检查套件版本 {str(acceptance['suite_hash'])[:12]}；记录见 quality.load_acceptances）。"
    )


def appendix_table(statuses: list[SourceStatus]) -> Table:
    rows = []
    for s in statuses:
        available = s.last_available_at
        if available:
            moment = datetime.fromisoformat(available)
            available = moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        rows.append(
            {
                "section": SECTION_TITLES.get(s.section, s.section),
                "source": s.source,
                "title": s.title,
                "kind": "akshare" if s.kind == "akshare" else "人工整理",
                "cadence": CADENCE_CN.get(s.cadence, s.cadence),
                "latest": s.latest_period or MISSING,
                "expected": s.expected_period or MISSING,
                "fresh": _freshness_text(s),
                "rows": s.rows,
                "available": available or MISSING,
                "check": s.check
                + (f"（{s.check_summary}）" if s.check_summary and s.check != "通过" else "")
                + (f"（含人工放行入库 {len(s.accepted)} 次）" if s.accepted else ""),
                "akshare": s.akshare_version or MISSING,
                "demo": "是" if s.demo else "否",
                "_status": s.status,
            }
        )
    columns = [
        Column("section", "板块", "text"),
        Column("source", "数据源", "text"),
        Column("title", "名称", "text"),
        Column("kind", "类型", "text"),
        Column("cadence", "频率", "text"),
        Column("latest", "最新数据期", "text"),
        Column("expected", "应达数据期", "text"),
        Column("fresh", "新鲜度", "text"),
        Column("rows", "行数", "int"),
        Column("available", "最近入库", "text"),
        Column("check", "最近检查", "text"),
        Column("akshare", "akshare版本", "text"),
        Column("demo", "演示数据", "text"),
    ]
    return Table(
        key="appendix_sources",
        title="附录：数据源、新鲜度与质量检查",
        columns=columns,
        rows=rows,
        source="来源：落地区清单（landing manifests）与 quality.check_results",
        as_of="",
        notes=[
            "最新数据期：截至报告时点可见的各次入库中最新的数据期；应达数据期：按数据源的更新频率与发布时滞，"
            "截至报告时点应已发布的最新数据期；两者不符即为「滞后」。",
            *(acceptance_note(s, a) for s in statuses for a in s.accepted),
        ],
    )


def flag_table(table: Table, statuses: dict[str, SourceStatus]) -> None:
    """Add a warning to ``table`` for each stale, failed or missing source behind it."""
    for name in table.sources:
        s = statuses.get(name)
        if s is None:
            continue
        for acceptance in s.accepted:
            table.warnings.append(
                f"数据源 {name}（{s.title}）使用了复核后人工放行的入库 {acceptance['load_id']}"
                f"（未通过 {_accepted_overrides(acceptance)}；理由：{acceptance['reason']}），详见附录。"
            )
        if s.status == "missing":
            table.warnings.append(f"数据源 {name}（{s.title}）截至报告时点无可用数据。")
        elif s.status == "failed":
            detail = f"：{s.check_summary}" if s.check_summary else ""
            table.warnings.append(f"数据源 {name}（{s.title}）最近一次质量检查未通过{detail}。")
        elif s.status == "stale":
            table.warnings.append(
                f"数据源 {name}（{s.title}）数据滞后：最新数据期为 {s.latest_period}，"
                f"按{CADENCE_CN.get(s.cadence, s.cadence)}更新应达 {s.expected_period}。"
            )
