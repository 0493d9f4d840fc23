"""Number formatting and the direction words of the note's sentences (no database needed)."""

from __future__ import annotations

from datetime import date

import pytest

from reporting import formatting as f
from reporting import sentences as s
from reporting.sections import ranked_rows

# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("function", "value", "expected"),
    [
        (f.yi, 47.6, "47.6"),
        (f.yi, 47.649, "47.6"),
        (f.yi, 11389, "11389.0"),
        (f.yi, -0.04, "0.0"),  # no "-0.0"
        (f.yi, None, "—"),
        (f.pct, 14.8, "14.80%"),
        (f.pct, -0.76, "-0.76%"),
        (f.count, 25578.0, "25578"),  # machines: whole units, no thousands separator, as the note prints
        (f.count, None, "—"),
    ],
)
def test_number_formats_follow_the_note(function, value, expected) -> None:
    assert function(value) == expected


def test_signed_and_magnitude() -> None:
    assert f.signed(0.1, 2) == "+0.10"
    assert f.signed(-3.2, 1) == "-3.2"
    assert f.signed(0.004, 2) == "0.00"
    assert f.signed(float("nan"), 2) == "—"
    assert f.absnum(-31.03) == "31.03"


def test_chinese_numerals_and_dates() -> None:
    from datetime import date

    assert [f.cn_number(n) for n in (1, 4, 10, 12, 20, 31)] == ["一", "四", "十", "十二", "二十", "三十一"]
    assert f.day_cn(date(2023, 4, 7)) == "4月7日"
    assert f.month_cn(date(2023, 3, 1)) == "3月"
    assert f.month_full(date(2023, 3, 1)) == "2023年3月"


# --------------------------------------------------------------------------- direction words


@pytest.mark.parametrize(
    ("current", "previous", "word"),
    [
        (14.8, -6.8, "转正"),  # exports, March 2023
        (-14.60, 7.10, "转负"),  # loaders
        (15.3, 11.9, "增幅扩大"),  # auto production
        (9.7, 13.5, "增幅收窄"),  # auto sales
        (-20.7, -18.5, "降幅扩大"),  # SIA world
        (-2.96, -10.56, "降幅收窄"),  # IC exports
        (5.0, 5.0, "持平"),
        (0.0, 3.0, "增幅收窄"),  # falling to zero is not a sign change
        (-1.0, 0.0, "降幅扩大"),
        (None, 3.0, None),
        (3.0, None, None),
    ],
)
def test_yoy_trend(current, previous, word) -> None:
    assert s.yoy_trend(current, previous) == word


def test_fall_word_for_sales() -> None:
    assert s.yoy_trend(-31.03, -12.39, fall="跌幅") == "跌幅扩大"


def test_yoy_phrases_read_like_the_note() -> None:
    assert s.yoy_phrase(-31.03, -12.39, fall="跌幅") == "同比跌幅扩大18.64个百分点至31.03%"
    assert s.yoy_phrase(-14.60, 7.10) == "同比转负至-14.60%"
    assert s.yoy_phrase(9.7, None) == "同比增长9.70%"
    assert s.yoy_to_phrase(-2.96, -10.56) == "同比降幅收窄至-2.96%（前值-10.56%）"
    assert s.yoy_to_phrase(14.8, -6.8) == "同比转正至14.80%（前值-6.80%）"
    assert s.yoy_move_phrase(-20.7, -18.5) == "同比下行20.70%，降幅较上月扩大2.20个百分点"
    assert s.yoy_move_phrase(1.2, 0.7) == "同比上行1.20%，增幅较上月扩大0.50个百分点"


@pytest.mark.parametrize(("change", "word"), [(0.1, "上行"), (-0.1, "下行"), (0.004, "持平"), (None, "持平")])
def test_move(change, word) -> None:
    assert s.move(change) == word


def test_flow_words() -> None:
    assert s.flow_word(47.6) == "净流入"
    assert s.flow_word(-17.6) == "净流出"
    assert s.flow_word(-23.5, "净增持", "净减持") == "净减持"
    assert s.flow_shift(47.6, -35.2) == "从前期净流出转为净流入"
    assert s.flow_shift(-5.0, 12.0) == "从前期净流入转为净流出"
    assert s.flow_shift(60.0, 40.0) == "净流入规模扩大"
    assert s.flow_shift(-23.5, -41.2, "净增持", "净减持") == "净减持规模缩小"
    assert s.flow_shift(10.0, None) is None


def test_breadth_words() -> None:
    assert s.breadth(0, 9) == "全线下跌"
    assert s.breadth(3, 6) == "以下跌为主"
    assert s.breadth(6, 3) == "以上涨为主"
    assert s.breadth(9, 0) == "全线上涨"
    assert s.industry_breadth(17, 14) == "涨跌不一"
    assert s.industry_breadth(1, 30) == "普跌"
    assert s.majority(11, 20) == "多数下跌"


