"""The dbt project on a small hand-made landing zone: every mart figure against a hand computation.

``land_fixture`` (tests/dbt_landing_fixture.py) lands one or more loads for every registered source; the
module fixture creates the landing views and runs ``dbt build`` (models, data tests and the unit
tests of the metric macros) as of the report moment of 2023-W15. The figures exercise what is
easy to get wrong: publication lags (Friday's margin balance is not public on Friday evening),
a day one exchange has not published, point-in-time industry membership, the price of a
shareholder change (the first pull that saw it), CPCA's changing year columns, percentiles over
earlier observations only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ground.settings import DBT_PROJECT_DIR

from .dbt_landing_fixture import AS_OF, land_fixture

pytestmark = pytest.mark.slow

DBT = str(Path(sys.executable).parent / "dbt")


def run_dbt(args: list[str], database: Path, work: Path) -> subprocess.CompletedProcess[str]:
    """dbt with its own target and log folders, so the project's manifest is left alone."""
    env = {**os.environ, "WAREHOUSE_DUCKDB": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    command = [
        DBT, *args,
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
    ]  # fmt: skip
    return subprocess.run(command, env=env, cwd=DBT_PROJECT_DIR, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict[str, Any]]]:
    from ingestion.landing import list_loads
    from ingestion.registry import registry
    from warehouse.landing_views import refresh_source_view

    work = tmp_path_factory.mktemp("dbt_models")
    landing = work / "landing"
    expected = land_fixture(landing)
    database = work / "warehouse.duckdb"
    con = duckdb.connect(str(database))
    for name, source in registry().items():
        refresh_source_view(con, source, list_loads(landing, name) if (landing / name).exists() else [])
    con.close()
    moment = AS_OF.isoformat()
    variables = json.dumps({"as_of": moment, "period_cutoff": moment, "week": "2023-W15"})
    result = run_dbt(["build", "--vars", variables], database, work)
    assert result.returncode == 0, result.stdout[-6000:]
    readonly = duckdb.connect(str(database), read_only=True)
    readonly.execute("set TimeZone = 'UTC'")
    yield readonly, expected
    readonly.close()


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    rows = con.execute(sql, params or []).fetchall()
    assert len(rows) == 1, f"{len(rows)} rows for {sql} {params}"
    return rows[0][0] if len(rows[0]) == 1 else rows[0]


def test_index_returns_use_the_previous_weeks_last_trading_day(built) -> None:
    con, exp = built
    row = one(
        con,
        "select weekly_return_pct, prev_weekly_return_pct, ytd_return_pct, last_trading_day, trading_days, index_name "
        "from marts.mart_market_weekly where week_id = '2023-W15' and index_code = '000300'",
    )
    assert row[0] == pytest.approx(exp["csi300_weekly_return"])
    assert row[1] == pytest.approx(exp["csi300_prev_weekly_return"])  # W14 has 4 days (清明节)
    assert row[2] == pytest.approx(exp["csi300_ytd_return"])
    assert (str(row[3]), row[4], row[5]) == ("2023-04-14", 5, "沪深300")
    all_a = one(
        con,
        "select weekly_return_pct from marts.mart_market_weekly where week_id = '2023-W15' and index_code = '000985'",
    )
    assert all_a == pytest.approx(exp["all_a_weekly_return"])


def test_turnover_counts_a_day_only_when_both_exchanges_have_it(built) -> None:
    con, exp = built
    avg, days, prev, change = one(
        con,
        "select avg_daily_turnover_cny_100m, days_covered, prev_avg_daily_turnover_cny_100m, change_pct "
        "from marts.mart_turnover_weekly where week_id = '2023-W15'",
    )
    assert days == exp["turnover_w15_days"]
    assert avg == pytest.approx(exp["turnover_w15"])
    assert prev == pytest.approx(exp["turnover_w14"])
    assert change == pytest.approx((exp["turnover_w15"] / exp["turnover_w14"] - 1) * 100)


def test_industry_returns_rank_the_weeks_cross_section(built) -> None:
    con, _ = built
    rows = con.execute(
        "select industry_code, rank_desc, industries, publish_date from marts.mart_industry_returns_weekly "
        "where week_id = '2023-W15' order by rank_desc"
    ).fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [("801050", 1, 3), ("801760", 2, 3), ("801010", 3, 3)]
    assert {str(r[3]) for r in rows} == {"2023-04-14"}


