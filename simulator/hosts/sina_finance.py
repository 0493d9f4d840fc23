"""finance.sina.com.cn: Sina Finance's SSE trading calendar, ``/realstock/company/klc_td_sh.txt``.

The file is one line of JavaScript, ``var datelist="<code>";``, where ``<code>`` is the calendar in
Sina's compact bit encoding. ``tool_trade_date_hist_sina`` (``akshare/tool/trade_date_hist.py``)
cuts the code out of the text (``r.text.split("=")[1].split(";")[0]``), runs Sina's decoder
``d`` (``hk_js_decode`` in ``akshare/stock/cons.py``) in py_mini_racer, and appends 1992-05-04,
a trading day Sina's list lacks. :func:`encode_trade_dates` is the inverse of that decoder for
date lists (its branch ``_139``, the function ``R``), derived from the decoder's source:

* the code is a base64-alphabet string (``A-Z a-z 0-9 + /``), each character six bits, read
  least significant bit first; a field of ``k`` bits is read low bits first (``w([k])``);
* header: 12 bits of branch number (139) and 6 bits ``u`` with ``63 ^ u <= 1``;
* ``R``: 18 bits ``start`` and 18 bits ``end``, day numbers counted from 1990-12-19 (the decoder
  makes ``new Date((7657 + day) * 864e5)``); it then walks the weekdays after ``start - 1``
  (``S(1)`` skips day numbers with ``day % 7`` in {3, 4}, Saturdays and Sundays) until it has
  passed ``end``;
* on the first weekday, and on every weekday where its run counter is spent, it reads a run:
  one bit "the width changes" (then ``N()``, a signed unary delta: a sign bit, ``|delta| - 1``
  one bits and a zero bit, added to ``l``), then ``3 * l`` bits of a count ``v``. On the first
  weekday the day is a trading day and starts a run of ``v`` trading days; on any later one the
  day is a holiday (skipped) and the ``v`` weekdays after it are trading days (``v`` = 0: the
  next weekday is a holiday too).

So a calendar is: its first trading day, its last, and the lengths of the trading runs between
weekday holidays.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from simulator.dataset import Dataset
from simulator.wire import Request, Response, endpoint, serves

HOST = "finance.sina.com.cn"
PATH = "/realstock/company/klc_td_sh.txt"

serves("tool_trade_date_hist_sina", hosts=(HOST,), description="新浪财经交易日历 (klc_td_sh.txt, JS-encoded)")

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
DAY_ZERO = date(1990, 12, 19)  # 1970-01-01 + 7657 days
DATE_LIST_BRANCH = 139
MISSING_FROM_SINA = date(1992, 5, 4)  # akshare appends it to whatever Sina sends


class _BitWriter:
    """Bits in the order the decoder's ``y()`` and ``w()`` read them."""

    def __init__(self) -> None:
        self.bits: list[int] = []

    def field(self, value: int, width: int) -> None:
        if not 0 <= value < (1 << width):
            raise ValueError(f"{value} does not fit in {width} bits")
        self.bits += [(value >> k) & 1 for k in range(width)]

    def flag(self, on: bool) -> None:
        self.bits.append(int(on))

    def signed_unary(self, value: int) -> None:
        """What ``N()`` reads back as ``value`` (never 0)."""
        self.bits += [int(value > 0), *[1] * (abs(value) - 1), 0]

    def text(self) -> str:
        bits = self.bits + [0] * (-len(self.bits) % 6)
        return "".join(ALPHABET[sum(bit << k for k, bit in enumerate(bits[i : i + 6]))] for i in range(0, len(bits), 6))


def _day_number(day: date) -> int:
    number = (day - DAY_ZERO).days
    if number < 0 or number % 7 in (3, 4):
        raise ValueError(f"{day} cannot be in Sina's calendar: before 1990-12-19 or on a weekend")
    return number


def _width(count: int) -> int:
    """The smallest ``l`` with ``count < 8 ** l``."""
    width = 0
    while count >= 8**width:
        width += 1
    return width


def encode_trade_dates(days: Iterable[date]) -> str:
    """Sina's code for a list of trading days (the inverse of ``hk_js_decode``'s ``R``).

    An empty list is encoded with ``start`` after ``end``; the decoder then returns
    ``undefined``, as it does for any list it never starts."""
    numbers = sorted({_day_number(d) for d in days})
    out = _BitWriter()
    out.field(DATE_LIST_BRANCH, 12)
    out.field(63, 6)
    if not numbers:
        out.field(1, 18)
        out.field(0, 18)
        return out.text()
    first, last = numbers[0], numbers[-1]
    out.field(first, 18)
    out.field(last, 18)
    trading = set(numbers)
    weekdays = [n for n in range(first, last + 1) if n % 7 not in (3, 4)]
    width = 0
    pending = -1  # the decoder's run counter ``n``
    for position, number in enumerate(weekdays):
        if pending > 0:
            pending -= 1
            continue
        assert position == 0 or number not in trading, "a run is read on a holiday (or on the first day)"
        run_start = position if position == 0 else position + 1
        count = 0
        while run_start + count < len(weekdays) and weekdays[run_start + count] in trading:
            count += 1
        needed = _width(count)
        out.flag(needed != width)
        if needed != width:
            out.signed_unary(needed - width)
            width = needed
        out.field(count, 3 * width)
        pending = count - 1 if position == 0 else count
    return out.text()


def datelist_script(days: Iterable[date]) -> str:
    """The text of klc_td_sh.txt for ``days``."""
    return f'var datelist="{encode_trade_dates(days)}";\n'


@endpoint(HOST, PATH, method="GET")
def trade_calendar(request: Request, data: Dataset) -> Response:
    """The calendar table as Sina serves it: without 1992-05-04, which akshare adds back."""
    frame = data.get("tool_trade_date_hist_sina")
    days = [d for d in (pd.Timestamp(v).date() for v in frame["trade_date"].dropna()) if d != MISSING_FROM_SINA]
    return Response.text(datelist_script(days), content_type="application/x-javascript", encoding="ascii")