# --------------------------------------------------------------------------- sentences


def test_fund_flow_sentences() -> None:
    flows = {
        "northbound_net_buy": {"value": 47.6, "prev_value": -35.2},
        "margin_financing_net_buy": {"value": 89.8, "days_covered": 4, "trading_days": 5},
        "new_equity_fund_shares": {"value": 15.9, "change": -3.2},
        "etf_net_subscription_value": {"value": 19.2},
        "shareholder_increase": {"value": 25.8},
        "shareholder_decrease": {"value": 49.3},
        "shareholder_net_change": {"value": -23.5, "prev_value": -41.2},
        "planned_reduction": {"value": 38.4, "change": -14.3},
    }
    text = "".join(s.fund_flows(flows))
    assert "北上资金本周净流入47.6亿元，从前期净流出转为净流入" in text
    assert "融资资金前四个交易日合计净流入89.8亿元" in text
    assert "新成立偏股类公募基金15.9亿份，较前期下降3.2亿份" in text
    assert "ETF净申购，对应净流入19.2亿元" in text
    assert "增持25.8亿元，减持49.3亿元，净减持23.5亿元，净减持规模缩小" in text
    assert "本周公告的计划减持规模为38.4亿元，较前期下降" in text


def test_outflow_reads_as_outflow() -> None:
    text = "".join(s.fund_flows({"northbound_net_buy": {"value": -12.34, "prev_value": -3.0}}))
    assert "北上资金本周净流出12.3亿元，净流出规模扩大" in text


def test_machinery_sentence() -> None:
    from datetime import date

    rows = [
        {
            "code": "ccma_excavator_sales",
            "value": 25578,
            "yoy_pct": -31.03,
            "yoy_pct_prev": -12.39,
            "yoy_3m_pct": -25.5,
        },
        {"code": "ccma_loader_sales", "value": 13080, "yoy_pct": -14.60, "yoy_pct_prev": 7.10},
    ]
    text = s.machinery(rows, date(2023, 3, 1))
    assert text[0].startswith("3月挖掘机销量为25578台，同比跌幅扩大18.64个百分点至31.03%，三个月滚动同比为-25.50%")
    assert text[1].startswith("3月装载机销量为13080台，同比转负至-14.60%")


def test_ranking_order() -> None:
    rows = [
        {"name": n, "value": v}
        for n, v in [
            ("传媒", 12.4),
            ("非银金融", -17.6),
            ("有色金属", 31.0),
            ("家用电器", -8.7),
            ("公用事业", 15.1),
            ("食品饮料", -6.5),
            ("银行", None),
        ]
    ]
    assert [r["name"] for r in s.top(rows, "value", 3)] == ["有色金属", "公用事业", "传媒"]
    assert [r["name"] for r in s.bottom(rows, "value", 3)] == ["非银金融", "家用电器", "食品饮料"]
    text = s.industry_flows(rows, "北上资金")[0]
    assert text.index("有色金属") < text.index("公用事业") < text.index("传媒") < text.index("非银金融")
    assert "分别净买入31.0亿元、15.1亿元、12.4亿元" in text
    ranked = ranked_rows(rows, "value", 2, "前二", "后二")
    assert [(r["group"], r["rank"], r["name"]) for r in ranked] == [
        ("前二", 1, "有色金属"),
        ("前二", 2, "公用事业"),
        ("后二", 6, "非银金融"),
        ("后二", 5, "家用电器"),
    ]


def test_no_buyers_means_no_buying_sentence() -> None:
    rows = [{"name": "银行", "value": -1.0}, {"name": "传媒", "value": -2.0}]
    text = s.industry_flows(rows, "北上资金")[0]
    assert "净买入规模较高" not in text and "净卖出规模较高的为传媒、银行" in text


def test_exports_sentence_turns() -> None:
    from datetime import date

    total = [
        {"code": "exports", "value": 3155.9, "yoy_pct": 14.8, "yoy_pct_prev": -6.8},
        {"code": "imports", "value": 2274.0, "yoy_pct": -1.4, "yoy_pct_prev": 4.2},
        {"code": "trade_balance", "value": 881.9},
    ]
    partners = [
        {"name": "俄罗斯", "yoy_pct": 136.43, "yoy_pct_prev": 32.73, "yoy_change_pp": 103.70},
        {"name": "日本", "yoy_pct": -4.81, "yoy_pct_prev": 17.11, "yoy_change_pp": -21.92},
        {"name": "美国", "yoy_pct": -7.72, "yoy_pct_prev": -31.79, "yoy_change_pp": 24.07},
    ]
    text = "".join(s.exports(total, partners, [], date(2023, 3, 1), 116.9))
    assert "3月我国出口金额当月值3155.9亿美元，同比转正至14.80%" in text
    assert "进口同比转负至-1.40%" in text
    assert "贸易顺差扩大至881.9亿美元" in text
    assert "仅对日本出口同比由前值的17.11%转负至-4.81%" in text


