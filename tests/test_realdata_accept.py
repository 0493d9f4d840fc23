"""Real data meets the checks: half a year of real two-market margin history over a longer load.

A new user has the demo's loads of 两融账户信息 (``stock_margin_account_info``, Eastmoney's
two-market series, 2021-01 to 2023-04, 552 rows in its newest load) and lands the real recorded
series of /work/shared/realdata/margin/margin.csv (SOURCES.md: ``eastmoney-all``, SSE+SZSE
combined, 亿元, 2023-01-03..2023-06-30, 118 rows). The recording is served by the simulated
Eastmoney data centre (RPTA_WEB_MARGIN_DAILYTRADE; 融资余额 and 融资买入额 as recorded, the fields
it lacks as null), akshare's own ``stock_margin_account_info`` fetches it through ``Fetcher``, and
the frame akshare returned, saved as Parquet, lands through ``warehouse ingest --available-at`` (a
backfill, known from when its last day was published). Then, as a user would:

1. ``warehouse build`` is blocked by the row-count guard (118 rows after 552: more than 50 %
   fewer), rightly: a full reload that shrinks is suspicious, and no build reads the load;
2. ``warehouse sources`` lists the quarantined load and what failed;
3. ``warehouse accept`` releases it with a reason;
4. ``warehouse build`` publishes: the week's net financing buy is the real figure, and the
   report's appendix and the fund-flow table name the acceptance.

The real file is read from /work/shared/realdata; never copied into the repository.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from cli.commands import main
from ground.settings import DEMO_LANDING, Paths
from ingestion.registry import get_source

from .conftest import DEMO_WEEK, REALDATA, point_env_at

pytestmark = [pytest.mark.slow, pytest.mark.realdata]

MARGIN_FILE = REALDATA / "margin" / "margin.csv"
if not MARGIN_FILE.exists():
    pytest.skip(
        f"real two-market margin history not found at {MARGIN_FILE} (see /work/shared/realdata/SOURCES.md)",
        allow_module_level=True,
    )

SOURCE = "stock_margin_account_info"
REASON = "real Eastmoney two-market history, 2023H1 only; replaces the demo's longer synthetic series"


def real_margin() -> pd.DataFrame:
    frame = pd.read_csv(MARGIN_FILE)
    assert set(frame["source"]) == {"eastmoney-all"}  # SSE+SZSE combined: this source's series
    return frame


def fetched_margin_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """What akshare's stock_margin_account_info returns for the recording, saved as Parquet."""
    from ingestion.fetching import Fetcher
    from simulator import Simulator, routing

    real = real_margin()
    served = pd.DataFrame(
        {"日期": pd.to_datetime(real["date"]).dt.date, "融资余额": real["fin_balance"], "融资买入额": real["fin_buy"]}
    )
    with Simulator() as upstream:
        monkeypatch.setenv("WAREHOUSE_UPSTREAM", upstream.url)
        routing.install(upstream.url)
        try:
            upstream.dataset.put(SOURCE, served)
            fetcher = Fetcher(deadline_seconds=60, max_attempts=1, min_interval_seconds=0, backoff_base=0)
            frame = fetcher.fetch(get_source(SOURCE))
        finally:
            routing.uninstall()
            monkeypatch.delenv("WAREHOUSE_UPSTREAM")
    assert list(frame.columns) == get_source(SOURCE).column_names and len(frame) == len(real)
    path = folder / "margin_2023H1.parquet"
    frame.to_parquet(path, index=False)
    return path


@dataclass
class Story:
    paths: Paths
    load_id: str
    blocked: Result
    published_when_blocked: bool
    held: Result
    accepted: Result
    built: Result


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    monkeypatch = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("realdata_accept")
    p = point_env_at(Paths(home=root / "home", reports=root / "reports"), monkeypatch).ensure()
    for name in ("tool_trade_date_hist_sina", SOURCE):  # what `warehouse demo` installs of these two
        shutil.copytree(DEMO_LANDING / name, p.landing / name)
    runner = CliRunner()
    path = fetched_margin_file(root, monkeypatch)
    ingest = runner.invoke(main, ["ingest", SOURCE, "--file", str(path), "--available-at", "2023-07-01T09:00+08:00"])
    assert ingest.exit_code == 0, ingest.output
    load_id = ingest.output.split(" as load ", 1)[1].split(" ", 1)[0]
    blocked = runner.invoke(main, ["build", "--week", DEMO_WEEK])
    published_when_blocked = p.serving_db.exists()
    held = runner.invoke(main, ["sources"])
    accepted = runner.invoke(main, ["accept", load_id, "--reason", REASON, "--by", "analyst"])
    built = runner.invoke(main, ["build", "--week", DEMO_WEEK])
    yield Story(p, load_id, blocked, published_when_blocked, held, accepted, built)
    monkeypatch.undo()