def test_weekly_fund_flows(built) -> None:
    con, exp = built
    flows = {
        r[0]: r[1:]
        for r in con.execute(
            "select flow, value, days_covered, prev_value, unit from marts.mart_fund_flows_weekly where week_id = '2023-W15'"
        ).fetchall()
    }
    assert flows["northbound_net_buy"][0] == pytest.approx(exp["northbound_w15"])
    assert flows["northbound_net_buy"][2] == pytest.approx(exp["northbound_w14"])
    assert flows["southbound_net_buy"][0] == pytest.approx(exp["southbound_w15"])
    assert flows["southbound_net_buy"][3] == "亿港元"
    # Friday's balance is in the load but public only on Monday 09:00: Monday..Thursday
    assert flows["margin_financing_net_buy"][0] == pytest.approx(exp["margin_w15"])
    assert flows["margin_financing_net_buy"][1] == 4
    assert flows["margin_financing_net_buy"][2] == pytest.approx(exp["margin_w14"])
    # a fund established on Friday is published on Saturday 18:00
    assert flows["new_equity_fund_shares"][0] == pytest.approx(exp["new_funds_w15"])
    assert flows["new_equity_fund_shares"][1] == 4
    assert flows["new_equity_fund_shares"][2] == pytest.approx(exp["new_funds_w14"])
    assert flows["etf_net_subscription_shares"][0] == pytest.approx(exp["etf_total_w15"])
    assert flows["stock_etf_net_subscription_shares"][0] == pytest.approx(exp["etf_stock_w15"])
    assert flows["etf_net_subscription_value"][0] == pytest.approx(exp["etf_value_w15"])
    # amounts use the price of the first pull that saw the record, not the newest pull's
    assert flows["shareholder_increase"][0] == pytest.approx(exp["sh_increase_w15"])
    assert flows["shareholder_decrease"][0] == pytest.approx(exp["sh_decrease_w15"])
    assert flows["shareholder_net_change"][0] == pytest.approx(exp["sh_increase_w15"] - exp["sh_decrease_w15"])
    assert flows["planned_reduction"][0] == pytest.approx(exp["planned_w15"])


def test_every_flow_has_a_row_in_every_week_and_an_empty_week_says_so(built) -> None:
    """No data for a flow in a week with trading days is a row with days_covered = 0, not a missing row."""
    con, _ = built
    per_week = con.execute(
        "select week_id, count(*), count(distinct flow) from marts.mart_fund_flows_weekly group by week_id"
    ).fetchall()
    assert per_week and all(rows == flows == 11 for _, rows, flows in per_week), per_week
    # ETF shares of W13 are not landed, so W14 has no change of shares to report
    row = one(
        con,
        "select value, days_covered, trading_days, source_name, prev_value, loaded_at is not null "
        "from marts.mart_fund_flows_weekly where week_id = '2023-W14' and flow = 'etf_net_subscription_shares'",
    )
    assert row == (None, 0, 4, "fund_etf_scale_sse,fund_scale_daily_szse", None, True)
    assert one(con, "select count(*) from marts.mart_fund_flows_weekly where week_id > '2023-W15'") == 0


def test_etf_groups(built) -> None:
    con, exp = built
    rows = dict(
        con.execute(
            "select etf_group, net_shares_change_100m from marts.mart_etf_flows_weekly where week_id = '2023-W15'"
        ).fetchall()
    )
    assert rows == pytest.approx(exp["etf_groups_w15"])


@pytest.mark.parametrize(
    ("flow", "key"), [("northbound_net_buy", "nb_industry_w15"), ("margin_financing_net_buy", "margin_industry_w15")]
)
def test_flows_by_industry_use_point_in_time_membership(built, flow: str, key: str) -> None:
    con, exp = built
    rows = dict(
        con.execute(
            "select industry_code, value from marts.mart_fund_flows_by_industry_weekly where week_id = '2023-W15' and flow = ?",
            [flow],
        ).fetchall()
    )
    assert rows == pytest.approx(exp[key])
    ranks = [
        r[0]
        for r in con.execute(
            "select industry_code from marts.mart_fund_flows_by_industry_weekly "
            "where week_id = '2023-W15' and flow = ? order by rank_desc",
            [flow],
        ).fetchall()
    ]
    assert ranks == sorted(exp[key], key=lambda code: -exp[key][code])


