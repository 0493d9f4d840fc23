"""The note's data sentences, written from the marts by templates.

Every direction word (扩大/收窄/转正/转负, 上行/下行, 净流入/净流出, 净申购/净赎回 …) is chosen by
the small pure functions of ``words`` from the numbers, never typed in; ``phrases`` holds the
pieces the templates share; the section modules (``backdrop``, ``market``, ``cycle``,
``exports``, ``flows``) only put numbers and those words into the note's sentence patterns
(「北上资金本周净流入47.6亿元，从前期净流出转为净流入」, 「3月挖掘机销量为25578台，同比跌幅扩大
18.64个百分点至31.03%」). Callers use this package's names (``sentences.fund_flows(...)``).
"""

from __future__ import annotations

from reporting.sentences.backdrop import backdrop
from reporting.sentences.cycle import autos, ic_trade, machinery, paper, semiconductors, taiwan
from reporting.sentences.exports import exports, trade_structure
from reporting.sentences.flows import etf_groups, fund_flows, industry_flows, stock_leaders
from reporting.sentences.market import market_review, themes, valuation
from reporting.sentences.phrases import (
    all_known,
    by_code,
    covered_phrase,
    names,
    pair_phrase,
    prev_phrase,
    values,
    yoy_move_phrase,
    yoy_phrase,
    yoy_to_phrase,
)
from reporting.sentences.words import (
    Row,
    bottom,
    breadth,
    flow_shift,
    flow_word,
    grow_word,
    industry_breadth,
    majority,
    move,
    rise_fall,
    scale_word,
    sign,
    strength_word,
    top,
    yoy_trend,
)

__all__ = [
    "Row",
    "all_known",
    "autos",
    "backdrop",
    "bottom",
    "breadth",
    "by_code",
    "covered_phrase",
    "etf_groups",
    "exports",
    "flow_shift",
    "flow_word",
    "fund_flows",
    "grow_word",
    "ic_trade",
    "industry_breadth",
    "industry_flows",
    "machinery",
    "majority",
    "market_review",
    "move",
    "names",
    "pair_phrase",
    "paper",
    "prev_phrase",
    "rise_fall",
    "scale_word",
    "semiconductors",
    "sign",
    "stock_leaders",
    "strength_word",
    "taiwan",
    "themes",
    "top",
    "trade_structure",
    "valuation",
    "values",
    "yoy_move_phrase",
    "yoy_phrase",
    "yoy_to_phrase",
    "yoy_trend",
]
