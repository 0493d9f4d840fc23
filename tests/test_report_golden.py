"""The demo week's Markdown, pinned: tests/golden/summary_2023-W15.md.

Rendered from the real demo build (the session fixture ``demo_warehouse`` builds 2023-W15 as of
2023-04-14 20:00 from the embedded demo snapshot). Skipped, with the reason, while the demo
snapshot or the marts are missing. After an intended change of the report, refresh the file with
``UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_report_golden.py`` and review the diff by hand.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest

from ground.settings import DBT_PROJECT_DIR, DEMO_LANDING, Paths

from . import browser_check as browser

GOLDEN = Path(__file__).resolve().parent / "golden" / "summary_2023-W15.md"
WEEK = "2023-W15"
DEMO_AS_OF = datetime.fromisoformat("2023-04-14T20:00+08:00")
MARTS = (
    "mart_market_weekly", "mart_industry_returns_weekly", "mart_turnover_weekly", "mart_exports_monthly",
    "mart_industry_cycle_monthly", "mart_paper_prices_weekly", "mart_fund_flows_weekly",
    "mart_fund_flows_by_industry_weekly", "mart_etf_flows_weekly", "mart_valuation_weekly",
    "mart_theme_returns_weekly", "mart_stock_flow_leaders_weekly", "mart_macro_backdrop_weekly",
    "mart_trade_structure_yearly",
)  # fmt: skip
# what may differ between two renders of the same data: nothing in the body by design, but mask
# anything that looks like a run id or a build timestamp should one slip in
VOLATILE = [
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<run-id>"),
    (re.compile(r"生成于[^\n|]*"), "生成于 <masked>"),
]
# the published figures of report_spec that the golden must show (one per area at least)
PUBLISHED = [
    "47.6", "89.8", "15.9", "19.2", "86.7", "25.8", "49.3", "23.5", "38.4",
    "3155.9", "14.80", "881.9", "136.43", "1819.04", "57.64",
    "131.05", "-2.96", "306.72", "-20.04",
    "258.4", "245.1", "25578", "-31.03", "13080", "-14.60", "396.8", "-20.70",
    "97.17", "5043.33", "14.70", "-0.54", "-0.77", "-0.76",
    "13.4%", "15.0%", "13.5%",
]  # fmt: skip


def demo_marts_missing() -> str | None:
    """Why the golden cannot be rendered yet (None when it can)."""
    if not any(DEMO_LANDING.glob("*/*.json")):
        return f"the demo snapshot {DEMO_LANDING} has no loads yet"
    models = {p.stem for p in (DBT_PROJECT_DIR / "models" / "marts").rglob("*.sql")}
    missing = [m for m in MARTS if m not in models]
    if missing:
        return f"marts not written yet: {', '.join(missing)}"
    return None


def mask(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


@pytest.fixture(scope="module")
def demo_files(request: pytest.FixtureRequest):
    """The demo week rendered from the session's demo build."""
    if reason := demo_marts_missing():
        pytest.skip(reason)
    paths: Paths = request.getfixturevalue("demo_warehouse")
    from reporting.weekly import render_weekly_summary

    saved = {k: os.environ.get(k) for k in ("WAREHOUSE_HOME", "WAREHOUSE_REPORTS")}
    os.environ.update(WAREHOUSE_HOME=str(paths.home), WAREHOUSE_REPORTS=str(paths.reports))
    try:
        yield render_weekly_summary(WEEK, as_of=DEMO_AS_OF)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def demo_markdown(demo_files) -> str:
    return mask(demo_files.markdown.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_demo_week_markdown_matches_the_golden_file(demo_markdown: str) -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(demo_markdown, encoding="utf-8")
    assert GOLDEN.exists(), f"{GOLDEN} is missing: run with UPDATE_GOLDEN=1 once and review it"
    expected = GOLDEN.read_text(encoding="utf-8")
    assert demo_markdown == expected, "the demo report changed; review `git diff` after UPDATE_GOLDEN=1"


@pytest.mark.slow
def test_golden_shows_the_published_figures_and_a_sentence_per_section(demo_markdown: str) -> None:
    for figure in PUBLISHED:
        assert figure in demo_markdown, f"published figure {figure} is not in the demo report"
    sections = re.split(r"^## \d+\. ", demo_markdown, flags=re.M)[1:]
    assert [s.splitlines()[0] for s in sections] == [
        "观策·论市", "复盘·内观", "中观·景气", "出口", "资金·众寡", "主题·风向", "数据·估值"
    ]  # fmt: skip
    for body in sections:
        assert re.search(r"^- .+。$", body, flags=re.M), f"no data sentence in {body.splitlines()[0]}"
    assert "北上资金本周净流入47.6亿元" in demo_markdown
    assert "3月挖掘机销量为25578台，同比跌幅扩大18.64个百分点至31.03%" in demo_markdown
    assert "本周涨幅居前的主要为影视、西安自贸区、IP流量变现" in demo_markdown
    assert (
        "北上资金净买入规模较高的为中远海控、金山办公、拓普集团等；净卖出规模较高的包括贵州茅台、中国平安、药明康德等"
        in demo_markdown
    )
    assert (
        "融资净买入较高个股包括贵州茅台、昆仑万维、浪潮信息等；净卖出较多的主要包括拓普集团、工业富联、中微公司等"
        in demo_markdown
    )
    assert "对东盟的进出口份额占比从此前的13.4%提升至15.0%" in demo_markdown
    assert "对欧盟进出口占总进出口的比重减少了1.5个百分点至13.5%" in demo_markdown
    assert "演示数据" in demo_markdown.split("## 1.")[0]


@pytest.mark.slow
@pytest.mark.browser
def test_demo_html_in_headless_chromium(demo_files) -> None:
    """summary.html of the demo build in headless Chromium: every table, no console error, a screenshot."""
    browser._chromium()
    screenshot = demo_files.folder / "screenshot.png"
    seen = browser.check_in_browser(demo_files.html, screenshot)
    print(f"\nscreenshot (demo build): {screenshot}")
    assert seen["errors"] == []
    assert seen["outside"] == [], "the page asked the network for something"
    for section, tables in browser.TABLES.items():
        assert seen["tables"][section] == tables, f"section {section} shows {seen['tables'][section]}"
    assert seen["rows"] > 100
    assert seen["images"] and all(seen["images"]), "a chart did not load"
    assert seen["font"], "the embedded CJK font did not load"
    assert screenshot.stat().st_size > 20_000