# --------------------------------------------------------------------------- the note's wider sections


def test_theme_sentence_names_the_best_boards_in_order_and_only_risers() -> None:
    rows = [
        {"name": "影视", "weekly_return_pct": 12.46},
        {"name": "IP流量变现", "weekly_return_pct": 9.61},
        {"name": "西安自贸区", "weekly_return_pct": 10.93},
        {"name": "算力概念", "weekly_return_pct": -7.15},
        {"name": "白酒", "weekly_return_pct": None},
    ]
    first, second = s.themes(rows)
    assert first == "本周涨幅居前的主要为影视、西安自贸区、IP流量变现，周涨幅分别为12.46%、10.93%、9.61%。"
    assert second == "4个概念板块中3个上涨、1个下跌，算力概念等跌幅居前（-7.15%）。"
    # a week when every board fell has no 「涨幅居前」 sentence
    assert s.themes([{"name": "白酒", "weekly_return_pct": -1.0}]) == [
        "1个概念板块中0个上涨、1个下跌，白酒等跌幅居前（-1.00%）。"
    ]


def test_stock_leaders_sentence_lists_buyers_and_sellers_by_size() -> None:
    rows = [
        {"name": "贵州茅台", "value": -15.9},
        {"name": "中远海控", "value": 14.6},
        {"name": "中国平安", "value": -13.2},
        {"name": "金山办公", "value": 11.8},
        {"name": "拓普集团", "value": 9.3},
        {"name": "药明康德", "value": -10.4},
        {"name": "样本", "value": 0.2},
    ]
    [text] = s.stock_leaders(rows, "个股方面，北上资金", "净买入规模较高的为", "净卖出规模较高的包括")
    assert text == (
        "个股方面，北上资金净买入规模较高的为中远海控、金山办公、拓普集团等；净卖出规模较高的包括贵州茅台、中国平安、药明康德等。"
    )
    [only_buyers] = s.stock_leaders([{"name": "A", "value": 1.0}], "北上资金", "净买入规模较高的为", "净卖出")
    assert only_buyers == "北上资金净买入规模较高的为A等。"


def test_trade_structure_sentence_reads_the_windows() -> None:
    window = {"period_label": "2021-2022", "base_period_label": "2018-2019"}
    rows = [
        {"code": "asean", "name": "东盟", "share_pct": 15.0, "base_share_pct": 13.4, "share_change_pp": 1.6},
        {"code": "eu", "name": "欧盟", "share_pct": 13.5, "base_share_pct": 15.0, "share_change_pp": -1.5},
        {"code": "us", "name": "美国", "share_pct": 12.2, "base_share_pct": 12.8, "share_change_pp": -0.6},
        {"code": "world", "name": "总值", "share_pct": 100.0, "base_share_pct": 100.0, "share_change_pp": 0.0},
    ]
    [text] = s.trade_structure(window, rows)
    assert text.startswith("用2021-2022年均值与2018-2019年均值对比，东盟占我国进出口总额的比重提升较多")
    assert "对东盟的进出口份额占比从此前的13.4%提升至15.0%" in text
    assert "欧盟、美国的占比下降，其中对欧盟进出口占总进出口的比重减少了1.5个百分点至13.5%" in text
    assert s.trade_structure(None, rows) == []


def test_backdrop_sentences_choose_their_words_from_the_numbers() -> None:
    rows = {
        "gold_usd": {"value": 2055.3, "change_pct": 1.48, "pctile_52w": 100.0, "obs_date": date(2023, 4, 13)},
        "us_10y_yield": {"value": 3.45, "change_pp": -0.16},
        "us_cpi_yoy": {"value": 5.0, "reference_month": date(2023, 3, 1), "obs_date": date(2023, 4, 12)},
        "real_rate_proxy": {"value": -1.55, "change_pp": -0.2},
        "dollar_index": {"value": 101.01, "change_pct": -0.89},
    }
    gold, rates, dollar = s.backdrop(rows)
    assert gold == "截至4月13日，COMEX黄金收于2055.30美元/盎司，周涨1.48%，处于近52周100.00%分位。"
    assert rates == (
        "美国10年期国债收益率为3.45%，较上周下行16个基点；3月美国CPI同比5.00%（4月12日公布）；"
        "实际利率代理（10年期收益率−CPI同比）为-1.55%，较上周下行0.20个百分点。"
    )
    assert dollar == "美元指数收于101.01，周跌0.89%，美元走弱。"
    rows["dollar_index"]["change_pct"] = 0.5
    assert s.backdrop(rows)[-1] == "美元指数收于101.01，周涨0.50%，美元走强。"
