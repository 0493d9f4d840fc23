"""The rebuild plan of the incremental models: which weeks a build rebuilds, and why (no dbt run here)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from ground.settings import DBT_PROJECT_DIR
from warehouse.rebuild_plan import (
    IncrementalModel,
    ModelPlan,
    RebuildPlan,
    incremental_models,
    plan_model,
    weeks_of,
    windowable_sources,
    write_plan,
)
from warehouse.run_settings import RunSettings, write_run_settings

pytestmark = pytest.mark.integration

INT_MODEL = "int_stock_flows_classified_weekly"
MART = "mart_fund_flows_by_industry_weekly"
LEADERS = "mart_stock_flow_leaders_weekly"
PER_STOCK = {"stock_hsgt_hold_stock_em", "stock_margin_detail_sse", "stock_margin_detail_szse"}


@pytest.fixture(scope="module")
def manifest() -> dict:
    from orchestration.dbt_project import prepare_manifest

    return json.loads(Path(prepare_manifest()).read_text(encoding="utf-8"))


def test_the_incremental_models_and_what_they_read(manifest: dict) -> None:
    models = {m.name: m for m in incremental_models(manifest)}
    assert set(models) == {INT_MODEL, MART, LEADERS}
    assert (
        PER_STOCK | {"stock_ggcg_em", "stock_industry_clf_hist_sw", "tool_trade_date_hist_sina"}
        <= models[INT_MODEL].sources
    )
    assert models[MART].upstream == models[LEADERS].upstream == {INT_MODEL} and not models[INT_MODEL].upstream
    assert (models[INT_MODEL].later_weeks, models[INT_MODEL].lookback_days) == (2, 21)
    # only sources read by nothing but incremental models get read windows: a table reading a
    # per-stock staging view (the stock leaders read their names there) would make a new week
    # read ten years of per-stock files again
    windows = windowable_sources(manifest)
    assert set(windows) == PER_STOCK and all(v == {INT_MODEL, LEADERS} for v in windows.values())


def test_the_definitions_hash_follows_the_models_upstream_and_the_macros(manifest: dict) -> None:
    before = {m.name: m.definition_hash for m in incremental_models(manifest)}
    changed = json.loads(json.dumps(manifest))
    stg = "model.warehouse.stg_sse__margin_by_stock_daily"
    changed["nodes"][stg]["checksum"]["checksum"] = "edited"
    after = {m.name: m.definition_hash for m in incremental_models(changed)}
    assert after[INT_MODEL] != before[INT_MODEL] and after[MART] != before[MART]
    changed = json.loads(json.dumps(manifest))
    changed["nodes"]["model.warehouse.mart_fund_flows_weekly"]["checksum"]["checksum"] = "edited"  # not upstream
    assert {m.name: m.definition_hash for m in incremental_models(changed)} == before
    changed = json.loads(json.dumps(manifest))
    macro = next(uid for uid, m in changed["macros"].items() if m["name"] == "visible_versions")
    changed["macros"][macro]["macro_sql"] += "\n"
    assert {m.name: m.definition_hash for m in incremental_models(changed)}[INT_MODEL] != before[INT_MODEL]


def test_weeks_of_ranges_later_weeks_and_clamps() -> None:
    low, high = date(2024, 1, 1), date(2024, 12, 28)
    assert weeks_of([(date(2024, 12, 16), date(2024, 12, 17))], 0, low, high) == ["2024-W51"]
    assert weeks_of([(date(2024, 12, 13), date(2024, 12, 16))], 0, low, high) == ["2024-W50", "2024-W51"]
    # a change spreads to later weeks, never beyond the cut-off's week
    assert weeks_of([(date(2024, 12, 9), date(2024, 12, 9))], 2, low, high) == ["2024-W50", "2024-W51", "2024-W52"]
    assert weeks_of([(date(2024, 12, 23), date(2024, 12, 23))], 2, low, high) == ["2024-W52"]
    # a full_reload change holds until now (open-ended); nothing before the data begins
    assert weeks_of([(date(2000, 1, 1), date.max)], 0, date(2024, 12, 1), high)[0] == "2024-W48"


def _loads_table(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    con.execute(
        """
        create or replace table landing._loads (load_id varchar, source varchar, params json, series json,
            fetched_at timestamptz, available_at timestamptz, origin varchar, file_name varchar, demo boolean,
            rows_landed bigint, period_min date, period_max date, akshare_version varchar, path varchar,
            quarantined boolean)
        """
    )
    for load_id, source, day, available in rows:
        con.execute(
            "insert into landing._loads values (?, ?, '{}', '{}', ?, ?, 'test', null, false, 10, ?, ?, null, ?, false)",
            [load_id, source, available, available, day, day, f"/nowhere/{load_id}.parquet"],
        )


def _record_state(con: duckdb.DuckDBPyConnection, model: str, settings: RunSettings, digest: str) -> None:
    """What the model's post-hook records (dbt_project/macros/incremental.sql)."""
    con.execute(
        "create table if not exists build.model_state (model varchar, definition_hash varchar, as_of timestamptz, period_cutoff timestamptz, built_at timestamptz)"
    )
    con.execute(
        "create table if not exists build.model_state_loads (model varchar, load_id varchar, source varchar, series json, period_min date, period_max date, available_at timestamptz, path varchar)"
    )
    con.execute("delete from build.model_state where model = ?", [model])
    con.execute(
        "insert into build.model_state values (?, ?, ?, ?, now())",
        [model, digest, settings.as_of, settings.period_cutoff],
    )
    con.execute("delete from build.model_state_loads where model = ?", [model])
    con.execute(
        "insert into build.model_state_loads select ?, load_id, source, series, period_min, period_max, available_at, path "
        "from landing._loads where not quarantined and rows_landed > 0",
        [model],
    )


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_a_plan_names_the_weeks_new_revised_and_hidden_loads_touch() -> None:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute("create schema landing; create schema build; create schema intermediate")
    model = IncrementalModel(
        name="flows", schema="intermediate", sources=frozenset({"stock_margin_detail_sse"}), definition_hash="h1",
        later_weeks=2, lookback_days=21,
    )  # fmt: skip
    days = {
        "d1": (date(2024, 12, 2), "2024-12-03T01:05+00:00"),
        "d2": (date(2024, 12, 9), "2024-12-10T01:05+00:00"),
        "d3": (date(2024, 12, 16), "2024-12-17T01:05+00:00"),
    }
    rows = [(load_id, "stock_margin_detail_sse", day, _moment(avail)) for load_id, (day, avail) in days.items()]
    _loads_table(con, rows)
    week_51 = RunSettings(
        week_id="2024-W51", as_of=_moment("2024-12-21T08:00+08:00"), period_cutoff=_moment("2024-12-20T20:00+08:00")
    )

    def plan(settings: RunSettings, full_refresh: bool = False) -> ModelPlan:
        return plan_model(con, model, _current(con), settings, full_refresh)

    assert plan(week_51).reason == "first build"
    con.execute("create table intermediate.flows (week_id varchar)")
    assert plan(week_51).reason == "no record of its last build"
    _record_state(con, "flows", week_51, "h0")
    assert plan(week_51).reason == "its definitions changed"
    _record_state(con, "flows", week_51, "h1")
    assert plan(week_51).weeks == [] and not plan(week_51).full
    assert plan(week_51, full_refresh=True).full

    # a new week: its day, and the day before it (the newest load moved), plus the two weeks after
    week_52 = RunSettings(
        week_id="2024-W52", as_of=_moment("2024-12-28T08:00+08:00"), period_cutoff=_moment("2024-12-27T20:00+08:00")
    )
    _loads_table(con, [*rows, ("d4", "stock_margin_detail_sse", date(2024, 12, 23), _moment("2024-12-24T01:05+00:00"))])
    assert plan(week_52).weeks == ["2024-W51", "2024-W52"]

    # a revised old load (day 1 landed again, later) touches its week and the two after it
    _loads_table(con, [*rows, ("d1b", "stock_margin_detail_sse", date(2024, 12, 2), _moment("2024-12-19T01:05+00:00"))])
    assert plan(week_51).weeks == ["2024-W49", "2024-W50", "2024-W51"]

    # an earlier as-of hides loads: the weeks they held, up to the cut-off the model was built with
    _loads_table(con, rows[:1])
    week_49 = RunSettings(
        week_id="2024-W49", as_of=_moment("2024-12-07T08:00+08:00"), period_cutoff=_moment("2024-12-06T20:00+08:00")
    )
    assert plan(week_49).weeks == ["2024-W49", "2024-W50", "2024-W51"]


