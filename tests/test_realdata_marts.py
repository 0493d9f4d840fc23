"""The marts built from real recorded data (/work/shared/realdata), checked against the files.

Lands the real ``macro_china_hgjck`` export (Eastmoney, amounts in 千美元) as it is, and the real
daily index files of ``index_daily/`` as ``index_zh_a_hist`` loads, converted here from their
English columns to the akshare raw shape (日期, 开盘, 收盘, 最高, 最低, 成交量, 成交额, 振幅, 涨跌幅,
涨跌额, 换手率) because the landing zone only takes a source's own shape. Per SOURCES.md, 399006's
columns come in another order (date, open, high, low, close …) and its 2023 amounts are in
thousand yuan (the others: yuan; volumes are lots). The trading calendar is the real SSE trading
days of the 上证指数 file. One weekly build of 2023-W15 as of its report moment, then the index
weekly returns and the customs headline are compared with numbers computed directly from the
files with pandas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cli.commands import main
from ground.settings import Paths

from .conftest import DEMO_AS_OF, DEMO_WEEK, REALDATA, point_env_at

pytestmark = [pytest.mark.slow, pytest.mark.realdata]

INDEX_DIR = REALDATA / "index_daily"
HGJCK_FILE = REALDATA / "trade" / "macro_china_hgjck.csv"
if not (INDEX_DIR.exists() and HGJCK_FILE.exists()):
    pytest.skip(f"real recorded data not found under {REALDATA}", allow_module_level=True)

INDEX_FILES = sorted(INDEX_DIR.glob("*.csv"))
AMOUNT_IN_THOUSANDS = {"399006"}  # SOURCES.md: 399006's 2023 amounts are thousand yuan
RAW_COLUMNS = ["日期", "开盘", "收盘", "最高", "最低", "成交量", "成交额", "振幅", "涨跌幅", "涨跌额", "换手率"]


def read_index(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path)  # by column name: 399006's order differs
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame.sort_values("date").reset_index(drop=True)


def index_raw_frame(path: Path) -> pd.DataFrame:
    """The real file in index_zh_a_hist's raw shape (units: 成交量 手, 成交额 元)."""
    code = path.name.split(".")[0]
    frame = read_index(path)
    prev_close = frame["close"].shift(1)
    has_eastmoney_columns = {"amplitude", "change_percent", "change_amount", "turnover"} <= set(frame.columns)
    amount = frame["amount"] * (1000.0 if code in AMOUNT_IN_THOUSANDS else 1.0)
    return pd.DataFrame(
        {
            "日期": frame["date"],
            "开盘": frame["open"].astype(float),
            "收盘": frame["close"].astype(float),
            "最高": frame["high"].astype(float),
            "最低": frame["low"].astype(float),
            "成交量": frame["volume"].astype(float),
            "成交额": amount.astype(float),
            "振幅": frame["amplitude"] if has_eastmoney_columns else (frame["high"] - frame["low"]) / prev_close * 100,
            "涨跌幅": frame["change_percent"] if has_eastmoney_columns else (frame["close"] / prev_close - 1) * 100,
            "涨跌额": frame["change_amount"] if has_eastmoney_columns else frame["close"] - prev_close,
            "换手率": frame["turnover"].astype(float) if has_eastmoney_columns else float("nan"),
        }
    )[RAW_COLUMNS]


