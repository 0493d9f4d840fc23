"""Phrases the sentence templates share: a yoy move, the previous value, the days covered, a list
of names or values, a row by its code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reporting.formatting import absnum, cn_number, join_cn, num, pct
from reporting.sentences.words import Row, grow_word, move, yoy_trend


def yoy_phrase(current: float | None, previous: float | None, *, fall: str = "降幅", label: str = "同比") -> str:
    """「同比跌幅扩大18.64个百分点至31.03%」, 「同比转正至14.80%」, 「同比增长9.70%」."""
    if current is None:
        return f"{label}数据缺失"
    trend = yoy_trend(current, previous, fall=fall)
    if trend is None:
        return f"{label}{grow_word(current)}{absnum(current)}%"
    if trend in ("转正", "转负"):
        return f"{label}{trend}至{pct(current)}"
    if trend == "持平":
        return f"{label}{pct(current)}，与上月持平"
    assert previous is not None
    return f"{label}{trend}{absnum(current - previous)}个百分点至{absnum(current)}%"


def yoy_move_phrase(current: float | None, previous: float | None, *, label: str = "同比") -> str:
    """SIA style: 「同比下行20.70%，降幅较上月扩大2.20个百分点」 / 「同比转负至-0.90%」."""
    if current is None:
        return f"{label}数据缺失"
    trend = yoy_trend(current, previous)
    head = f"{label}{move(current)}{absnum(current)}%"
    if trend is None:
        return head
    if trend in ("转正", "转负"):
        return f"{label}{trend}至{pct(current)}"
    if trend == "持平":
        return f"{head}，与上月持平"
    assert previous is not None
    return f"{head}，{trend[:2]}较上月{trend[2:]}{absnum(current - previous)}个百分点"


def yoy_to_phrase(current: float | None, previous: float | None, *, fall: str = "降幅", label: str = "同比") -> str:
    """「同比降幅收窄至-2.96%（前值-10.56%）」, 「同比转正至14.80%」 (the level, not the gap)."""
    if current is None:
        return f"{label}数据缺失"
    trend = yoy_trend(current, previous, fall=fall)
    if trend is None:
        return f"{label}{grow_word(current)}{absnum(current)}%"
    if trend in ("转正", "转负"):
        return f"{label}{trend}至{pct(current)}{prev_phrase(previous)}"
    if trend == "持平":
        return f"{label}{pct(current)}，与上月持平"
    return f"{label}{trend}至{pct(current)}{prev_phrase(previous)}"


def prev_phrase(previous: float | None) -> str:
    return "" if previous is None else f"（前值{pct(previous)}）"


def covered_phrase(days_covered: int | None, trading_days: int | None) -> str:
    """「本周」, or 「前四个交易日合计」 when the figure covers fewer days than the week has."""
    if not days_covered or not trading_days or days_covered >= trading_days:
        return "本周"
    return f"前{cn_number(int(days_covered))}个交易日合计"


def pair_phrase(first: float, second: float) -> str:
    """「增长14.30%和8.20%」, or 「增长9.70%和下降1.20%」 when the two move apart."""
    a, b = grow_word(first), grow_word(second)
    return f"{a}{absnum(first)}%和{'' if a == b else b}{absnum(second)}%"


def names(rows: Sequence[Row], key: str = "name") -> str:
    return join_cn([str(r[key]) for r in rows])


def values(rows: Sequence[Row], key: str, unit: str, digits: int = 1) -> str:
    return "、".join(f"{num(r[key], digits)}{unit}" for r in rows)


def by_code(rows: Iterable[Row], *codes: str, key: str = "code") -> Row | None:
    """The first row whose ``key`` is one of ``codes`` (codes tried in order)."""
    rows = list(rows)
    for code in codes:
        for row in rows:
            if row.get(key) == code:
                return row
    return None


def all_known(*values_: Any) -> bool:
    """No value is missing."""
    return all(v is not None for v in values_)
