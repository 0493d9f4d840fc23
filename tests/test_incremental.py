"""Incremental models: a build that rebuilds only the weeks its plan names equals a full refresh, row for row.

Per-stock data of 40 stocks over twelve weeks (bench/scale/generate.py, through the real landing
path) is built twice after every step, in two working databases: incrementally (the run
settings and plan as the orchestrator writes them, then ``dbt build``) and with
``--full-refresh``. The steps are the ones the plan must get right: new weeks, a revised old load
(a margin day and a northbound day landed again, later, with other values), an explicit past
``--as-of`` rebuild and the way back, and a changed model.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bench.scale.generate import ScaleSpec, Universe, generate
from bench.scale.run import as_of_for, parse_kind

pytestmark = pytest.mark.slow

SPEC = ScaleSpec(stocks=40, days=60)
MODELS = (
    "intermediate.int_stock_flows_classified_weekly",
    "marts.mart_fund_flows_by_industry_weekly",
    "marts.mart_stock_flow_leaders_weekly",
)


class Warehouse:
    """One working database built with one dbt target, incrementally or always in full."""

    def __init__(self, root: Path, landing: Path, project: Path, full_refresh: bool) -> None:
        self.home = root / ("full" if full_refresh else "incremental")
        self.home.mkdir(parents=True)
        (self.home / "landing").symlink_to(landing)
        self.target = self.home / "target"
        self.project = project
        self.full_refresh = full_refresh
        self.plans: list[dict] = []

    def parse(self) -> None:
        from bench.measure import run
        from bench.scale.dbt_flows import dbt_command, dbt_env

        log = self.home / "parse.log"
        assert run(
            dbt_command(self.project, self.target, None, "parse"), label="dbt", env=dbt_env(self.home), log=log
        ).ok, log.read_text()[-3000:]

    def build(self, week: str, as_of, ok: bool = True, full_refresh: bool | None = None) -> dict:
        """Build for a week (``ok``: dbt must succeed, else fail); ``full_refresh`` overrides the warehouse's."""
        from bench.measure import run
        from bench.scale.dbt_flows import SELECT, dbt_command, dbt_env, prepare, refresh_views

        full_refresh = self.full_refresh if full_refresh is None else full_refresh
        refresh_views(self.home, as_of)
        plan = prepare(self.home, week, as_of, self.target / "manifest.json", full_refresh=full_refresh)
        extra = ("--full-refresh",) if full_refresh else ()
        log = self.home / "dbt.log"
        result = run(
            dbt_command(self.project, self.target, SELECT, extra=extra),
            label="dbt",
            env=dbt_env(self.home),
            log=log,
        )
        assert result.ok == ok, log.read_text()[-4000:]
        plan["parse"] = parse_kind(self.target)
        self.plans.append(plan)
        return plan

    def rows(self, table: str) -> pd.DataFrame:
        frame = self.query(f"select * from {table}")
        return frame.sort_values(list(frame.columns)).reset_index(drop=True)

    def query(self, sql: str, read_only: bool = True) -> pd.DataFrame:
        con = duckdb.connect(str(self.home / "working" / "warehouse.duckdb"), read_only=read_only)
        try:
            result = con.execute(sql)
            return result.df() if result.description else pd.DataFrame()
        finally:
            con.close()

    def results(self) -> dict[str, dict]:
        """The last dbt invocation's results (run_results.json) by unique id."""
        results = json.loads((self.target / "run_results.json").read_text())["results"]
        return {r["unique_id"]: r for r in results}


def assert_same(incremental: Warehouse, full: Warehouse, step: str) -> None:
    for table in MODELS:
        a, b = incremental.rows(table), full.rows(table)
        assert len(a) > 0, f"{step}: {table} is empty"
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, obj=f"{step}: {table}")


def weeks_rebuilt(plan: dict, model: str = "int_stock_flows_classified_weekly") -> list[str] | None:
    """The weeks a plan rebuilds of a model (None: in full)."""
    return plan["weeks"][model]


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("incremental") / "landing"
    generate(root, SPEC, phase="all", workers=1)
    return root


def _revise(landing: Path, source: str, column: str, day_index: int, available_after) -> str:
    """Land one day of ``source`` again with other values, available after ``available_after``."""
    from ingestion.landing import land_frame, list_loads, read_load
    from ingestion.registry import get_source

    loads = list_loads(landing, source)
    original = sorted(loads, key=lambda ld: ld.period_min or "")[day_index]
    frame = read_load(original)
    frame[column] = frame[column] * 3 + 1000
    result = land_frame(
        get_source(source),
        frame,
        original.params,
        origin="test",
        fetched_at=available_after + timedelta(hours=1),
        root=landing,
    )
    assert result.created
    return original.period_min


