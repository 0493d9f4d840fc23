"""The rendered report of the demo week, from the session's real demo build (``demo_warehouse``):
what a reader sees in summary.md / .html / .xlsx, the as-of rules, and the provenance flags.

Tests that need another state (a failed check, a stale source, a missing mart, real rather than
demo data) change a copy of the demo build's landing zone and published database the way the
warehouse itself would have left them, and render that copy.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from ground.settings import Paths

from .conftest import DEMO_AS_OF, DEMO_WEEK, point_env_at

pytestmark = pytest.mark.integration  # every test renders from the demo build (Dagster run, dbt)

AS_OF = DEMO_AS_OF
WEEK = DEMO_WEEK
SECTION_TITLES = ["观策·论市", "复盘·内观", "中观·景气", "出口", "资金·众寡", "主题·风向", "数据·估值"]
PUBLISHED = [
    "47.6", "89.8", "15.9", "19.2", "86.7", "25.8", "49.3", "38.4",  # fund flows
    "3155.9", "881.9", "136.43", "46.48", "35.43", "-4.81", "1819.04", "57.64",  # exports
    "131.05", "-2.96", "-17.17", "306.72", "-20.04", "-26.15",  # IC trade
    "258.4", "245.1", "25578", "-31.03", "13080", "-14.60", "396.8", "-20.70",  # autos, machinery, SIA
    "97.17", "5043.33", "14.70", "-0.54", "-0.77", "-0.76", "11389.0",  # paper, valuation, market
    "13.4", "15.0", "13.5",  # trade structure
]  # fmt: skip


@pytest.fixture
def demo_copy(demo_warehouse: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    """A copy of the demo build's landing zone and published database, for a test to change."""
    p = point_env_at(Paths(home=tmp_path / "home", reports=tmp_path / "reports"), monkeypatch)
    p.home.mkdir(parents=True)
    shutil.copytree(demo_warehouse.home / "landing", p.home / "landing", ignore=shutil.ignore_patterns(".landing.lock"))
    shutil.copytree(demo_warehouse.home / "serving", p.home / "serving", symlinks=True)
    return p


def _writable_serving(p: Paths) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(p.serving_db.resolve()))


