"""Direction words chosen from the numbers, never typed in: 扩大/收窄/转正/转负, 上行/下行,
净流入/净流出, 走强/走弱 …, and the top and bottom rows of a ranking."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Row = dict[str, Any]


def sign(value: float) -> int:
    return (value > 0) - (value < 0)


def yoy_trend(current: float | None, previous: float | None, *, fall: str = "降幅") -> str | None:
    """How a growth rate moved from ``previous`` to ``current`` (both in %).

    转正 / 转负 when the sign flips; otherwise 增幅扩大 / 增幅收窄 while both are ≥ 0 and
    降幅扩大 / 降幅收窄 (``fall`` = 跌幅 for sales, as the note writes for excavators) while both
    are ≤ 0; 持平 when unchanged. None when either is missing.
    """
    if current is None or previous is None:
        return None
    now, before = sign(current), sign(previous)
    if before < 0 < now:
        return "转正"
    if before > 0 > now:
        return "转负"
    if current == previous:
        return "持平"
    if now >= 0 and before >= 0:
        return "增幅扩大" if current > previous else "增幅收窄"
    return f"{fall}扩大" if current < previous else f"{fall}收窄"


def move(change: float | None, *, up: str = "上行", down: str = "下行", flat: str = "持平", digits: int = 2) -> str:
    """上行 / 下行 / 持平 for a change (rounded to the digits the sentence prints)."""
    if change is None:
        return flat
    rounded = round(change, digits)
    return up if rounded > 0 else down if rounded < 0 else flat


def rise_fall(value: float | None) -> str:
    """上涨 / 下跌 / 持平 for a return."""
    return move(value, up="上涨", down="下跌")


def grow_word(value: float | None) -> str:
    """增长 / 下降 for a yoy without a previous value."""
    return move(value, up="增长", down="下降")


def flow_word(value: float | None, inflow: str = "净流入", outflow: str = "净流出") -> str:
    """净流入 for a positive flow, 净流出 for a negative one (净申购/净赎回, 净增持/净减持 likewise)."""
    if value is None:
        return inflow
    return outflow if round(value, 1) < 0 else inflow


def scale_word(current: float, previous: float, *, larger: str = "扩大", smaller: str = "缩小") -> str:
    return larger if abs(current) > abs(previous) else smaller if abs(current) < abs(previous) else "持平"


def flow_shift(
    current: float | None, previous: float | None, inflow: str = "净流入", outflow: str = "净流出"
) -> str | None:
    """「从前期净流出转为净流入」, 「净流入规模扩大」 … None without a previous value."""
    if current is None or previous is None:
        return None
    now, before = sign(round(current, 1)), sign(round(previous, 1))
    if before < 0 < now:
        return f"从前期{outflow}转为{inflow}"
    if before > 0 > now:
        return f"从前期{inflow}转为{outflow}"
    if now == 0 or before == 0:
        return None
    word = inflow if now > 0 else outflow
    return f"{word}规模{scale_word(current, previous, larger='扩大', smaller='缩小')}"


def breadth(up: int, down: int) -> str:
    """Index breadth: 全线上涨 / 全线下跌 / 以上涨为主 / 以下跌为主 / 涨跌互现."""
    total = up + down
    if total == 0:
        return "涨跌互现"
    if down == 0:
        return "全线上涨"
    if up == 0:
        return "全线下跌"
    if up > down:
        return "以上涨为主"
    if down > up:
        return "以下跌为主"
    return "涨跌互现"


def industry_breadth(up: int, down: int) -> str:
    """Industry breadth: 普涨 / 普跌 (nine in ten or more), else 涨跌不一."""
    total = up + down
    if total and up >= 0.9 * total:
        return "普涨"
    if total and down >= 0.9 * total:
        return "普跌"
    return "涨跌不一"


def majority(up: int, down: int, *, up_word: str = "上涨", down_word: str = "下跌") -> str:
    """「多数下跌」 / 「多数上涨」 / 「涨跌各半」."""
    if up > down:
        return f"多数{up_word}"
    if down > up:
        return f"多数{down_word}"
    return "涨跌各半"


def top(rows: Iterable[Row], key: str, n: int) -> list[Row]:
    """The n rows with the largest ``key`` (missing values last), largest first."""
    present = [r for r in rows if r.get(key) is not None]
    return sorted(present, key=lambda r: r[key], reverse=True)[:n]


def bottom(rows: Iterable[Row], key: str, n: int) -> list[Row]:
    """The n rows with the smallest ``key``, smallest first."""
    present = [r for r in rows if r.get(key) is not None]
    return sorted(present, key=lambda r: r[key])[:n]


def strength_word(change: float | None, *, up: str = "走强", down: str = "走弱", digits: int = 2) -> str:
    """走强 / 走弱 / 持平 for the dollar (or any level) by its weekly change."""
    return move(change, up=up, down=down, digits=digits)
