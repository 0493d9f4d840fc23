"""What the three contenders share: the question, its inputs and the shape of the answer.

The question is ``mart_fund_flows_by_industry_weekly`` (docs/metrics.md § 4, by Shenwan level-1
industry) for a build of week W as of moment T:

- visible loads: ``available_at <= T``; visible rows: period published by
  ``cutoff = min(T, W's report moment)`` (registry publication lag and time, Asia/Shanghai);
  per key, the newest version (``available_at``, then ``load_id``); full_reload sources (the
  calendar, the Shenwan history) keep their newest load whole;
- weeks: ISO weeks with SSE trading days that started by the cutoff; ``prev_week_last_trading_day``
  is the last trading day of the previous week that has trading days;
- membership: the stock's Shenwan record with the latest ``start_date <= day`` (level 1 = first two
  digits + 0000); stocks without one are left out;
- northbound_net_buy: Σ 今日增持估计-市值 / 1e4 over the week's days (industry of each day),
  days_covered = days of the week with a non-null estimate;
- margin_financing_net_buy: per stock, 融资余额 on its last day in the week − on the previous week's
  last trading day (both exchanges, / 1e8; industry of the last day), days_covered = distinct days;
- shareholder_net_change: Σ ± 变动数量 × first-seen 最新价 / 1e4 of records announced in the week
  (industry of the announcement day); days_covered = trading days of the week published before
  min(cutoff, the newest load behind a visible record);
- per (week, flow, industry): value (Σ), stocks_covered (distinct stocks), days_covered,
  rank_desc (rank by value, 1 = largest).

Contenders take ``--landing``, ``--week``, ``--as-of`` and ``--scope all|week`` (every started week,
or week W only), and write the answer as Parquet with :data:`RESULT_COLUMNS`.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from ground.settings import DBT_PROJECT_DIR

SHANGHAI_OFFSET = timedelta(hours=8)
RESULT_COLUMNS = [
    "week_id",
    "flow",
    "industry_code",
    "industry_index_code",
    "industry_name",
    "value",
    "rank_desc",
    "days_covered",
    "stocks_covered",
]
FLOWS = ("northbound_net_buy", "margin_financing_net_buy", "shareholder_net_change")
# registry publication of the per-stock sources (ingestion/sources.yml): (lag_days, local time)
PUBLICATION = {
    "stock_margin_detail_sse": (1, dtime(9, 0)),
    "stock_margin_detail_szse": (1, dtime(9, 0)),
    "stock_hsgt_hold_stock_em": (0, dtime(18, 0)),
    "stock_ggcg_em": (0, dtime(20, 0)),
}
REPORT_TIME = dtime(20, 0)


def seeds_file() -> Path:
    return DBT_PROJECT_DIR / "seeds" / "shenwan_industries.csv"


def parse_moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise SystemExit(f"--as-of {text!r} needs a UTC offset")
    return moment


def shanghai_naive(moment: datetime) -> datetime:
    """A moment as naive Asia/Shanghai wall time (UTC+8, no DST)."""
    return (moment - moment.utcoffset()).replace(tzinfo=None) + SHANGHAI_OFFSET


def last_published_day(source: str, cutoff: datetime) -> date:
    """The last period day of ``source`` whose publication moment is <= cutoff.

    published_at(D) = (D + lag) at `at` Shanghai <= cutoff  <=>  D + lag <= (cutoff_local - at).date()
    """
    lag, at = PUBLICATION[source]
    local = shanghai_naive(cutoff) - timedelta(hours=at.hour, minutes=at.minute)
    return local.date() - timedelta(days=lag)


def iso_week_id(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Week:
    week_id: str
    week_start: date
    week_end: date
    trading_days: tuple[date, ...]
    prev_week_last_trading_day: date | None

    @property
    def report_moment_local(self) -> datetime:
        return datetime.combine(self.trading_days[-1], REPORT_TIME)


def calendar_weeks(trading_days: list[date]) -> list[Week]:
    grouped: dict[str, list[date]] = {}
    for day in sorted(set(trading_days)):
        grouped.setdefault(iso_week_id(day), []).append(day)
    weeks, prev = [], None
    for week_id, days in grouped.items():
        start = days[0] - timedelta(days=days[0].weekday())
        weeks.append(Week(week_id, start, start + timedelta(days=6), tuple(days), prev))
        prev = days[-1]
    return weeks


def cutoff_for(weeks: list[Week], week_id: str, as_of: datetime) -> datetime:
    """min(as_of, the week's report moment) as an aware moment."""
    week = next((w for w in weeks if w.week_id == week_id), None)
    if week is None:
        raise SystemExit(f"{week_id} has no trading day in the landed calendar")
    report = week.report_moment_local - SHANGHAI_OFFSET  # naive UTC
    as_of_utc = (as_of - as_of.utcoffset()).replace(tzinfo=None)
    from datetime import UTC

    return min(report, as_of_utc).replace(tzinfo=UTC)


def started_weeks(weeks: list[Week], cutoff: datetime) -> list[Week]:
    today = shanghai_naive(cutoff).date()
    return [w for w in weeks if w.week_start <= today]


@dataclass(frozen=True)
class Manifest:
    load_id: str
    path: str
    available_at: datetime
    params: dict
    period_min: date | None
    period_max: date | None


def read_manifests(landing: Path, source: str) -> list[Manifest]:
    """Every complete load of ``source`` (manifest and Parquet file present), oldest first."""
    out = []
    folder = landing / source
    if not folder.exists():
        return out
    for path in folder.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        parquet = path.with_suffix(".parquet")
        out.append(
            Manifest(
                load_id=data["load_id"],
                path=str(parquet),
                available_at=datetime.fromisoformat(data["available_at"]),
                params=data.get("params") or {},
                period_min=date.fromisoformat(data["period_min"]) if data.get("period_min") else None,
                period_max=date.fromisoformat(data["period_max"]) if data.get("period_max") else None,
            )
        )
    out.sort(key=lambda m: (m.available_at, m.load_id))
    return out


def visible_loads(landing: Path, source: str, as_of: datetime) -> list[Manifest]:
    return [m for m in read_manifests(landing, source) if m.available_at <= as_of]


def contender_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--week", required=True, help="the build's week, e.g. 2024-W52")
    parser.add_argument("--as-of", required=True, help="the build's as-of moment (ISO 8601 with offset)")
    parser.add_argument("--scope", choices=("all", "week"), default="all")
    parser.add_argument("--out", type=Path, required=True, help="Parquet file for the answer")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--always-dedup", action="store_true", help="(floor) dedup every load, even without overlaps")
    return parser.parse_args()


class Timer:
    """Named phases of a contender, written beside the answer as JSON."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.last = self.started
        self.phases: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.phases[name] = round(now - self.last, 3)
        self.last = now

    def dump(self, out: Path, **extra: object) -> None:
        data = {"phases": self.phases, "total": round(time.monotonic() - self.started, 3), **extra}
        out.with_suffix(".json").write_text(json.dumps(data, indent=1))
