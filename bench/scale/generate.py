"""Synthetic per-stock landing loads at scale, in the sources' real raw shapes.

Writes, through the real landing path (:func:`ingestion.landing.land_frame`: one Parquet file and
one manifest per load, fsynced and made read-only):

- ``tool_trade_date_hist_sina``   one load: the trading calendar (weekdays minus holidays)
- ``stock_industry_clf_hist_sw``  one full_reload load per quarter: the classification history known then
- ``stock_margin_detail_sse``     one load per trading day (SSE stocks), published D+1 09:00
- ``stock_margin_detail_szse``    one load per trading day (SZSE stocks, date only in the call parameter)
- ``stock_hsgt_hold_stock_em``    one snapshot per trading day (northbound holdings), published D 18:00
- ``stock_ggcg_em``               one snapshot per week (records announced in the last 28 days), fetched
                                   Friday 20:30, so each record appears in up to four loads with
                                   different prices (the first-seen price matters)

Everything is deterministic in (stocks, years, end, seed): a phase ``base`` writes every day up
to the second-to-last week, the phase ``new`` the last week only, so "one new week landed on top
of a built warehouse" lands exactly the loads a full generation would have.

Edge cases the contenders must agree on: stocks listed during the period, suspensions (missing
rows), reclassified stocks (point-in-time membership), unclassified stocks (left out), missing
net-buy estimates (null), holiday weeks without trading days, records seen by several snapshots.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

SHENWAN_L1 = [
    "11",
    "22",
    "23",
    "24",
    "27",
    "28",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "45",
    "46",
    "48",
    "49",
    "51",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "72",
    "73",
    "74",
    "75",
    "76",
    "77",
]
EM_BOARDS = (
    "电子元件",
    "半导体",
    "酿酒行业",
    "银行",
    "证券",
    "医疗器械",
    "光伏设备",
    "汽车整车",
    "化学制品",
    "软件开发",
)
# lunar new year's day; the exchange closes from the day before for a week
LUNAR_NEW_YEAR = {
    2010: date(2010, 2, 14),
    2011: date(2011, 2, 3),
    2012: date(2012, 1, 23),
    2013: date(2013, 2, 10),
    2014: date(2014, 1, 31),
    2015: date(2015, 2, 19),
    2016: date(2016, 2, 8),
    2017: date(2017, 1, 28),
    2018: date(2018, 2, 16),
    2019: date(2019, 2, 5),
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
}
DAILY_SOURCES = ("stock_margin_detail_sse", "stock_margin_detail_szse", "stock_hsgt_hold_stock_em")
SMALL_SOURCES = ("tool_trade_date_hist_sina", "stock_industry_clf_hist_sw", "stock_ggcg_em")
SOURCES = (*DAILY_SOURCES, *SMALL_SOURCES)
GGCG_WINDOW_DAYS = 28


def holidays(year: int) -> set[date]:
    days = {date(year, 1, 1), date(year, 4, 5), *(date(year, 5, d) for d in (1, 2, 3))}
    days |= {date(year, 10, d) for d in range(1, 8)}
    new_year = LUNAR_NEW_YEAR.get(year)
    if new_year:
        days |= {new_year + timedelta(days=k) for k in range(-1, 6)}
    return days


def trading_calendar(start: date, end: date) -> list[date]:
    """Weekdays minus the main SSE holidays (New Year, Spring Festival, Qingming, May Day, National Day)."""
    out, day = [], start
    closed: dict[int, set[date]] = {}
    while day <= end:
        if day.weekday() < 5 and day not in closed.setdefault(day.year, holidays(day.year)):
            out.append(day)
        day += timedelta(days=1)
    return out


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class ScaleSpec:
    """What to generate. ``days`` (if set) overrides ``years``: the calendar is the last N trading days."""

    stocks: int = 5000
    years: float = 10.0
    end: date = date(2024, 12, 27)
    days: int | None = None
    seed: int = 20230414
    records_per_day: float | None = None  # shareholder-change records announced per trading day (default stocks/150)

    def to_json(self) -> dict:
        data = asdict(self)
        data["end"] = self.end.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict) -> ScaleSpec:
        data = dict(data)
        data["end"] = date.fromisoformat(data["end"])
        return cls(**data)


class Universe:
    """The deterministic synthetic market: calendar, stocks, prices, holdings, classifications."""

    def __init__(self, spec: ScaleSpec) -> None:
        self.spec = spec
        if spec.days:
            candidates = trading_calendar(spec.end - timedelta(days=spec.days * 2 + 30), spec.end)
            self.days = candidates[-spec.days :]
        else:
            self.days = trading_calendar(spec.end - timedelta(days=round(spec.years * 365.25)), spec.end)
        self.n = spec.stocks
        g = self.rng("stocks")
        n_sse = round(self.n * 0.45)
        sse = [f"{600000 + k:06d}" if k < 3000 else f"{688000 + k - 3000:06d}" for k in range(n_sse)]
        n_szse = self.n - n_sse
        szse = [f"{1 + k:06d}" if k < n_szse // 2 else f"{300001 + k - n_szse // 2:06d}" for k in range(n_szse)]
        self.codes = np.array(sse + szse, dtype=object)
        self.names = np.array([f"股票{k:04d}" for k in range(self.n)], dtype=object)
        self.is_sse = np.arange(self.n) < n_sse
        # 75 % listed before the period, the rest list during it
        listed = g.integers(0, len(self.days), self.n)
        listed[g.random(self.n) < 0.75] = 0
        self.listed_idx = listed
        self.board = np.array(EM_BOARDS, dtype=object)[g.integers(0, len(EM_BOARDS), self.n)]
        self.total_shares_10k = np.round(g.lognormal(np.log(50_000), 1.0, self.n), 2)  # 万股
        self.float_ratio = g.uniform(0.3, 1.0, self.n)

    def rng(self, *tags: object) -> np.random.Generator:
        text = "|".join(str(t) for t in (self.spec.seed, *tags))
        return np.random.default_rng(int.from_bytes(text.encode(), "little") % (2**63))

    @cached_property
    def prices(self) -> np.ndarray:
        """Close prices, days x stocks (元)."""
        g = self.rng("prices")
        start = g.lognormal(np.log(15), 0.8, self.n)
        steps = g.normal(0.0, 0.02, (len(self.days), self.n)).astype(np.float64)
        steps[0] = 0.0
        return np.round(start * np.exp(np.cumsum(steps, axis=0)), 2)

    @cached_property
    def classification(self) -> pd.DataFrame:
        """The full Shenwan history: symbol, start_date, industry_code (level 3), update_time."""
        g = self.rng("classification")
        first_day = self.days[0]
        rows = []
        for k in range(self.n):
            if g.random() < 0.01:  # never classified: left out of the by-industry flows
                continue
            listed = self.days[self.listed_idx[k]]
            start = first_day - timedelta(days=int(g.integers(30, 3000))) if self.listed_idx[k] == 0 else listed
            codes = [self._l3(g)]
            starts = [start]
            changes = (1 if g.random() < 0.10 else 0) + (1 if g.random() < 0.02 else 0)
            lo = int(self.listed_idx[k]) + 1
            if changes and lo < len(self.days):
                for pick in sorted({int(x) for x in g.integers(lo, len(self.days), changes)}):
                    starts.append(self.days[pick])
                    codes.append(self._l3(g))
            for s, c in zip(starts, codes, strict=True):
                rows.append((self.codes[k], s, c, s + timedelta(days=int(g.integers(0, 3)))))
        frame = pd.DataFrame(rows, columns=["symbol", "start_date", "industry_code", "update_time"])
        return frame.sort_values(["symbol", "start_date"]).reset_index(drop=True)

    @staticmethod
    def _l3(g: np.random.Generator) -> str:
        return (
            f"{SHENWAN_L1[int(g.integers(0, len(SHENWAN_L1)))]}{int(g.integers(1, 4)):02d}{int(g.integers(1, 6)):02d}"
        )

    def listed_on(self, i: int) -> np.ndarray:
        return self.listed_idx <= i

    # ------------------------------------------------------------------ phases
    def weeks(self) -> list[str]:
        seen: list[str] = []
        for day in self.days:
            week = iso_week(day)
            if not seen or seen[-1] != week:
                seen.append(week)
        return seen

    @property
    def new_week(self) -> str:
        return self.weeks()[-1]

    @property
    def base_week(self) -> str:
        return self.weeks()[-2]

    def phase_days(self, phase: str) -> tuple[date, date]:
        """First and last calendar day whose loads a phase writes (base: all but the last week)."""
        new_start = next(d for d in self.days if iso_week(d) == self.new_week)
        if phase == "base":
            return date(1900, 1, 1), new_start - timedelta(days=1)
        if phase == "new":
            return new_start, date(2999, 12, 31)
        if phase == "all":
            return date(1900, 1, 1), date(2999, 12, 31)
        raise ValueError(phase)


# ---------------------------------------------------------------------- frames in raw shapes
def ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def shanghai(day: date, hh: int, mm: int) -> datetime:
    from ground.time_zone import SHANGHAI

    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=SHANGHAI)


def margin_loads(u: Universe, exchange: str, first: date, last: date):
    """(day, frame) for every trading day in [first, last], SSE or SZSE raw shape."""
    g = u.rng("margin", exchange)
    members = np.flatnonzero(u.is_sse if exchange == "SSE" else ~u.is_sse)
    balance = np.round(g.lognormal(np.log(3e8), 1.0, len(members)), 0)
    short = np.round(g.lognormal(np.log(2e5), 1.2, len(members)), 0)
    for i, day in enumerate(u.days):
        step = g.normal(0.0, 0.02, len(members))
        missing = g.random(len(members)) < 0.01  # suspended: no row that day
        new_balance = np.round(balance * np.exp(step), 0)
        buy = np.round(np.abs(new_balance - balance) + balance * g.uniform(0.01, 0.08, len(members)), 0)
        repay = buy - (new_balance - balance)
        new_short = np.round(short * np.exp(g.normal(0.0, 0.05, len(members))), 0)
        short_sell = np.round(np.abs(new_short - short) + short * 0.05, 0)
        balance, short_prev, short = new_balance, short, new_short
        if not (first <= day <= last):
            continue
        rows = u.listed_on(i)[members] & ~missing
        idx = members[rows]
        if exchange == "SSE":
            frame = pd.DataFrame(
                {
                    "信用交易日期": ymd(day),
                    "标的证券代码": u.codes[idx],
                    "标的证券简称": u.names[idx],
                    "融资余额": balance[rows],
                    "融资买入额": buy[rows],
                    "融资偿还额": repay[rows],
                    "融券余量": short[rows],
                    "融券卖出量": short_sell[rows],
                    "融券偿还量": np.maximum(short_prev[rows] + short_sell[rows] - short[rows], 0.0),
                }
            )
        else:
            lent_value = np.round(short[rows] * u.prices[i, idx], 0)
            frame = pd.DataFrame(
                {
                    "证券代码": u.codes[idx],
                    "证券简称": u.names[idx],
                    "融资买入额": buy[rows],
                    "融资余额": balance[rows],
                    "融券卖出量": short_sell[rows],
                    "融券余量": short[rows],
                    "融券余额": lent_value,
                    "融资融券余额": balance[rows] + lent_value,
                }
            )
        yield day, frame


def northbound_loads(u: Universe, first: date, last: date):
    """(day, frame) of stock_hsgt_hold_stock_em (今日排行) for every trading day in [first, last]."""
    g = u.rng("northbound")
    held = np.round(u.total_shares_10k * u.float_ratio * g.uniform(0.001, 0.08, u.n), 2)  # 万股
    float_10k = u.total_shares_10k * u.float_ratio
    for i, day in enumerate(u.days):
        added = np.round(held * g.normal(0.0, 0.015, u.n), 2)
        missing = g.random(u.n) < 0.01
        no_estimate = g.random(u.n) < 0.003
        held = np.maximum(held + added, 0.0)
        if not (first <= day <= last):
            continue
        rows = u.listed_on(i) & ~missing
        price = u.prices[i, rows]
        prev_price = u.prices[max(i - 1, 0), rows]
        h, a = held[rows], added[rows]
        value = np.round(h * price, 2)  # 万股 x 元 = 万元
        net_buy = np.round(a * price, 2)
        net_buy[no_estimate[rows]] = np.nan
        before = (h - a) * prev_price
        frame = pd.DataFrame(
            {
                "代码": u.codes[rows],
                "名称": u.names[rows],
                "今日收盘价": price,
                "今日涨跌幅": np.round((price / prev_price - 1) * 100, 2),
                "今日持股-股数": h,
                "今日持股-市值": value,
                "今日持股-占流通股比": np.round(h / float_10k[rows] * 100, 2),
                "今日持股-占总股本比": np.round(h / u.total_shares_10k[rows] * 100, 2),
                "今日增持估计-股数": a,
                "今日增持估计-市值": net_buy,
                "今日增持估计-市值增幅": np.round(
                    np.where(before > 0, (value / np.where(before > 0, before, 1) - 1) * 100, 0.0), 2
                ),
                "今日增持估计-占流通股比": np.round(a / float_10k[rows] * 1000, 2),
                "今日增持估计-占总股本比": np.round(a / u.total_shares_10k[rows] * 1000, 2),
                "所属板块": u.board[rows],
                "日期": day,
            }
        )
        frame = frame.sort_values("今日增持估计-市值", ascending=False, kind="stable", na_position="last")
        frame.insert(0, "序号", np.arange(1, len(frame) + 1, dtype="int64"))
        yield day, frame.reset_index(drop=True)


def shareholder_records(u: Universe) -> pd.DataFrame:
    """Every shareholder change record of the period (one row per record)."""
    g = u.rng("ggcg")
    per_day = u.spec.records_per_day if u.spec.records_per_day is not None else max(u.n / 150, 1.0)
    rows = []
    for i, day in enumerate(u.days):
        listed = np.flatnonzero(u.listed_on(i))
        for _ in range(int(g.poisson(per_day))):
            k = int(listed[int(g.integers(0, len(listed)))])
            end = day - timedelta(days=int(g.integers(0, 6)))
            rows.append(
                (
                    k,
                    f"股东{int(g.integers(0, 400)):03d}",
                    "增持" if g.random() < 0.35 else "减持",
                    float(np.round(g.lognormal(np.log(200), 1.3), 2)),  # 万股
                    end - timedelta(days=int(g.integers(0, 30))),
                    end,
                    day,
                    i,
                )
            )
    frame = pd.DataFrame(rows, columns=["k", "holder", "direction", "shares", "start", "end", "announced", "day_idx"])
    # one record per key, as the upstream lists it
    return frame.drop_duplicates(["k", "holder", "direction", "start", "end", "announced"]).reset_index(drop=True)


def week_last_days(u: Universe) -> list[tuple[int, date]]:
    out: dict[str, tuple[int, date]] = {}
    for i, day in enumerate(u.days):
        out[iso_week(day)] = (i, day)
    return list(out.values())


def ggcg_loads(u: Universe, first: date, last: date):
    """(fetched_at, frame) of the weekly stock_ggcg_em snapshots fetched in [first, last]."""
    records = shareholder_records(u)
    g = u.rng("ggcg_loads")
    for i, day in week_last_days(u):
        jitter = g.normal(0.0, 0.01, u.n)
        if not (first <= day <= last):
            continue
        window = records[
            (records["announced"] <= day) & (records["announced"] > day - timedelta(days=GGCG_WINDOW_DAYS))
        ]
        window = window.sort_values(["announced", "k"], ascending=[False, True])
        k = window["k"].to_numpy()
        price = np.round(u.prices[i, k] * np.exp(jitter[k]), 2)
        prev = u.prices[max(i - 1, 0), k]
        total = u.total_shares_10k[k]
        float_10k = total * u.float_ratio[k]
        shares = window["shares"].to_numpy()
        after = np.round(total * 0.05 + shares, 2)
        frame = pd.DataFrame(
            {
                "代码": u.codes[k],
                "名称": u.names[k],
                "最新价": price,
                "涨跌幅": np.round((price / prev - 1) * 100, 2),
                "股东名称": window["holder"].to_numpy(),
                "持股变动信息-增减": window["direction"].to_numpy(),
                "持股变动信息-变动数量": shares,
                "持股变动信息-占总股本比例": np.round(shares / total * 100, 2),
                "持股变动信息-占流通股比例": np.round(shares / float_10k * 100, 2),
                "变动后持股情况-持股总数": after,
                "变动后持股情况-占总股本比例": np.round(after / total * 100, 2),
                "变动后持股情况-持流通股数": np.round(np.minimum(after, float_10k), 2),
                "变动后持股情况-占流通股比例": np.round(np.minimum(after, float_10k) / float_10k * 100, 2),
                "变动开始日": window["start"].to_numpy(),
                "变动截止日": window["end"].to_numpy(),
                "公告日": window["announced"].to_numpy(),
            }
        )
        yield shanghai(day, 20, 30), frame.reset_index(drop=True)


def quarter_starts(u: Universe) -> list[date]:
    out: dict[tuple[int, int], date] = {}
    for day in u.days:
        out.setdefault((day.year, (day.month - 1) // 3), day)
    return list(out.values())


# ---------------------------------------------------------------------- landing
@dataclass
class SourceStats:
    source: str
    loads: int = 0
    rows: int = 0
    bytes: int = 0
    seconds: float = 0.0


def land_source(landing: str, spec_json: dict, source: str, phase: str) -> SourceStats:
    """Land one source's loads of a phase (runs in a worker process), recorded in the catalogue at the end."""
    from ingestion.catalogue import catalogue_of

    with catalogue_of(Path(landing)).batch():
        return _land_source(landing, spec_json, source, phase)


