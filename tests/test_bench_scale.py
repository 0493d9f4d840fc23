"""Smoke tests of benchmark 4 (bench/scale): the generator and the agreement of the contenders.

Benchmarks are not timed here; what matters is that the pandas contender, the DuckDB floor and the
real dbt path compute the same answer on the same landed data, so the comparison is fair.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from bench.scale import floor, pandas_flows
from bench.scale.common import Timer, read_manifests
from bench.scale.compare import differences, load
from bench.scale.generate import SOURCES, ScaleSpec, Universe, generate
from bench.scale.run import as_of_for

SPEC = ScaleSpec(stocks=50, days=20)


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50 stocks x 20 trading days, plus revised loads (a later version of a day must win)."""
    from ingestion.landing import land_frame, list_loads, read_load
    from ingestion.registry import get_source

    root = tmp_path_factory.mktemp("scale") / "landing"
    generate(root, SPEC, phase="all", workers=1)
    # revisions: one SZSE margin day and one northbound day re-landed a day later with other values
    for source, column in (("stock_margin_detail_szse", "融资余额"), ("stock_hsgt_hold_stock_em", "今日增持估计-市值")):
        src = get_source(source)
        manifest = read_manifests(root, source)[9]  # a Friday: it ends a week
        original = next(ld for ld in list_loads(root, source) if ld.load_id == manifest.load_id)
        frame = read_load(original)
        frame.loc[: len(frame) // 2, column] = frame.loc[: len(frame) // 2, column] * 3 + 1000
        land_frame(
            src,
            frame,
            original.params,
            origin="test",
            fetched_at=original.available_at_dt + timedelta(days=1),
            root=root,
        )
    # the whole Shenwan history known on the last day, so reclassifications inside the window count
    u = Universe(SPEC)
    last = datetime.combine(u.days[-1], time(8, 30), tzinfo=UTC)
    land_frame(
        get_source("stock_industry_clf_hist_sw"), u.classification, {}, origin="test", fetched_at=last, root=root
    )
    return root


def test_generator_writes_every_source_in_its_raw_shape(landing: Path) -> None:
    from ingestion.landing import list_loads
    from ingestion.registry import get_source

    u = Universe(SPEC)
    assert len(u.days) == 20
    for name in SOURCES:
        loads = list_loads(landing, name)
        assert loads, name
        src = get_source(name)
        for ld in loads[:3]:
            columns = pq.read_schema(ld.parquet_path).names
            assert src.schema_problems(columns) == [], (name, columns)
    daily = list_loads(landing, "stock_margin_detail_sse")
    assert len(daily) == 20  # one load per trading day
    assert {ld.params["date"] for ld in daily} == {d.strftime("%Y%m%d") for d in u.days}
    # edge cases the contenders must agree on are present
    assert (u.listed_idx > 0).any(), "some stocks list during the period"
    classified = pq.read_table(list_loads(landing, "stock_industry_clf_hist_sw")[-1].parquet_path).to_pandas()
    assert classified["symbol"].nunique() < SPEC.stocks, "some stocks have no classification (left out)"
    assert classified.groupby("symbol").size().max() >= 2, "a reclassified stock (point-in-time membership)"
    northbound = pq.read_table(list_loads(landing, "stock_hsgt_hold_stock_em")[0].parquet_path).to_pandas()
    assert northbound["今日增持估计-市值"].isna().any() or SPEC.stocks < 400  # missing estimates (0.3 %)


def test_phases_partition_the_loads(tmp_path: Path) -> None:
    spec = ScaleSpec(stocks=12, days=12)
    generate(tmp_path / "base", spec, phase="base", workers=1)
    generate(tmp_path / "base", spec, phase="new", workers=1)
    generate(tmp_path / "all", spec, phase="all", workers=1)
    for name in SOURCES:
        split = sorted(p.name for p in (tmp_path / "base" / name).glob("*.json"))
        whole = sorted(p.name for p in (tmp_path / "all" / name).glob("*.json"))
        assert split == whole, name  # same load ids: same content, same fetch moments


@pytest.mark.parametrize("week_kind", ["base", "new"])
def test_pandas_and_floor_agree_for_all_weeks_and_one_week(landing: Path, tmp_path: Path, week_kind: str) -> None:
    u = Universe(SPEC)
    week = u.base_week if week_kind == "base" else u.new_week
    as_of = as_of_for(u, week)
    answers = {}
    for scope in ("all", "week"):
        answers["pandas", scope] = pandas_flows.compute(landing, week, as_of, scope)
        con, sql = floor.compute(landing, week, as_of, scope, Timer(), None, False)
        answers["floor", scope] = con.execute(sql).df()
        con, sql = floor.compute(landing, week, as_of, scope, Timer(), None, True)
        answers["floor-dedup", scope] = con.execute(sql).df()
    for key, frame in answers.items():
        path = tmp_path / f"{key[0]}_{key[1]}.parquet"
        frame.to_parquet(path)
        answers[key] = load(path)
    base = answers["pandas", "all"]
    assert set(base["flow"]) == {"northbound_net_buy", "margin_financing_net_buy", "shareholder_net_change"}
    assert base["week_id"].max() == week
    for key in [("floor", "all"), ("floor-dedup", "all")]:
        assert differences(base, answers[key]) == [], key
    one_week = base[base["week_id"] == week].reset_index(drop=True)
    for key in [("pandas", "week"), ("floor", "week"), ("floor-dedup", "week")]:
        assert differences(one_week, answers[key]) == [], key


def test_revised_loads_win(landing: Path, tmp_path: Path) -> None:
    """The fixture's revised loads change the answer: the newest version of each key counts."""
    import shutil

    u = Universe(SPEC)
    as_of = as_of_for(u, u.new_week)
    without = tmp_path / "landing"
    shutil.copytree(landing, without)
    revisions = [
        p
        for p in without.rglob("*.json")
        if json.loads(p.read_text())["origin"] == "test" and "stock_industry_clf_hist_sw" not in str(p)
    ]
    assert len(revisions) == 2
    for manifest in revisions:
        manifest.chmod(0o644)
        manifest.unlink()
    revised = pandas_flows.compute(landing, u.new_week, as_of, "all").set_index(["week_id", "flow", "industry_code"])
    original = pandas_flows.compute(without, u.new_week, as_of, "all").set_index(["week_id", "flow", "industry_code"])
    changed = (revised["value"] - original["value"]).abs() > 1e-9
    assert set(revised[changed].index.get_level_values("flow")) == {"northbound_net_buy", "margin_financing_net_buy"}


def test_compare_reports_differences() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "week_id": ["2024-W01", "2024-W01"],
            "flow": ["northbound_net_buy"] * 2,
            "industry_code": ["110000", "220000"],
            "industry_index_code": ["801010", "801030"],
            "industry_name": ["农林牧渔", "基础化工"],
            "value": [1.0, 2.0],
            "rank_desc": [2, 1],
            "days_covered": [5, 5],
            "stocks_covered": [3, 4],
        }
    )
    assert differences(frame, frame.copy()) == []
    other = frame.copy()
    other.loc[0, "value"] = 1.5
    other.loc[1, "stocks_covered"] = 9
    problems = differences(frame, other)
    assert any("value differs" in p for p in problems) and any("stocks_covered" in p for p in problems)
    assert any("only on one side" in p for p in differences(frame, frame.iloc[:1]))


