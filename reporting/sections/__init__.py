"""What each section of the note shows: its tables, sentences and charts, from the marts.

One builder per section, one module each, in the note's order: ``outlook`` (观策·论市),
``market_review`` (复盘·内观), ``industry_cycle`` (中观·景气), ``exports`` (出口), ``fund_flows``
(资金·众寡), ``themes`` (主题·风向), ``valuation`` (数据·估值); ``common`` holds the report's
:class:`Context` and the helpers they share. Builders read through :class:`reporting.queries.Marts`,
lay rows out as :class:`Table` objects with their source and as-of line, ask
:mod:`reporting.sentences` for the section's sentences and :mod:`reporting.charts` for its charts
(drawn later, once).
"""

from __future__ import annotations

from reporting.model import Section
from reporting.sections.common import Context, ranked_rows
from reporting.sections.exports import exports
from reporting.sections.fund_flows import fund_flows
from reporting.sections.industry_cycle import industry_cycle
from reporting.sections.market_review import market_review
from reporting.sections.outlook import outlook
from reporting.sections.themes import themes
from reporting.sections.valuation import valuation

__all__ = ["BUILDERS", "Context", "build_sections", "ranked_rows"]

BUILDERS = (outlook, market_review, industry_cycle, exports, fund_flows, themes, valuation)


def build_sections(ctx: Context) -> list[Section]:
    return [builder(ctx) for builder in BUILDERS]