def _land_source(landing: str, spec_json: dict, source: str, phase: str) -> SourceStats:
    from ingestion.landing import land_frame
    from ingestion.registry import get_source

    started = time.monotonic()
    u = Universe(ScaleSpec.from_json(spec_json))
    first, last = u.phase_days(phase)
    src = get_source(source)
    root = Path(landing)
    stats = SourceStats(source)

    def land(frame: pd.DataFrame, params: dict, fetched: datetime) -> None:
        result = land_frame(src, frame, params, origin="bench", fetched_at=fetched, root=root)
        if result.created:
            stats.loads += 1
            stats.rows += len(frame)
            stats.bytes += result.load.parquet_path.stat().st_size + result.load.manifest_path.stat().st_size

    if source in ("stock_margin_detail_sse", "stock_margin_detail_szse"):
        exchange = "SSE" if source.endswith("sse") else "SZSE"
        for day, frame in margin_loads(u, exchange, first, last):
            land(frame, {"date": ymd(day)}, src.publication.published_at(day) + timedelta(minutes=5))
    elif source == "stock_hsgt_hold_stock_em":
        for day, frame in northbound_loads(u, first, last):
            land(frame, dict(src.params), src.publication.published_at(day) + timedelta(minutes=5))
    elif source == "stock_ggcg_em":
        for fetched, frame in ggcg_loads(u, first, last):
            land(frame, dict(src.params), fetched)
    elif source == "stock_industry_clf_hist_sw":
        history = u.classification
        for day in quarter_starts(u):
            if first <= day <= last:
                rows = history[history["start_date"] <= day].reset_index(drop=True)
                land(rows, {}, shanghai(day, 8, 30))
    elif source == "tool_trade_date_hist_sina":
        if first <= u.days[0]:
            land(pd.DataFrame({"trade_date": u.days}), {}, shanghai(u.days[0] - timedelta(days=3), 8, 30))
    else:
        raise ValueError(source)
    stats.seconds = time.monotonic() - started
    return stats