def test_valuation_percentiles_count_earlier_days_only(built) -> None:
    con, exp = built
    pe, change, pctile = one(
        con,
        "select pe_ttm, pe_ttm_change, pe_ttm_pctile_all from marts.mart_valuation_weekly "
        "where week_id = '2023-W15' and scope = 'all_a' and scope_code = '000985'",
    )
    assert pe == pytest.approx(exp["all_a_pe"])
    assert change == pytest.approx(exp["all_a_pe_change"])
    assert pctile == pytest.approx(exp["all_a_pe_pctile_all"])
    media = one(
        con,
        "select pe_ttm_pctile_all from marts.mart_valuation_weekly where week_id = '2023-W15' and scope_code = '801760'",
    )
    assert media == pytest.approx(exp["sw_801760_pe_pctile_all"])
    rising = one(
        con,
        "select pe_ttm_pctile_all from marts.mart_valuation_weekly where week_id = '2023-W15' and scope_code = '801010'",
    )
    assert rising == pytest.approx(exp["sw_801010_pe_pctile_all"])


def test_exports_partners_and_products(built) -> None:
    con, exp = built
    exports = one(
        con,
        "select value_usd_100m from marts.mart_exports_monthly where month = date '2023-03-01' and member = 'exports'",
    )
    assert exports == pytest.approx(exp["exports_2023_03"])
    us = one(
        con,
        "select yoy_change_pp from marts.mart_exports_monthly where month = date '2023-03-01' and dimension = 'partner' and member = 'us'",
    )
    assert us == pytest.approx(exp["partner_us_change_pp"])
    share = one(
        con,
        "select share_pct from marts.mart_exports_monthly where month = date '2023-03-01' and member = 'mechanical_electrical'",
    )
    assert share == pytest.approx(exp["me_share"])
    autos = one(
        con,
        "select value_usd_100m is null and yoy_pct = 123.8 from marts.mart_exports_monthly "
        "where month = date '2023-03-01' and member = 'autos'",
    )
    assert autos is True


def test_industry_cycle_metrics(built) -> None:
    con, exp = built

    def value(indicator: str, column: str, month: str = "2023-03-01") -> Any:
        return one(
            con,
            f"select {column} from marts.mart_industry_cycle_monthly where month = cast(? as date) and indicator = ?",
            [month, indicator],
        )

    assert value("ic_exports", "yoy_3m_pct") == pytest.approx(exp["ic_exports_yoy_3m"])
    assert value("ic_exports", "yoy_pct") == pytest.approx(-3.0)  # published
    assert value("caam_nev_penetration", "value") == pytest.approx(exp["nev_penetration"])
    assert value("caam_total_sales", "mom_pct") == pytest.approx(exp["caam_total_sales_mom"])
    assert value("caam_total_sales", "ytd_value") == pytest.approx(exp["caam_total_sales_ytd"])
    assert value("caam_total_sales", "ytd_yoy_pct") == pytest.approx(6.0)  # published cumulative yoy
    # the published cumulative yoy is checked against the landed months like the monthly one
    assert value("caam_total_sales", "ytd_yoy_pct_published") == pytest.approx(6.0)
    assert value("caam_total_sales", "ytd_yoy_pct_computed") == pytest.approx((670.1 / 603.0 - 1) * 100)
    assert value("caam_total_sales", "ytd_yoy_disagrees") is True
    assert value("ccma_excavator_sales", "ytd_yoy_disagrees") is True  # published -25.53, computed +5.97
    assert value("sia_world", "yoy_change_pp", "2023-02-01") == pytest.approx(exp["sia_world_change_pp"])
    # CPCA: the 2022 values of the April 2023 snapshot replace those of December 2022
    assert value("cpca_narrow_wholesale", "yoy_pct") == pytest.approx(exp["cpca_narrow_wholesale_yoy_2023_03"])
    assert value("cpca_narrow_wholesale", "value", "2021-12-01") == pytest.approx(150.0)


def test_paper_prices_show_the_latest_price_published_by_the_report_moment(built) -> None:
    con, exp = built
    price_date, wow = one(
        con,
        "select price_date, wow_pct from marts.mart_paper_prices_weekly where week_id = '2023-W15' and product = 'white_cardboard_index'",
    )
    assert str(price_date) == "2023-04-07"  # 04-14's price is public on 04-17
    assert wow == pytest.approx(exp["white_cardboard_wow"])


NOT_IN_FIXTURE = {"mart_macro_backdrop_weekly", "mart_theme_returns_weekly", "mart_trade_structure_yearly"}


def test_every_mart_row_says_where_it_came_from(built) -> None:
    con, _ = built
    marts = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()]
    assert len(marts) == 14
    for mart in marts:
        missing = one(
            con, f"select count(*) from marts.{mart} where source_name is null or loaded_at is null or is_demo is null"
        )
        assert missing == 0, mart
        rows = one(con, f"select count(*) from marts.{mart}")
        # the fixture lands none of the backdrop, theme or annual-trade sources (the demo build covers them)
        assert (rows == 0) if mart in NOT_IN_FIXTURE else (rows > 0), (mart, rows)
