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
        "landing_outlook",
        "landing_exports",
        "landing_industry_cycle",
        "landing_fund_flows",
        "landing_themes",
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
    checks = {
        (spec.asset_key, spec.name): spec
        for assets in defs.assets
        if isinstance(assets, dg.AssetsDefinition)
        for spec in assets.check_specs
    }
    for name in registry():
        key = dg.AssetKey(["landing", name])
        assert key in keys, name
        spec = checks[(key, "great_expectations")]
        assert spec.blocking, f"the check on {name} must block downstream models"


def test_a_section_lands_and_checks_its_sources_in_one_step_and_each_can_be_materialised_alone() -> None:
    """Few landing steps per build, the same graph: one asset and one check per source, subsettable."""
    from orchestration.definitions import defs

    landing = [
        a for a in defs.assets if isinstance(a, dg.AssetsDefinition) and all(k.path[0] == "landing" for k in a.keys)
    ]
    assert len(landing) <= 2 * 6  # one per section and partitioning, not one per source
    for assets in landing:
        assert assets.can_subset
        sections = {assets.specs_by_key[key].group_name for key in assets.keys}
        assert len(sections) == 1, sections
        assert {c.asset_key for c in assets.check_keys} == set(assets.keys)  # each source checked in its step
    job = defs.resolve_job_def("weekly_build")
    steps = {node.name for node in job.graph.node_defs}
    assert len(steps) == len(landing) + 3, steps  # landing steps, dbt, publish, report
    one = dg.AssetKey(["landing", "macro_china_hgjck"])
    subset = next(a for a in landing if one in a.keys).subset_for({one}, selected_asset_check_keys=None)
    assert set(subset.keys) == {one}


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
