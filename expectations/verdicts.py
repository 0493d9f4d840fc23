"""The verdict model of a check: one :class:`Failure` per failed expectation or load rule (with up
to 20 failing rows, named by file and line or by load and row), and the :class:`CheckOutcome` of a
source (its failures, the per-load verdicts, the source's freshness)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from expectations.store import LoadVerdict

MAX_ROWS_REPORTED = 20


@dataclass
class Failure:
    """One failed expectation or load rule, with up to 20 failing rows."""

    check: str
    severity: str  # critical | warning
    column: str | None = None
    observed: Any = None
    unexpected_count: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    load_ids: set[str] = field(default_factory=set)
    detail: str = ""
    columns: list[str] = field(default_factory=list)  # every column the expectation names

    @property
    def critical(self) -> bool:
        return self.severity == "critical"

    def sentence(self) -> str:
        where = f" on column {self.column}" if self.column else ""
        text = f"{self.check}{where}"
        if self.detail:
            text += f": {self.detail}"
        if self.observed is not None and not self.detail:
            text += f" (observed {short_repr(self.observed)})"
        if self.rows:
            shown = ", ".join(row_ref(r) for r in self.rows[:5])
            more = f" and {self.unexpected_count - 5} more" if self.unexpected_count > 5 else ""
            noun = "row" if self.unexpected_count == 1 else "rows"
            text += f"; {self.unexpected_count} failing {noun}: {shown}{more}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "column": self.column,
            "observed": short_repr(self.observed),
            "unexpected_count": self.unexpected_count,
            "rows": self.rows[:MAX_ROWS_REPORTED],
            "loads": sorted(self.load_ids),
            "detail": self.detail,
        }


@dataclass
class CheckOutcome:
    source: str
    loads_checked: int
    failures: list[Failure]
    verdicts: list[LoadVerdict]
    suite_hash: str
    freshness: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not any(f.critical for f in self.failures)

    @property
    def severity(self) -> str | None:
        if not self.passed:
            return "ERROR"
        return "WARN" if self.failures else None

    @property
    def failed_load_ids(self) -> list[str]:
        return [v.load_id for v in self.verdicts if v.status == "failed"]

    def summary(self) -> str:
        if not self.failures:
            return f"{self.source}: {self.loads_checked} new loads checked, all expectations met"
        kind = "blocking" if not self.passed else "warning only"
        quarantined = f", {len(self.failed_load_ids)} load(s) quarantined" if self.failed_load_ids else ""
        lines = [f"{self.source}: {len(self.failures)} failed ({kind}{quarantined})"]
        lines += [f"- [{f.severity}] {f.sentence()}" for f in self.failures]
        return "\n".join(lines)


def short_repr(value: Any) -> Any:
    if value is None:
        return None
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 300 else text[:297] + "..."


def row_ref(row: dict[str, Any]) -> str:
    if row.get("line"):
        where = f"{row['file']} line {row['line']}"
    elif row.get("file"):
        where = f"{row['file']} row {row['row']}"
    else:
        where = f"load {row['load_id']} row {row['row']}"
    return f"{where} ({row['column']}={row['value']!r})" if "value" in row else where


def plain_value(value: Any) -> Any:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value