@pytest.mark.slow
def test_dbt_agrees_with_pandas_and_floor(landing: Path, tmp_path: Path) -> None:
    """The real path: landing views, run settings and plan, dbt build --select +mart, as of the base week."""
    from bench.demo import snapshot_project
    from bench.measure import run
    from bench.scale.dbt_flows import MART, dbt_command, dbt_env, export, prepare, refresh_views

    u = Universe(SPEC)
    week, as_of = u.base_week, as_of_for(u, u.base_week)
    home = tmp_path / "home"
    home.mkdir()
    (home / "landing").symlink_to(landing)
    refresh_views(home, as_of)
    project = snapshot_project(tmp_path)
    target = tmp_path / "target"
    parsed = run(dbt_command(project, target, None, "parse"), label="dbt", env=dbt_env(home), log=tmp_path / "p.log")
    assert parsed.ok, (tmp_path / "p.log").read_text()[-3000:]
    prepare(home, week, as_of, target / "manifest.json")
    result = run(dbt_command(project, target, f"+{MART}"), label="dbt", env=dbt_env(home), log=tmp_path / "dbt.log")
    assert result.ok, (tmp_path / "dbt.log").read_text()[-3000:]
    export(home, tmp_path / "dbt.parquet")
    pandas_flows.compute(landing, week, as_of, "all").to_parquet(tmp_path / "pandas.parquet")
    con, sql = floor.compute(landing, week, as_of, "all", Timer(), None, False)
    con.execute(sql).df().to_parquet(tmp_path / "floor.parquet")
    dbt_answer = load(tmp_path / "dbt.parquet")
    assert len(dbt_answer) > 50 and dbt_answer["week_id"].max() == week
    assert differences(dbt_answer, load(tmp_path / "pandas.parquet")) == []
    assert differences(dbt_answer, load(tmp_path / "floor.parquet")) == []
    run_results = json.loads((target / "run_results.json").read_text())
    assert all(r["status"] in ("success", "pass") for r in run_results["results"])