def test_incremental_builds_equal_a_full_refresh(landing: Path, tmp_path: Path) -> None:
    from bench.demo import snapshot_project

    u = Universe(SPEC)
    weeks = u.weeks()
    assert len(weeks) >= 12
    w1, w2, w3, w4 = weeks[-7], weeks[-5], weeks[-3], weeks[-2]
    project = snapshot_project(tmp_path)
    incremental = Warehouse(tmp_path, landing, project, full_refresh=False)
    full = Warehouse(tmp_path, landing, project, full_refresh=True)
    for warehouse in (incremental, full):
        warehouse.parse()

    def step(name: str, week: str, as_of=None) -> dict:
        moment = as_of or as_of_for(u, week)
        plan = incremental.build(week, moment)
        full.build(week, moment)
        assert_same(incremental, full, name)
        return plan

    # the first build is a full one; then a new week rebuilds the weeks its loads reach: the new
    # days, the day before them, and the four weeks a weekly shareholder snapshot (28 days) holds
    assert weeks_rebuilt(step("first build", w2)) is None
    for week in (w3, w4):
        rebuilt = weeks_rebuilt(step(f"new week {week}", week))
        assert rebuilt is not None and week in rebuilt and len(rebuilt) <= 5, rebuilt
        assert weeks[0] not in rebuilt

    # a revised old load (one margin day and one northbound day of w1, landed again after w4)
    later = as_of_for(u, w4)
    day = _revise(landing, "stock_margin_detail_szse", "融资余额", 2, later)
    _revise(landing, "stock_hsgt_hold_stock_em", "今日增持估计-市值", 2, later)
    revised_week = pd.Timestamp(day).strftime("%G-W%V")
    newest = weeks[-1]
    rebuilt = weeks_rebuilt(step("a revised old load", newest))
    assert rebuilt is not None and revised_week in rebuilt and len(rebuilt) < len(weeks), rebuilt
    assert w1 in rebuilt or revised_week != w1

    # an explicit past --as-of: the weeks since then are taken out again, then rebuilt on the way back
    rebuilt = weeks_rebuilt(step("past as-of", w2, as_of_for(u, w2)))
    assert rebuilt is not None and w4 in rebuilt, rebuilt
    step("back to the newest week", newest)

    # a changed model: the plan rebuilds it (and what is built from it) in full
    model = project / "models" / "intermediate" / "fund_flows" / "int_stock_flows_classified_weekly.sql"
    model.write_text(model.read_text(encoding="utf-8") + "\n-- a changed comment\n", encoding="utf-8")
    for warehouse in (incremental, full):
        warehouse.parse()
    plan = step("a changed model", newest)
    assert weeks_rebuilt(plan) is None and "definitions changed" in plan["plan"]
    assert weeks_rebuilt(plan, "mart_fund_flows_by_industry_weekly") is None

    # the run settings change every build, the parsed project does not: dbt parses it once
    # (and again after the model changed), every other build reuses the parse
    parses = [p["parse"].split(",")[0] for p in incremental.plans]
    assert parses.count("partial parse") == len(parses), parses

    # nothing changed: nothing is rebuilt, nothing is read
    plan = step("nothing changed", newest)
    assert weeks_rebuilt(plan) == [] and weeks_rebuilt(plan, "mart_fund_flows_by_industry_weekly") == []
    assert plan["reads"]["stock_hsgt_hold_stock_em"] == 0, json.dumps(incremental.plans, default=str)


def data_tests_of(warehouse: Warehouse) -> dict[str, list[str]]:
    """The data tests of each incremental model (unique ids, from the parsed manifest), by model name."""
    manifest = json.loads((warehouse.target / "manifest.json").read_text())
    found: dict[str, list[str]] = {table.split(".")[-1]: [] for table in MODELS}
    for uid, node in manifest["nodes"].items():
        model = (node.get("attached_node") or "").split(".")[-1]
        if node["resource_type"] == "test" and model in found:
            found[model].append(uid)
    return found