def trading_calendar() -> pd.DataFrame:
    """Real SSE trading days: the dates of the 上证指数 file."""
    return pd.DataFrame({"trade_date": read_index(INDEX_DIR / "000001.SH.csv")["date"]})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Paths]:
    from ingestion.files import read_raw_file
    from ingestion.landing import land_frame
    from ingestion.registry import get_source

    monkeypatch = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("realdata")
    p = point_env_at(Paths(home=root / "home", reports=root / "reports"), monkeypatch).ensure()
    land_frame(
        get_source("tool_trade_date_hist_sina"),
        trading_calendar(),
        origin="test",
        fetched_at=datetime(2018, 1, 1, tzinfo=UTC),
    )
    # the real export as the source returns it; a backfill known before the report moment
    hgjck = get_source("macro_china_hgjck")
    land_frame(
        hgjck,
        read_raw_file(hgjck, HGJCK_FILE),
        origin="test",
        fetched_at=datetime(2023, 4, 13, 3, 0, tzinfo=UTC),
        file_name=HGJCK_FILE.name,
    )
    index_source = get_source("index_zh_a_hist")
    for path in INDEX_FILES:
        frame = index_raw_frame(path)
        params = {
            **index_source.params,
            "symbol": path.name.split(".")[0],
            "start_date": f"{frame['日期'].min():%Y%m%d}",
            "end_date": f"{frame['日期'].max():%Y%m%d}",
        }
        land_frame(index_source, frame, params, origin="test", fetched_at=datetime(2023, 4, 14, 8, 30, tzinfo=UTC))
    result = CliRunner().invoke(main, ["build", "--week", DEMO_WEEK, "--as-of", DEMO_AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    yield p
    monkeypatch.undo()


def query(sql: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(main, ["query", sql])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def expected_weekly(path: Path) -> tuple[float, float, float]:
    """close on 2023-04-14 / close on W14's last trading day - 1, and YTD, straight from the file."""
    frame = read_index(path).set_index("date")["close"]
    days = list(frame.index)
    week_end = pd.Timestamp("2023-04-14").date()
    prev_week_last = max(d for d in days if d < pd.Timestamp("2023-04-10").date())
    year_end = max(d for d in days if d < pd.Timestamp("2023-01-01").date())
    close = frame[week_end]
    return close, (close / frame[prev_week_last] - 1) * 100, (close / frame[year_end] - 1) * 100


@pytest.mark.parametrize("path", INDEX_FILES, ids=lambda p: p.name.split(".")[0])
def test_index_weekly_returns_of_2023_w15(built: Paths, path: Path) -> None:
    code = path.name.split(".")[0]
    rows = query(
        "select close, weekly_return_pct, ytd_return_pct, last_trading_day, trading_days "
        f"from marts.mart_market_weekly where week_id = '2023-W15' and index_code = '{code}'"
    )
    assert len(rows) == 1, rows
    close, weekly, ytd = expected_weekly(path)
    assert float(rows[0]["close"]) == pytest.approx(close)
    assert float(rows[0]["weekly_return_pct"]) == pytest.approx(weekly, abs=1e-9)
    assert float(rows[0]["ytd_return_pct"]) == pytest.approx(ytd, abs=1e-9)
    assert rows[0]["last_trading_day"] == "2023-04-14"
    assert rows[0]["trading_days"] == "5"


def test_the_notes_index_returns_come_out(built: Paths) -> None:
    """沪深300 −0.76 %, 创业板指 −0.77 % in the note, from the real closes."""
    rows = {
        r["index_code"]: float(r["weekly_return_pct"])
        for r in query("select index_code, weekly_return_pct from marts.mart_market_weekly where week_id = '2023-W15'")
    }
    assert round(rows["000300"], 2) == -0.76
    assert round(rows["399006"], 2) == -0.77


def test_customs_headline_in_usd_100m(built: Paths) -> None:
    raw = pd.read_csv(HGJCK_FILE)
    by_month = raw.set_index("月份")
    march, february = by_month.loc["2023年03月份"], by_month.loc["2023年02月份"]
    rows = {
        r["member"]: r
        for r in query(
            "select member, value_usd_100m, yoy_pct, yoy_pct_prev, yoy_pct_published "
            "from marts.mart_exports_monthly where month = date '2023-03-01' and dimension = 'total'"
        )
    }
    exports = march["当月出口额-金额"] / 1e5  # 千美元 -> 亿美元
    imports = march["当月进口额-金额"] / 1e5
    assert float(rows["exports"]["value_usd_100m"]) == pytest.approx(exports)
    assert float(rows["imports"]["value_usd_100m"]) == pytest.approx(imports)
    assert float(rows["trade_balance"]["value_usd_100m"]) == pytest.approx(exports - imports)
    assert float(rows["exports"]["yoy_pct"]) == pytest.approx(march["当月出口额-同比增长"])
    assert float(rows["exports"]["yoy_pct_prev"]) == pytest.approx(february["当月出口额-同比增长"])
    assert float(rows["imports"]["yoy_pct"]) == pytest.approx(march["当月进口额-同比增长"])
    assert 2000 < exports < 4000  # 亿美元, not 千美元


def test_customs_yoy_computed_from_the_real_history(built: Paths) -> None:
    raw = pd.read_csv(HGJCK_FILE).set_index("月份")
    expected = (raw.loc["2023年03月份", "当月出口额-金额"] / raw.loc["2022年03月份", "当月出口额-金额"] - 1) * 100
    row = query(
        "select yoy_pct_computed from marts.mart_exports_monthly "
        "where month = date '2023-03-01' and dimension = 'total' and member = 'exports'"
    )
    assert float(row[0]["yoy_pct_computed"]) == pytest.approx(expected)


def test_months_published_after_the_report_moment_are_not_visible(built: Paths) -> None:
    # April 2023 is in the file but public only on 2023-05-13
    latest = query("select max(month) as latest from marts.mart_exports_monthly")
    assert latest == [{"latest": "2023-03-01"}]
