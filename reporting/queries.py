"""Read-only SQL against the published serving database: the only place the report touches it.

Every function returns plain rows (dicts). Each row also gets ``code`` and ``name`` (the mart's
code and Chinese label columns) so the table and sentence builders can treat marts alike.
Weekly marts are read for one ``week_id``; monthly marts for the latest month whose
``published_at`` is not after the cut-off, min(as_of, the week's report moment).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb

from expectations.store import ACCEPTANCES_IN_FORCE_SQL, acceptance_from_row

Row = dict[str, Any]

# (code column, name column) of each mart
LABELS: dict[str, tuple[str, str]] = {
    "mart_market_weekly": ("index_code", "index_name"),
    "mart_industry_returns_weekly": ("industry_code", "industry_name"),
    "mart_turnover_weekly": ("week_id", "week_id"),
    "mart_exports_monthly": ("member", "member_name"),
    "mart_industry_cycle_monthly": ("indicator", "indicator_name"),
    "mart_paper_prices_weekly": ("product", "product_name"),
    "mart_fund_flows_weekly": ("flow", "flow_name"),
    "mart_fund_flows_by_industry_weekly": ("industry_code", "industry_name"),
    "mart_etf_flows_weekly": ("etf_group", "group_name"),
    "mart_valuation_weekly": ("scope_code", "scope_name"),
    "mart_theme_returns_weekly": ("board_code", "board_name"),
    "mart_stock_flow_leaders_weekly": ("stock_code", "stock_name"),
    "mart_macro_backdrop_weekly": ("indicator", "indicator_name"),
    "mart_trade_structure_yearly": ("partner", "partner_name"),
}
MARTS = tuple(LABELS)


def _where(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for column, value in filters.items():
        if isinstance(value, (list, tuple)):
            clauses.append(f'"{column}" in ({", ".join("?" for _ in value)})')
            params.extend(value)
        else:
            clauses.append(f'"{column}" = ?')
            params.append(value)
    return (" and ".join(clauses) or "true"), params


@dataclass
class Marts:
    """The marts of one serving database, seen from one week and cut-off."""

    con: duckdb.DuckDBPyConnection
    week_id: str
    cutoff: datetime
    _tables: set[tuple[str, str]] = field(default_factory=set)
    _columns: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._tables = {
            (s, t) for s, t in self.con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
        } | {(s, v) for s, v in self.con.execute("select schema_name, view_name from duckdb_views()").fetchall()}

    # ------------------------------------------------------------------ plumbing
    def has(self, mart: str, schema: str = "marts") -> bool:
        return (schema, mart) in self._tables

    def columns(self, mart: str, schema: str = "marts") -> set[str]:
        key = f"{schema}.{mart}"
        if key not in self._columns:
            rows = self.con.execute(
                "select column_name from duckdb_columns() where schema_name = ? and table_name = ?", [schema, mart]
            ).fetchall()
            self._columns[key] = {r[0] for r in rows}
        return self._columns[key]

    def fetch(self, sql: str, params: list[Any] | None = None) -> list[Row]:
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _select(self, mart: str, where: str, params: list[Any], order: str = "") -> list[Row]:
        if not self.has(mart):
            return []
        code, name = LABELS[mart]
        sql = f'select *, "{code}" as code, "{name}" as name from marts.{mart} where {where}'
        if order:
            sql += f" order by {order}"
        return self.fetch(sql, params)

    # ------------------------------------------------------------------ weekly marts
    def weekly(self, mart: str, week_id: str | None = None, order: str = "", **filters: Any) -> list[Row]:
        where, params = _where({"week_id": week_id or self.week_id, **filters})
        return self._select(mart, where, params, order)

    def weekly_history(self, mart: str, weeks: int, order: str = "week_id", **filters: Any) -> list[Row]:
        """Rows of the last ``weeks`` weeks up to and including the report's week."""
        if not self.has(mart):
            return []
        where, params = _where(filters)
        recent = self.fetch(
            f"select distinct week_id from marts.{mart} where week_id <= ? and {where} order by week_id desc limit ?",
            [self.week_id, *params, weeks],
        )
        if not recent:
            return []
        ids = [r["week_id"] for r in recent]
        where2, params2 = _where({"week_id": ids, **filters})
        return self._select(mart, where2, params2, order)

    # ------------------------------------------------------------------ monthly marts
    def latest_month(self, mart: str, **filters: Any) -> date | None:
        """The latest month published by the cut-off."""
        if not self.has(mart):
            return None
        where, params = _where(filters)
        row = self.con.execute(
            f"select max(month) from marts.{mart} where published_at <= ? and {where}", [self.cutoff, *params]
        ).fetchone()
        return row[0] if row else None

    def monthly(self, mart: str, month: date | None, order: str = "", **filters: Any) -> list[Row]:
        if month is None:
            return []
        where, params = _where({"month": month, **filters})
        return self._select(mart, where, params, order)

    def monthly_history(self, mart: str, months: int, order: str = "month", **filters: Any) -> list[Row]:
        """The last ``months`` months published by the cut-off."""
        latest = self.latest_month(mart, **filters)
        if latest is None:
            return []
        where, params = _where(filters)
        first = _add_months(latest, -(months - 1))
        return self._select(mart, f"month between ? and ? and {where}", [first, latest, *params], order)

    # ------------------------------------------------------------------ yearly structure
    def trade_structure(self) -> tuple[Row | None, list[Row]]:
        """The newest multi-year window with a base that is published by the cut-off (its period row
        of China's total as the first value, None when there is none) and the rows of every
        partner of that window."""
        mart = "mart_trade_structure_yearly"
        if not self.has(mart):
            return None, []
        windows = self.fetch(
            f"""
            select period_label, base_period_label, start_year, end_year
            from marts.{mart}
            where period_kind = 'window' and base_period_label is not null and published_at <= ?
            group by all
            order by end_year desc, start_year desc
            limit 1
            """,
            [self.cutoff],
        )
        if not windows:
            return None, []
        window = windows[0]
        rows = self._select(mart, "period_label = ?", [window["period_label"]], order="display_order, partner")
        return window, rows

    # ------------------------------------------------------------------ quality and meta
    def latest_checks(self) -> dict[str, Row]:
        """The latest check result of each source (quality.check_results)."""
        if not self.has("check_results", schema="quality"):
            return {}
        rows = self.fetch(
            """
            select source, check_name, passed, severity, summary, loads_checked, loads_failed, checked_at
            from quality.check_results
            qualify row_number() over (partition by source order by checked_at desc, run_id desc) = 1
            """
        )
        return {r["source"]: r for r in rows}

    def acceptances(self) -> list[Row]:
        """Loads released after review and in force (quality.load_acceptances), oldest first."""
        if not (self.has("load_acceptances", schema="quality") and self.has("load_status", schema="quality")):
            return []

        return [acceptance_from_row(r).as_dict() for r in self.con.execute(ACCEPTANCES_IN_FORCE_SQL).fetchall()]

    def version(self) -> Row | None:
        if not self.has("versions", schema="meta"):
            return None
        rows = self.fetch(
            "select version, week, as_of, built_at, git_commit from meta.versions order by version desc limit 1"
        )
        return rows[0] if rows else None

    def any_demo(self) -> bool:
        """True when any row of any mart comes from the demo snapshot."""
        for mart in MARTS:
            if self.has(mart) and "is_demo" in self.columns(mart):
                row = self.con.execute(f"select bool_or(is_demo) from marts.{mart}").fetchone()
                if row and row[0]:
                    return True
        return False


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def add_months(day: date, months: int) -> date:
    return _add_months(day, months)
