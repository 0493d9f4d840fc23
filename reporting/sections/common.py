"""What every section builder shares: the :class:`Context` of a report (marts, week, cut-off) and
the helpers that order rows, name sources and write the as-of line under a table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ground.calendar import Week
from ground.time_zone import SHANGHAI
from reporting import sentences
from reporting.formatting import month_full, num
from reporting.model import Column
from reporting.queries import Marts, Row

RANK_N = 5


@dataclass(frozen=True)
class Context:
    marts: Marts
    week: Week
    cutoff: datetime

    @property
    def week_id(self) -> str:
        return self.week.week_id


def ordered(rows: Iterable[Row], order: Iterable[str], key: str = "code") -> list[Row]:
    """Rows in a preferred code order; unknown codes after, in their own order."""
    rank = {code: i for i, code in enumerate(order)}
    rows = list(rows)
    return sorted(rows, key=lambda r: (rank.get(str(r.get(key)), len(rank)), rows.index(r)))


def source_names(rows: Iterable[Row], *static: str) -> list[str]:
    names = list(static)
    for row in rows:
        for name in str(row.get("source_name") or "").split(","):
            name = name.strip()
            if name and name not in names:
                names.append(name)
    return names


def weekly_as_of(ctx: Context, rows: list[Row] | None = None) -> str:
    week = ctx.week
    text = f"数据截至：{week.last_trading_day.isoformat()}（{week.week_id}，{len(week.trading_days)}个交易日）"
    covered = {r.get("days_covered") for r in rows or [] if r.get("days_covered") is not None}
    partial = sorted(d for d in covered if 0 < d < len(week.trading_days))
    if partial:
        text += f"；部分指标仅覆盖前{partial[0]}个交易日（发布时滞）"
    empty = [str(r.get("name")) for r in rows or [] if r.get("days_covered") == 0]
    if empty:
        text += f"；{'、'.join(empty)}本周无数据"
    return text


def days_text(row: Row) -> str:
    """覆盖交易日: ``4/5``, or 「本周无数据」 and the source(s) with nothing for the week."""
    if row.get("days_covered") == 0:
        return f"本周无数据（{row.get('source_name') or '来源未知'}）"
    return f"{row.get('days_covered')}/{row.get('trading_days')}"


# a weekly flow table (fund-flow summary, Stock Connect): one row per flow, this week against the last
FLOW_COLUMNS = (
    Column("name", "项目", "text"),
    Column("unit", "单位", "text"),
    Column("value", "本周", "signed", 1, colour=True),
    Column("prev_value", "上周", "signed", 1, colour=True),
    Column("change", "变化", "signed", 1),
    Column("days_text", "覆盖交易日", "text"),
)


def weekly_flow_rows(rows: list[Row]) -> list[Row]:
    """Rows of ``mart_fund_flows_weekly`` with the trading days they cover as text."""
    return [{**r, "days_text": days_text(r)} for r in rows]


def shanghai_day(moment: Any) -> str:
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(SHANGHAI)
        return moment.date().isoformat()
    return str(moment)[:10] if moment else "—"


def monthly_as_of(month: date | None, rows: list[Row]) -> str:
    if month is None:
        return "数据期：截至报告时点无已公布数据"
    published = [r["published_at"] for r in rows if r.get("published_at") is not None]
    text = f"数据期：{month_full(month)}"
    if published:
        text += f"（{shanghai_day(max(published))} 公布）"
    return text


def disagreement_warnings(rows: list[Row]) -> list[str]:
    """A warning per published yoy (monthly 同比, cumulative 累计同比) more than 0.5 pp from the computed one."""
    out = []
    for r in rows:
        for flag, label, prefix in (
            ("yoy_disagrees", "同比", "yoy_pct"),
            ("ytd_yoy_disagrees", "累计同比", "ytd_yoy_pct"),
        ):
            if r.get(flag):
                out.append(
                    f"{r.get('name')}：公布{label} {num(r.get(f'{prefix}_published'))}% 与按入库数据计算的{label} "
                    f"{num(r.get(f'{prefix}_computed'))}% 相差超过0.5个百分点。"
                )
    return out


def missing_text(mart: str, marts: Marts) -> str:
    return f"（数据暂缺：marts.{mart} 未发布）" if not marts.has(mart) else "（本期无数据）"


def ranked_rows(rows: list[Row], key: str, n: int, top_label: str, bottom_label: str) -> list[Row]:
    """Top n and bottom n rows (without overlap), each tagged with its group and rank."""
    best = sentences.top(rows, key, n)
    worst = [r for r in sentences.bottom(rows, key, n) if r not in best]
    total = len([r for r in rows if r.get(key) is not None])
    out = [{**r, "group": top_label, "rank": i + 1} for i, r in enumerate(best)]
    out += [{**r, "group": bottom_label, "rank": total - i} for i, r in enumerate(worst)]
    return out


def leader_rows(rows: list[Row], n: int, top_label: str, bottom_label: str) -> list[Row]:
    """The n largest net buyers (rank_desc) and the n largest net sellers (rank_asc) of a leaders mart,
    each tagged with its group and rank; a stock whose flow has the other sign is not listed."""
    buyers = sorted(
        (r for r in rows if (r.get("rank_desc") or n + 1) <= n and (r.get("value") or 0) > 0),
        key=lambda r: r["rank_desc"],
    )
    sellers = sorted(
        (r for r in rows if (r.get("rank_asc") or n + 1) <= n and (r.get("value") or 0) < 0),
        key=lambda r: r["rank_asc"],
    )
    return [{**r, "group": top_label, "rank": r["rank_desc"]} for r in buyers] + [
        {**r, "group": bottom_label, "rank": r["rank_asc"]} for r in sellers
    ]
