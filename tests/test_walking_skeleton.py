"""One source end to end through the real layers, and the CLI around it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.commands import main
from ground.settings import Paths

from .conftest import DEMO_AS_OF, DEMO_WEEK

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Paths]:
    """The minimal landing (calendar + two years of customs totals) built for 2023-W15."""
    monkeypatch = pytest.MonkeyPatch()
    from ingestion.landing import land_frame
    from ingestion.registry import get_source

    from .conftest import hgjck_frame, land_calendar, point_env_at

    root = tmp_path_factory.mktemp("skeleton")
    p = point_env_at(Paths(home=root / "home", reports=root / "reports"), monkeypatch).ensure()
    land_calendar()
    months = [f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13) if (y, m) <= (2023, 4)]
    # thousand USD; March 2023 exports 3155.9 亿美元 = 315,590,000 千美元, imports 2274.0 亿美元
    exports = [2.60e8 + 1e6 * i for i in range(len(months))]
    imports = [2.10e8 + 1e6 * i for i in range(len(months))]
    exports[months.index("2022-03")], imports[months.index("2022-03")] = 2.749e8, 2.306e8
    exports[months.index("2023-03")], imports[months.index("2023-03")] = 3.1559e8, 2.2740e8
    yoy = [0.0] * len(months)
    yoy[months.index("2023-02")], yoy[months.index("2023-03")] = -6.8, 14.8
    from datetime import UTC, datetime

    land_frame(
        get_source("macro_china_hgjck"),
        hgjck_frame(months, exports, imports, yoy),
        origin="test",
        fetched_at=datetime(2023, 5, 9, 3, 0, tzinfo=UTC),  # after April's release: as of W15 it is invisible
        available_at=datetime(2023, 4, 13, 3, 0, tzinfo=UTC),
    )
    result = CliRunner().invoke(main, ["build", "--week", DEMO_WEEK, "--as-of", DEMO_AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    yield p
    monkeypatch.undo()


def _query(sql: str) -> list[dict[str, str]]:
    result = CliRunner().invoke(main, ["query", sql])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_customs_totals_reach_the_mart_in_usd_100m(built: Paths) -> None:
    rows = _query(
        "select member, value_usd_100m, yoy_pct, yoy_pct_prev, yoy_pct_computed "
        "from marts.mart_exports_monthly where month = date '2023-03-01' and dimension = 'total' order by member"
    )
    by_member = {r["member"]: r for r in rows}
    assert float(by_member["exports"]["value_usd_100m"]) == pytest.approx(3155.9)
    assert float(by_member["imports"]["value_usd_100m"]) == pytest.approx(2274.0)
    assert float(by_member["trade_balance"]["value_usd_100m"]) == pytest.approx(881.9)
    assert float(by_member["exports"]["yoy_pct"]) == pytest.approx(14.8)  # the published yoy wins
    assert float(by_member["exports"]["yoy_pct_prev"]) == pytest.approx(-6.8)
    assert float(by_member["exports"]["yoy_pct_computed"]) == pytest.approx((3155.9 / 2749.0 - 1) * 100)
    # balance has no published yoy: computed from 2022-03's 2749.0 - 2306.0 = 443.0
    assert float(by_member["trade_balance"]["yoy_pct"]) == pytest.approx((881.9 / 443.0 - 1) * 100)


def test_a_build_as_of_the_report_moment_does_not_see_later_months(built: Paths) -> None:
    months = _query("select max(month) as latest from marts.mart_exports_monthly")
    assert months == [{"latest": "2023-03-01"}]  # April's figures are published 2023-05-13


def test_query_prints_csv_with_a_header(built: Paths) -> None:
    result = CliRunner().invoke(
        main, ["query", "select 1 as one, '出口' as name, 3155.9::double - 2274.0 as balance, null as nothing"]
    )
    assert result.stdout == "one,name,balance,nothing\n1,出口,881.9,\n"


def test_query_refuses_writes(built: Paths) -> None:
    result = CliRunner().invoke(main, ["query", "create table marts.x as select 1"])
    assert result.exit_code != 0 and "read-only" in result.output.lower()


def test_sources_lists_every_registered_source_with_its_check(built: Paths) -> None:
    from ingestion.registry import registry

    result = CliRunner().invoke(main, ["sources"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for name in registry():
        assert any(line.startswith(name + " ") for line in lines), name
    hgjck = next(line for line in lines if line.startswith("macro_china_hgjck "))
    assert "passed" in hgjck and "2023-04-01" in hgjck


def test_the_report_prints_the_month_the_week_covers(built: Paths) -> None:
    summary = (built.reports / DEMO_WEEK / "summary.md").read_text(encoding="utf-8")
    assert "进出口总览（2023年3月）" in summary and "| 出口 | 3155.9 | +14.80 | -6.80 |" in summary


def test_a_rebuild_with_nothing_changed_is_skipped(built: Paths) -> None:
    from warehouse.publish import current_version

    before = current_version()
    result = CliRunner().invoke(main, ["build", "--week", DEMO_WEEK, "--as-of", DEMO_AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Nothing changed since the last build of 2023-W15" in result.output
    assert current_version() == before  # nothing republished


def test_ingest_lands_a_new_load_and_says_so(built: Paths, tmp_path: Path) -> None:
    from .conftest import hgjck_frame

    path = tmp_path / "hgjck.csv"
    hgjck_frame(["2023-03"], [3.2e8], [2.3e8], [15.0]).to_csv(path, index=False)
    result = CliRunner().invoke(main, ["ingest", "macro_china_hgjck", "--file", str(path)])
    assert result.exit_code == 0, result.output
    assert "Landed 1 rows of macro_china_hgjck" in result.output
    again = CliRunner().invoke(main, ["ingest", "macro_china_hgjck", "--file", str(path)])
    assert "no new load" in again.output
    unknown = CliRunner().invoke(main, ["ingest", "no_such_source", "--file", str(path)])
    assert unknown.exit_code != 0 and "unknown source 'no_such_source'" in unknown.output