@pytest.fixture(scope="module")
def rendered(demo_warehouse: Paths, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Paths, object]]:
    """The demo week rendered once (into this module's own folder) for the tests that only read the files."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        p = point_env_at(demo_warehouse, monkeypatch)
        out = tmp_path_factory.mktemp("rendered")
        started = time.perf_counter()
        files = _render(out_root=out)
        print(f"\nrender of {WEEK} (demo build): {time.perf_counter() - started:.2f} s -> {files.folder}")
        yield Paths(home=p.home, reports=out), files


def _render(as_of: datetime = AS_OF, week: str = WEEK, out_root: Path | None = None):
    from reporting.weekly import render_weekly_summary

    return render_weekly_summary(week, as_of=as_of, out_root=out_root)


def _sections(markdown: str) -> dict[str, str]:
    parts = re.split(r"^## ", markdown, flags=re.M)[1:]
    return {p.splitlines()[0]: p for p in parts}


def test_three_files_with_every_section_in_the_notes_order(rendered) -> None:
    built, files = rendered
    assert files.markdown.exists() and files.html.exists() and files.xlsx.exists()
    assert files.folder == built.reports / WEEK
    text = files.markdown.read_text(encoding="utf-8")
    headings = re.findall(r"^## \d+\. (.+)$", text, flags=re.M)
    assert headings == SECTION_TITLES
    for title, body in _sections(text).items():
        if title.startswith("附录"):
            continue
        assert re.search(r"^- .+。$", body, flags=re.M), f"section {title} has no data sentence"
        assert "来源：" in body and ("数据截至：" in body or "数据期：" in body), f"section {title} lacks source/as-of"
    for figure in PUBLISHED:
        assert figure in text, f"published figure {figure} missing from the Markdown"
    assert "北上资金本周净流入47.6亿元，从前期净流出转为净流入" in text
    assert "3月挖掘机销量为25578台，同比跌幅扩大18.64个百分点至31.03%" in text
    assert "本周涨幅居前的主要为影视、西安自贸区、IP流量变现" in text
    assert (
        "北上资金净买入规模较高的为中远海控、金山办公、拓普集团等；净卖出规模较高的包括贵州茅台、中国平安、药明康德等"
        in text
    )
    assert (
        "融资净买入较高个股包括贵州茅台、昆仑万维、浪潮信息等；净卖出较多的主要包括拓普集团、工业富联、中微公司等"
        in text
    )
    assert "对东盟的进出口份额占比从此前的13.4%提升至15.0%" in text
    assert "对欧盟进出口占总进出口的比重减少了1.5个百分点至13.5%" in text
    assert "## 附录" in text


def test_demo_banner_and_metadata_markdown(rendered) -> None:
    files = rendered[1]
    text = files.markdown.read_text(encoding="utf-8")
    assert "演示数据" in text.split("## 1.")[0]
    assert "| 指数 | 代码 |" in files.metadata_markdown
    assert "![" not in files.metadata_markdown  # images do not resolve in the Dagster UI
    assert "![" in text and all(c.exists() for c in files.charts)


def test_no_banner_for_real_data(demo_copy: Paths) -> None:
    # what a real-data build differs by: manifests and mart rows not flagged as demo data
    for manifest in (demo_copy.home / "landing").glob("*/*.json"):
        record = json.loads(manifest.read_text(encoding="utf-8"))
        manifest.write_text(json.dumps({**record, "demo": False}, ensure_ascii=False), encoding="utf-8")
    (demo_copy.home / "landing" / "_catalogue.duckdb").unlink()  # rebuilt from the manifests
    con = _writable_serving(demo_copy)
    marts = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.columns where table_schema = 'marts' and column_name = 'is_demo'"
        ).fetchall()
    ]
    assert marts
    for mart in marts:
        con.execute(f"update marts.{mart} set is_demo = false")
    con.close()
    text = _render().markdown.read_text(encoding="utf-8")
    assert "演示数据：" not in text


def test_html_is_self_contained(rendered) -> None:
    html = rendered[1].html.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "external resource in the HTML"
    assert "<link" not in html and "<script" not in html
    assert html.count('src="data:image/png;base64,') == 6
    assert "data:font/woff;base64," in html  # the CJK font travels with the page
    for key in ("market_review", "industry_cycle", "exports", "fund_flows", "valuation", "appendix"):
        assert f'data-section="{key}"' in html


def test_excel_has_a_sheet_per_section_with_numbers(rendered) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(rendered[1].xlsx)
    assert wb.sheetnames == ["封面", *[f"{i}.{t}" for i, t in enumerate(SECTION_TITLES, start=1)], "附录·数据质量"]
    flows = wb["5.资金·众寡"]
    values = {row[0]: row[2] for row in flows.iter_rows(values_only=True) if row and row[0]}
    assert values["北向资金净买入"] == pytest.approx(47.6)  # a number, not text
    assert len(flows._images) == 1
    assert len(wb["7.数据·估值"]._images) == 1
    assert len(wb["1.观策·论市"]._images) == 1  # gold against the real-rate proxy
    themes = [row[2] for row in wb["6.主题·风向"].iter_rows(values_only=True) if row and row[0] == "涨幅前5"]
    assert themes[:3] == ["影视", "西安自贸区", "IP流量变现"]


def test_charts_render_chinese_without_missing_glyphs(rendered) -> None:
    files = rendered[1]
    assert files.glyph_warnings == ()
    assert len(files.charts) == 6
    for chart in files.charts:
        assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cjk_font_comes_from_the_mplfonts_wheel() -> None:
    from reporting.fonts import cjk_font_path

    path = cjk_font_path()
    assert "mplfonts" in path.parts and path.name == "NotoSansCJKsc-Regular.otf"


def test_monthly_tables_show_what_was_published_by_the_cutoff(use_demo_warehouse: Paths, tmp_path: Path) -> None:
    # before customs published March (2023-04-13 11:00), the W15 report shows February
    early = datetime.fromisoformat("2023-04-12T20:00+08:00")
    text = _render(as_of=early, out_root=tmp_path).markdown.read_text(encoding="utf-8")
    exports = _sections(text)["4. 出口"]
    assert "进出口总览（2023年2月）" in exports and "3155.9" not in exports
    cycle = _sections(text)["3. 中观·景气"]
    assert "工程机械销量（工程机械工业协会，2023年3月）" in cycle  # CCMA published on 04-10
    assert "汽车产销（中汽协，2023年3月）" in cycle  # CAAM published on 04-11
    # March IC trade is published with the customs release on 04-13: February is the latest by the cut-off
    assert "集成电路进出口（海关 HS 8542，2023年2月）" in cycle
    assert "集成电路进出口（海关 HS 8542，2023年3月）" not in cycle and "131.05" not in cycle


def test_stale_and_failed_sources_are_flagged_in_their_tables(demo_copy: Paths) -> None:
    # paper prices: the load of 2023-04-10 (prices of 04-07) never arrived
    newest = max((demo_copy.home / "landing" / "paper_prices").glob("*.json"))
    assert newest.name.startswith("20230410")
    newest.unlink()
    newest.with_suffix(".parquet").unlink()
    # CAAM autos: the last check failed (a row of quality.check_results, columns as the store made them)
    con = _writable_serving(demo_copy)
    con.execute(
        "insert into quality.check_results by name select 'later-run' as run_id, ? as checked_at, 'caam_autos' as source, "
        "'great_expectations' as check_name, false as passed, 'ERROR' as severity, 1 as loads_checked, "
        "1 as loads_failed, ? as summary, '[]' as failures",
        [datetime.now(UTC) + timedelta(hours=1), "caam_autos: 1 failed (blocking)\n- [critical] 第3行「销量」为负数"],
    )
    con.close()
    text = _render().markdown.read_text(encoding="utf-8")
    paper = text.split("### 纸价（周度）")[1].split("###")[0]
    assert "⚠" in paper and "paper_prices" in paper and "滞后" in paper and "2023-03-31" in paper
    autos = text.split("### 汽车产销")[1].split("###")[0]
    assert "⚠" in autos and "caam_autos" in autos and "未通过" in autos
    machinery = text.split("### 工程机械销量")[1].split("###")[0]
    assert "未通过" not in machinery and "滞后" not in machinery  # its source passed and is fresh
    appendix = text.split("## 附录")[1]
    paper_row = next(line for line in appendix.splitlines() if "| paper_prices |" in line)
    assert "| 2023-03-31 | 2023-04-07 | 滞后 |" in paper_row
    assert "未通过" in next(line for line in appendix.splitlines() if "| caam_autos |" in line)


def test_a_missing_mart_is_said_not_hidden(demo_copy: Paths) -> None:
    con = _writable_serving(demo_copy)
    con.execute("drop table marts.mart_etf_flows_weekly")
    con.close()
    text = _render().markdown.read_text(encoding="utf-8")
    assert "（数据暂缺：marts.mart_etf_flows_weekly 未发布）" in text


def test_a_published_cumulative_yoy_that_disagrees_is_flagged(demo_copy: Paths) -> None:
    """report_spec: every published yoy more than 0.5 pp from the computed one is a warning, the
    cumulative (累计同比) one as well as the monthly one."""
    con = _writable_serving(demo_copy)
    con.execute(
        "update marts.mart_industry_cycle_monthly set ytd_yoy_pct_computed = -24.0, ytd_yoy_disagrees = true "
        "where indicator = 'ccma_excavator_sales' and month = date '2023-03-01'"
    )
    con.close()
    text = _render().markdown.read_text(encoding="utf-8")
    machinery = text.split("### 工程机械销量")[1].split("###")[0]
    assert "挖掘机销量：公布累计同比 -25.53% 与按入库数据计算的累计同比 -24.00% 相差超过0.5个百分点。" in machinery
    assert "挖掘机销量：公布同比" not in machinery  # the monthly yoy still agrees
    # the demo's loaders disagree already (-7.88 published, -8.95 computed from the landed months)
    assert "装载机销量：公布累计同比 -7.88% 与按入库数据计算的累计同比 -8.95%" in machinery


def test_a_flow_without_data_this_week_says_so(demo_copy: Paths) -> None:
    """A week with trading days but no northbound data: the row is there, with 本周无数据 and its source."""
    con = _writable_serving(demo_copy)
    con.execute(
        "update marts.mart_fund_flows_weekly set value = null, change = null, days_covered = 0, "
        "source_name = 'stock_hsgt_hist_em' where week_id = '2023-W15' and flow = 'northbound_net_buy'"
    )
    con.close()
    text = _render().markdown.read_text(encoding="utf-8")
    flows = text.split("### 资金流向汇总")[1].split("###")[0]
    row = next(line for line in flows.splitlines() if line.startswith("| 北向资金净买入 |"))
    assert "本周无数据（stock_hsgt_hist_em）" in row and "47.6" not in row
    assert "北向资金净买入本周无数据" in flows  # in the as-of line under the table
    assert "北上资金本周" not in _sections(text)["5. 资金·众寡"]  # no sentence about a figure that is missing
    connect = text.split("### 沪深港通资金")[1].split("###")[0]
    assert "本周无数据（stock_hsgt_hist_em）" in connect