def _current(con: duckdb.DuckDBPyConnection) -> dict:
    from warehouse.rebuild_plan import current_loads

    return current_loads(con)


def test_the_plan_is_written_as_macros_the_models_read() -> None:
    con = duckdb.connect()
    settings = RunSettings(
        week_id="2024-W52", as_of=_moment("2024-12-28T08:00+08:00"), period_cutoff=_moment("2024-12-27T20:00+08:00")
    )
    write_run_settings(con, settings)
    plan = RebuildPlan(
        models=[
            ModelPlan("flows", False, "test", "h1", ["2024-W51", "2024-W52"]),
            ModelPlan("mart", True, "test", "h2"),
        ],
        windows={"stock_margin_detail_sse": [(date(2024, 11, 25), date(2024, 12, 29))]},
        window_loads={"stock_margin_detail_sse": ["d3", "d4"]},
    )
    write_plan(con, plan)

    def one(sql: str):
        return con.execute(sql).fetchone()[0]

    assert one("select build.as_of()") == settings.as_of and one("select build.week_id()") == "2024-W52"
    assert one("select build.rebuild_mode('flows')") == "weeks" and one("select build.rebuild_mode('mart')") == "full"
    assert one("select build.rebuild_mode('other')") == "full"
    assert one("select build.rebuilds_week('flows', '2024-W52')") and not one(
        "select build.rebuilds_week('flows', '2024-W50')"
    )
    assert one("select build.rebuilds_week('mart', '2020-W01')")
    assert one("select build.reads_load('stock_margin_detail_sse', 'd4')")
    assert not one("select build.reads_load('stock_margin_detail_sse', 'd1')")
    assert one("select build.reads_load('paper_prices', 'anything')")
    assert one("select build.reads_period('stock_margin_detail_sse', date '2024-12-01')")
    assert not one("select build.reads_period('stock_margin_detail_sse', date '2024-11-01')")
    assert one("select build.definition_hash('mart')") == "h2"


def test_the_hook_defaults_cover_every_macro_the_orchestrator_writes() -> None:
    """dbt without the orchestrator gets a default for each macro (macros/run_settings.sql)."""
    from warehouse.run_settings import PLAN_DEFAULTS, SETTINGS_MACROS

    hook = (DBT_PROJECT_DIR / "macros" / "run_settings.sql").read_text(encoding="utf-8")
    for name in [*SETTINGS_MACROS, *(signature.split("(")[0] for signature in PLAN_DEFAULTS)]:
        assert f"create macro if not exists build.{name}(" in hook, name
