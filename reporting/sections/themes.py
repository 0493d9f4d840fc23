"""主题·风向: the concept boards that rose and fell most this week."""

from __future__ import annotations

from reporting import sentences
from reporting.model import Column, Section, Table
from reporting.sections.common import RANK_N, Context, missing_text, ranked_rows, source_names, weekly_as_of


def themes(ctx: Context) -> Section:
    m = ctx.marts
    section = Section("themes", "主题·风向", "概念主题")
    mart = "mart_theme_returns_weekly"
    boards = m.weekly(mart, order="rank_desc")
    section.tables.append(
        Table(
            "themes_boards",
            f"概念板块周涨跌幅：涨幅前{RANK_N}与跌幅前{RANK_N}",
            [
                Column("group", "类别", "text"),
                Column("rank", "排名", "int"),
                Column("name", "概念板块", "text"),
                Column("weekly_return_pct", "周涨跌幅(%)", "signed", 2, colour=True),
                Column("prev_weekly_return_pct", "上周涨跌幅(%)", "signed", 2, colour=True),
                Column("close", "收盘", "num", 2),
                Column("constituents", "成分股数", "int"),
            ],
            ranked_rows(boards, "weekly_return_pct", RANK_N, f"涨幅前{RANK_N}", f"跌幅前{RANK_N}"),
            as_of=weekly_as_of(ctx),
            notes=(
                [
                    f"排名为{boards[0]['boards_ranked']}个东方财富概念板块中的名次（1 = 涨幅最大）；成分股数为本周最新板块列表中当日上涨与下跌的家数之和（列表不含平盘家数）。"
                ]
                if boards
                else []
            ),
            sources=source_names(boards, "stock_board_concept_hist_em", "stock_board_concept_name_em"),
            empty_text=missing_text(mart, m),
        )
    )
    section.sentences = sentences.themes(boards)
    return section