def test_tests_of_incremental_models_test_the_weeks_a_build_rebuilt(landing: Path, tmp_path: Path) -> None:
    """A new week's data tests read the weeks it rebuilt; a bad row there fails the build; a full refresh tests all."""
    from bench.demo import snapshot_project

    u = Universe(SPEC)
    weeks = u.weeks()
    project = snapshot_project(tmp_path)
    warehouse = Warehouse(tmp_path, landing, project, full_refresh=False)
    warehouse.parse()
    tests = data_tests_of(warehouse)
    assert all(len(uids) >= 2 for uids in tests.values()), tests
    tables = {table.split(".")[-1]: table for table in MODELS}
    mart = "mart_fund_flows_by_industry_weekly"
    unique = next(uid for uid in tests[mart] if ".unique_combination_of_columns_" in uid)

    def week_ids(model: str, where: str = "true") -> list[str]:
        sql = f"select distinct week_id from {tables[model]} where {where} order by week_id"
        return list(warehouse.query(sql).week_id)

    def duplicated(where: str = "true") -> int:
        """Groups of the industry mart's key with more than one row (what its unique test counts)."""
        sql = (
            f"select count(*) as n from (select week_id from {tables[mart]} where {where} "
            "group by week_id, flow, industry_code having count(*) > 1)"
        )
        return int(warehouse.query(sql).n[0])

    def scope(model: str) -> str:
        return f"build.rebuilds_week('{model}', week_id)"

    # the first build is a full one: its tests carry the scope, and the scope is every week
    first = weeks[-4]
    warehouse.build(first, as_of_for(u, first))
    results = warehouse.results()
    for model, uids in tests.items():
        for uid in uids:
            assert results[uid]["status"] == "pass", (uid, results[uid]["message"])
            assert scope(model) in results[uid]["compiled_code"], results[uid]["compiled_code"]
        assert week_ids(model, scope(model)) == week_ids(model), model

    # a row of an old week changes outside dbt: the next week's build does not rebuild that week,
    # so its tests do not read it (the rows of weeks not rebuilt were tested when they were built)
    oldest = week_ids(mart)[0]
    warehouse.query(
        f"insert into {tables[mart]} select * from {tables[mart]} where week_id = '{oldest}' limit 1", read_only=False
    )
    plan = warehouse.build(weeks[-3], as_of_for(u, weeks[-3]))
    rebuilt = weeks_rebuilt(plan, mart)
    assert rebuilt and oldest not in rebuilt, rebuilt
    results = warehouse.results()
    for model, uids in tests.items():
        in_scope = week_ids(model, scope(model))
        assert in_scope == [w for w in week_ids(model) if w in weeks_rebuilt(plan, model)], (model, in_scope)
        for uid in uids:
            assert results[uid]["status"] == "pass", (uid, results[uid]["message"])
            assert scope(model) in results[uid]["compiled_code"], results[uid]["compiled_code"]

    # a model that writes every row twice, in the weeks the next build rebuilds: its test fails the
    # build and counts the rebuilt weeks' duplicates, not the old week's (the plan comes from the
    # manifest parsed before the change, so it rebuilds by week)
    path = project / "models" / "marts" / "fund_flows" / f"{mart}.sql"
    config, _, body = path.read_text(encoding="utf-8").partition("\n) }}\n")
    assert body, f"no config block in {path}"
    twice = f"select * from (\n{body}\n) as once\nunion all\nselect * from (\n{body}\n) as again\n"
    path.write_text(f"{config}\n) }}}}\n{twice}", encoding="utf-8")
    plan = warehouse.build(weeks[-2], as_of_for(u, weeks[-2]), ok=False)
    rebuilt = weeks_rebuilt(plan, mart)
    assert rebuilt and oldest not in rebuilt, rebuilt
    result = warehouse.results()[unique]
    assert result["status"] == "fail" and scope(mart) in result["compiled_code"], result
    in_rebuilt = duplicated(f"week_id in ({', '.join(repr(w) for w in rebuilt)})")
    assert in_rebuilt > 0 and result["failures"] == in_rebuilt == duplicated() - 1, (result["failures"], in_rebuilt)

    # --full-refresh rebuilds every week and tests every week: no scope, every group counted
    warehouse.build(weeks[-2], as_of_for(u, weeks[-2]), ok=False, full_refresh=True)
    results = warehouse.results()
    assert all(scope(model) not in results[uid]["compiled_code"] for model, uids in tests.items() for uid in uids)
    assert results[unique]["status"] == "fail"
    assert (
        results[unique]["failures"]
        == duplicated()
        == len(warehouse.query(f"select distinct week_id, flow, industry_code from {tables[mart]}"))
    )
    assert len(week_ids(mart)) > len(rebuilt)