def test_the_shorter_real_history_is_blocked_by_the_row_count_guard(story: Story) -> None:
    assert story.blocked.exit_code == 1, story.blocked.output
    output = story.blocked.output
    assert f"check great_expectations on landing/{SOURCE} failed [ERROR]" in output
    assert f"row_count_vs_previous_load: load {story.load_id} of {SOURCE} (margin_2023H1.parquet" in output
    assert "has 118 rows, the previous load of the same parameters had 552 (more than 50 % fewer)" in output
    assert "load_is_fresh" not in output  # landed with --available-at, as a backfill should be
    assert "`warehouse accept LOAD_ID --reason …`" in output
    assert not story.published_when_blocked  # nothing was published


def test_sources_lists_the_quarantined_load_with_what_failed(story: Story) -> None:
    assert story.held.exit_code == 0, story.held.output
    row = next(line for line in story.held.output.splitlines() if line.startswith(SOURCE))
    assert "FAILED (1 load quarantined)" in row
    line = next(line for line in story.held.output.splitlines() if story.load_id in line)
    assert "margin_2023H1.parquet: row_count_vs_previous_load" in line


def test_accepted_the_next_build_publishes_the_real_figures(story: Story) -> None:
    assert story.accepted.exit_code == 0, story.accepted.output
    assert "overrides row_count_vs_previous_load; accepted by analyst" in story.accepted.output
    assert story.built.exit_code == 0, story.built.output
    result = CliRunner().invoke(
        main,
        [
            "query",
            "select value, days_covered, is_demo from marts.mart_fund_flows_weekly "
            f"where week_id = '{DEMO_WEEK}' and flow = 'margin_financing_net_buy'",
        ],
    )
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    balance = real_margin().set_index("date")["fin_balance"]
    # 04-14's balance is published 04-15 09:00, after the report moment: the week ends on 04-13
    assert float(row["value"]) == pytest.approx(balance["2023-04-13"] - balance["2023-04-07"])
    assert row["is_demo"] == "False"


def test_the_report_names_the_acceptance(story: Story) -> None:
    summary = (story.paths.reports / DEMO_WEEK / "summary.md").read_text(encoding="utf-8")
    [note] = [line for line in summary.splitlines() if line.startswith("注：人工放行：")]
    assert f"（{SOURCE}）入库 {story.load_id}（margin_2023H1.parquet，118 行）未通过 row_count_vs_previous_load" in note
    assert "由 analyst 于 " in note and f"理由：「{REASON}」" in note and "检查套件版本 " in note
    appendix_row = next(line for line in summary.splitlines() if f"| {SOURCE} |" in line)
    assert "通过（含人工放行入库 1 次）" in appendix_row and "| 118 |" in appendix_row
    assert f"数据源 {SOURCE}（两融账户信息）使用了复核后人工放行的入库 {story.load_id}" in summary
    html = (story.paths.reports / DEMO_WEEK / "summary.html").read_text(encoding="utf-8")
    assert "人工放行" in html and story.load_id in html


def test_sources_shows_the_acceptance_after_the_build(story: Story) -> None:
    rows = json.loads(CliRunner().invoke(main, ["sources", "--json"]).output)
    entry = next(r for r in rows if r["source"] == SOURCE)
    assert entry["check_status"] == "passed (1 load accepted)" and entry["rows"] == 118
    [acceptance] = entry["accepted_loads"]
    assert (acceptance["load_id"], acceptance["accepted_by"], acceptance["reason"]) == (
        story.load_id,
        "analyst",
        REASON,
    )
    assert [o["check"] for o in acceptance["overrides"]] == ["row_count_vs_previous_load"]
