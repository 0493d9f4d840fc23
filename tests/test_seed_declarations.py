"""Lists the dbt seeds declare once: the Shenwan level-1 industries and the fund flows. The demo
generator's copy of the industries is checked against the seed; the report reads the flows'
order and sources from the seed itself."""

from __future__ import annotations

import csv

from ground.settings import DBT_PROJECT_DIR
from ingestion.demo import figures, market
from reporting.sections.fund_flows import flow_sources

SEEDS = DBT_PROJECT_DIR / "seeds"


def _seed(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_demo_generator_uses_the_seed_s_shenwan_industries() -> None:
    seed = {r["industry_code"]: (r["industry_index_code"], r["industry_name"]) for r in _seed("shenwan_industries")}
    assert len(seed) == 31
    assert seed == figures.SW_L1
    names = {name for _, name in seed.values()}
    assert set(market.SW_BASE) == names  # every industry has demo levels
    assert set(market.SW_W15) == names  # and a demo weekly return


def test_the_report_orders_and_sources_flows_as_the_seed_declares() -> None:
    seed = sorted(_seed("fund_flows"), key=lambda r: int(r["display_order"]))
    declared = flow_sources()
    assert list(declared) == [r["flow"] for r in seed]
    assert declared["etf_net_subscription_value"] == ["fund_etf_scale_sse", "fund_scale_daily_szse", "fund_etf_hist_em"]
    assert all(declared.values())