def generate(landing: Path, spec: ScaleSpec, phase: str = "all", workers: int = 2) -> list[SourceStats]:
    """Land every scale source of ``phase`` into ``landing`` (idempotent: unchanged loads are skipped)."""
    landing.mkdir(parents=True, exist_ok=True)
    # the big daily sources first, so the two workers stay busy
    order = ["stock_hsgt_hold_stock_em", "stock_margin_detail_szse", "stock_margin_detail_sse", *SMALL_SOURCES]
    if workers <= 1:
        return [land_source(str(landing), spec.to_json(), s, phase) for s in order]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(land_source, str(landing), spec.to_json(), s, phase) for s in order]
        return [f.result() for f in futures]


def describe(spec: ScaleSpec) -> dict:
    u = Universe(spec)
    return {
        "trading_days": len(u.days),
        "first_day": u.days[0].isoformat(),
        "last_day": u.days[-1].isoformat(),
        "weeks": len(u.weeks()),
        "base_week": u.base_week,
        "new_week": u.new_week,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("landing", type=Path)
    parser.add_argument("--stocks", type=int, default=5000)
    parser.add_argument("--years", type=float, default=10.0)
    parser.add_argument("--days", type=int, default=None)
    parser.add_argument("--phase", choices=("base", "new", "all"), default="all")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    spec = ScaleSpec(stocks=args.stocks, years=args.years, days=args.days)
    started = time.monotonic()
    stats = generate(args.landing, spec, args.phase, args.workers)
    print(json.dumps({"spec": spec.to_json(), **describe(spec), "sources": [asdict(s) for s in stats]}, indent=1))
    print(f"{time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
