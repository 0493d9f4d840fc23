"""Number and date formatting in the note's style.

Money in 亿元 / 亿港元 / 亿份 to one decimal, percentages (and percentage points) to two, counts of
machines as whole numbers without separators (「25578台」), dates as the note writes them
(「4月7日」, 「2023年3月」). Missing values print as an em dash.
"""

from __future__ import annotations

from datetime import date, datetime

MISSING = "—"
CN_DIGITS = "零一二三四五六七八九十"


def _clean(value: float | None, digits: int) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number:  # NaN
        return None
    rounded = round(number, digits)
    return 0.0 if rounded == 0 else rounded  # no "-0.0"


def num(value: float | None, digits: int = 2) -> str:
    """A plain number with a fixed number of decimals: 1819.04, -0.54, 11389.0."""
    number = _clean(value, digits)
    return MISSING if number is None else f"{number:.{digits}f}"


def signed(value: float | None, digits: int = 2) -> str:
    """A change with its sign: +0.10, -3.20, 0.00."""
    number = _clean(value, digits)
    if number is None:
        return MISSING
    return f"+{number:.{digits}f}" if number > 0 else f"{number:.{digits}f}"


def absnum(value: float | None, digits: int = 2) -> str:
    """The magnitude only (for sentences that carry the direction in words): 31.03."""
    number = _clean(value, digits)
    return MISSING if number is None else f"{abs(number):.{digits}f}"


def yi(value: float | None) -> str:
    """亿元, 亿港元, 亿份: one decimal."""
    return num(value, 1)


def pct(value: float | None) -> str:
    """A percent number with its sign as data carries it: -0.76%."""
    text = num(value, 2)
    return text if text == MISSING else text + "%"


def count(value: float | None) -> str:
    """Whole units (台, 家) without thousands separators, as the note prints them: 25578."""
    number = _clean(value, 0)
    return MISSING if number is None else f"{int(number)}"


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals (前四个交易日)."""
    if n < 0 or n > 99:
        return str(n)
    if n <= 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + ("" if ones == 0 else CN_DIGITS[ones])


def month_cn(day: date | None) -> str:
    """「3月」."""
    return MISSING if day is None else f"{day.month}月"


def month_full(day: date | None) -> str:
    """「2023年3月」."""
    return MISSING if day is None else f"{day.year}年{day.month}月"


def day_cn(day: date | None) -> str:
    """「4月7日」."""
    return MISSING if day is None else f"{day.month}月{day.day}日"


def iso_day(day: date | datetime | None) -> str:
    if day is None:
        return MISSING
    if isinstance(day, datetime):
        return day.date().isoformat()
    return day.isoformat()


def join_cn(items: list[str]) -> str:
    """「有色金属、公用事业、传媒」."""
    return "、".join(items)


def format_cell(value: object, kind: str, digits: int) -> str:
    """One table cell by column kind (see reporting.model.Column)."""
    if kind == "text":
        return MISSING if value is None or value == "" else str(value)
    if kind == "int":
        return count(value)  # type: ignore[arg-type]
    if kind == "signed":
        return signed(value, digits)  # type: ignore[arg-type]
    return num(value, digits)  # type: ignore[arg-type]
