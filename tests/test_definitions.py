"""The Dagster code location: loads, groups assets by layer, a landing asset and a check per source."""

from __future__ import annotations

import dagster as dg

from ingestion.registry import registry


def test_code_location_loads_with_assets_grouped_by_layer() -> None:
    from orchestration.definitions import defs

    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert {"staging", "marts", "serving"} <= groups
    assert {g for g in groups if g.startswith("landing_")} == {
        "landing_exports",
        "landing_industry_cycle",
        "landing_fund_flows",
        "landing_valuation",
        "landing_market_review",
        "landing_reference",
    }
    layer_of = {key: key.path[0] for key in graph.get_all_asset_keys()}
    assert {layer_of[k] for k in graph.get_all_asset_keys()} >= {"landing", "staging", "marts", "serving", "report"}


def test_every_registered_source_has_a_landing_asset_and_a_blocking_check() -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    checks = {(spec.asset_key, spec.name): spec for check in defs.asset_checks for spec in check.check_specs}
    for name in registry():
        key = dg.AssetKey(["landing", name])
        assert key in keys, name
        spec = checks[(key, "great_expectations")]
        assert spec.blocking, f"the check on {name} must block downstream models"


def test_dbt_models_sit_downstream_of_their_landing_sources() -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    staging = dg.AssetKey(["staging", "stg_eastmoney__customs_trade_monthly"])
    assert dg.AssetKey(["landing", "macro_china_hgjck"]) in graph.get(staging).parent_keys
    mart = dg.AssetKey(["marts", "mart_exports_monthly"])
    assert mart in graph.get(dg.AssetKey(["serving", "warehouse"])).parent_keys


def test_weekly_partitions_follow_the_trading_calendar() -> None:
    from orchestration.partitions import weekly_partitions

    keys = weekly_partitions().get_partition_keys()
    assert "2023-W15" in keys and "2023-W14" in keys
    assert "2023-W04" not in keys  # Spring Festival: no trading day
    assert "2023-W40" not in keys  # National Day


def test_friday_schedule_runs_at_20_shanghai() -> None:
    from orchestration.definitions import defs

    schedule = defs.resolve_schedule_def("friday_report")
    assert schedule.cron_schedule == "0 20 * * 5"
    assert schedule.execution_timezone == "Asia/Shanghai"
