"""summary.html in headless Chromium: every section's tables are there, no console errors, no
request leaves the file, and a screenshot lands beside the report (screenshot.png)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ground.settings import Paths
from reporting.sample import AS_OF, WEEK, build_sample_warehouse

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
TABLES = {
    "outlook": ["outlook_backdrop"],
    "market_review": ["market_indices", "market_turnover", "market_industries", "market_connect"],
    "industry_cycle": ["cycle_autos", "cycle_auto_shares", "cycle_machinery", "cycle_semiconductors", "cycle_ic_trade", "cycle_taiwan",
                       "cycle_paper"],
    "exports": ["exports_total", "exports_partners", "exports_products", "exports_structure"],
    "fund_flows": ["flows_summary", "flows_etf_groups", "flows_industry_northbound_net_buy",
                   "flows_industry_margin_financing_net_buy", "flows_industry_shareholder_net_change",
                   "flows_stocks_northbound_net_buy", "flows_stocks_margin_financing_net_buy"],
    "themes": ["themes_boards"],
    "valuation": ["valuation_market", "valuation_industries"],
    "appendix": ["appendix_sources"],
}  # fmt: skip


def _chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (Debian package chromium; .ci/run installs it)")
    if shutil.which("chromium") is None and not CHROMIUM.exists():
        pytest.skip("chromium is not installed")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright Python package is not installed")
    return CHROMIUM


def check_in_browser(html: Path, screenshot: Path) -> dict:
    """Open ``html`` offline; return what the page showed (tables per section, errors, requests)."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(_chromium()), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
            page.goto(html.as_uri(), wait_until="load")
            found = {
                key: page.eval_on_selector_all(
                    f'[data-section="{key}"] [data-table]', "els => els.map(e => e.dataset.table)"
                )
                for key in TABLES
            }
            rows = page.eval_on_selector_all("[data-table] tbody tr", "els => els.length")
            images = page.eval_on_selector_all(
                "img[data-chart]", "els => els.map(e => e.complete && e.naturalWidth > 0)"
            )
            font_ok = page.evaluate("document.fonts.check('16px ReportCJK', '北上资金')")
            page.screenshot(path=str(screenshot), full_page=False)
        finally:
            browser.close()
    return {"tables": found, "errors": errors, "outside": outside, "rows": rows, "images": images, "font": font_ok}


def test_html_report_in_headless_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _chromium()
    p = Paths(home=tmp_path / "home", reports=tmp_path / "reports")
    monkeypatch.setenv("WAREHOUSE_HOME", str(p.home))
    monkeypatch.setenv("WAREHOUSE_REPORTS", str(p.reports))
    build_sample_warehouse(p.home, demo=True)
    from reporting.weekly import render_weekly_summary

    files = render_weekly_summary(WEEK, as_of=AS_OF)
    screenshot = files.folder / "screenshot.png"
    seen = check_in_browser(files.html, screenshot)
    print(f"\nscreenshot: {screenshot}")
    assert seen["errors"] == []
    assert seen["outside"] == [], "the page asked the network for something"
    for section, tables in TABLES.items():
        assert seen["tables"][section] == tables, f"section {section} shows {seen['tables'][section]}"
    assert seen["rows"] > 100
    assert seen["images"] and all(seen["images"]), "a chart did not load"
    assert seen["font"], "the embedded CJK font did not load"
    assert screenshot.stat().st_size > 20_000
