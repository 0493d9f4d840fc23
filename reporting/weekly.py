"""Render the weekly summary (周度策略数据摘要) of one week from the published marts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.calendar import Week, get_week
from warehouse.database import serving
from warehouse.settings import paths


@dataclass(frozen=True)
class ReportFiles:
    week: str
    folder: Path
    markdown: Path

    @property
    def files(self) -> list[Path]:
        return [self.markdown]


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _exports_section(con: duckdb.DuckDBPyConnection, week: Week, cutoff: datetime) -> list[str]:
    latest = con.execute(
        "select max(month) from marts.mart_exports_monthly where dimension = 'total' and published_at <= ?", [cutoff]
    ).fetchone()[0]
    lines = ["## 出口", ""]
    if latest is None:
        return lines + ["（截至本周无已公布的海关数据）", ""]
    rows = con.execute(
        "select member_name, value_usd_100m, yoy_pct, yoy_pct_prev from marts.mart_exports_monthly "
        "where dimension = 'total' and month = ? order by case member when 'exports' then 1 when 'imports' then 2 else 3 end",
        [latest],
    ).fetchall()
    lines += [
        f"{latest:%Y年%m月}海关进出口（来源：macro_china_hgjck，亿美元）",
        "",
        "| 项目 | 金额(亿美元) | 同比(%) | 前值(%) |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {name} | {_fmt(v, 1)} | {_fmt(y)} | {_fmt(p)} |" for name, v, y, p in rows]
    return lines + [""]


def render_weekly_summary(week_id: str, *, as_of: datetime, out_root: Path | None = None) -> ReportFiles:
    week = get_week(week_id)
    cutoff = min(as_of, week.report_moment)
    folder = (out_root or paths().reports) / week_id
    folder.mkdir(parents=True, exist_ok=True)
    with serving() as con:
        demo = con.execute("select bool_or(is_demo) from marts.mart_exports_monthly").fetchone()[0]
        lines = [f"# 周度策略数据摘要 {week_id}（{week.start:%Y-%m-%d} 至 {week.end:%Y-%m-%d}）", ""]
        if demo:
            lines += ["> **演示数据**：本报告基于内置演示快照，除 report_spec 所列公布值外均为合成数据。", ""]
        lines += _exports_section(con, week, cutoff)
    markdown = folder / "summary.md"
    markdown.write_text("\n".join(lines), encoding="utf-8")
    return ReportFiles(week_id, folder, markdown)
