"""The dbt project's structure, read from its parsed manifest (no database needed).

One staging model per registered source, named and placed by upstream system; the ten marts with
exactly the columns of docs/metrics.md § "Mart columns" (plus source_name, loaded_at, is_demo),
contracts enforced with a data type on every column and a uniqueness test on the grain; every
model and column described; a unit test per metric macro; the report exposure.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ground.settings import DBT_PROJECT_DIR, REPO_ROOT

pytestmark = pytest.mark.integration

DBT = str(Path(sys.executable).parent / "dbt")
META_COLUMNS = ["source_name", "loaded_at", "is_demo"]
METRIC_MACROS = [
    "yoy_pct",
    "mom_pct",
    "yoy_3m_pct",
    "ytd_value",
    "ytd_yoy_pct",
    "wow_pct",
    "pctile",
    "pctile_10y",
    "pctile_52w",
    "share_pct",
]
SYSTEMS = {"eastmoney", "jin10", "cpca", "sse", "szse", "legulegu", "csindex", "shenwan", "sina", "sge", "curated"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("dbt_parse")
    env = {**os.environ, "WAREHOUSE_DUCKDB": str(work / "unused.duckdb"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(
        [DBT, "parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        env=env, cwd=DBT_PROJECT_DIR, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:]
    return json.loads((work / "target" / "manifest.json").read_text(encoding="utf-8"))


def models(manifest: dict[str, Any], layer: str | None = None) -> dict[str, dict[str, Any]]:
    found = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    return {k: v for k, v in found.items() if layer is None or v["fqn"][1] == layer}


def documented_mart_columns() -> dict[str, list[str]]:
    """docs/metrics.md § Mart columns: mart -> column names (parenthesised notes removed)."""
    text = (REPO_ROOT / "docs" / "metrics.md").read_text(encoding="utf-8").split("## Mart columns", 1)[1]
    marts = {}
    for item in re.split(r"\n- `", text)[1:]:
        name, rest = item.split("`", 1)
        rest = re.sub(r"\s+", " ", rest.split(":", 1)[1])
        previous = None
        while previous != rest:
            previous, rest = rest, re.sub(r"\([^()]*\)", "", rest)
        marts[name] = [c.strip() for c in rest.split(",") if c.strip()]
    return marts


def test_one_staging_model_per_registered_source(manifest) -> None:
    from ingestion.registry import registry

    readers: dict[str, list[str]] = {}
    for name, node in models(manifest, "staging").items():
        match = re.fullmatch(r"stg_([a-z0-9]+)__([a-z0-9_]+)", name)
        assert match, f"{name} is not named stg_<system>__<entity>"
        assert match.group(1) in SYSTEMS and node["fqn"][2] == match.group(1), (
            f"{name} is not in models/staging/{match.group(1)}/"
        )
        sources = [s.split(".")[-1] for s in node["depends_on"]["nodes"] if s.startswith("source.")]
        assert len(sources) == 1, f"{name} reads {sources}"
        readers.setdefault(sources[0], []).append(name)
    assert sorted(readers) == sorted(registry()), set(registry()) ^ set(readers)
    assert all(len(v) == 1 for v in readers.values()), {k: v for k, v in readers.items() if len(v) > 1}


def test_staging_models_keep_the_load_columns(manifest) -> None:
    for name, node in models(manifest, "staging").items():
        columns = set(node["columns"])
        assert {"load_id", "loaded_at", "published_at", "is_demo"} <= columns, name
        assert "visible_versions" in node["raw_code"], f"{name} does not read through visible_versions"


def test_intermediate_models_are_named_for_entity_and_verb(manifest) -> None:
    for name in models(manifest, "intermediate"):
        assert re.fullmatch(r"int_[a-z0-9]+(_[a-z0-9]+)+", name), name


def test_marts_have_exactly_the_documented_columns(manifest) -> None:
    documented = documented_mart_columns()
    marts = models(manifest, "marts")
    assert sorted(marts) == sorted(documented)
    for name, columns in documented.items():
        node = marts[name]
        assert list(node["columns"]) == columns + META_COLUMNS or sorted(node["columns"]) == sorted(
            columns + META_COLUMNS
        ), (
            name,
            set(node["columns"]) ^ set(columns + META_COLUMNS),
        )
        assert node["config"]["contract"]["enforced"], name
        assert node["schema"] == "marts", name
        assert all(c.get("data_type") for c in node["columns"].values()), name


def test_the_report_reads_only_contracted_marts(manifest) -> None:
    """Every mart the report reads is a dbt mart with an enforced contract holding the columns the
    report labels rows by: no mart exists only in the report code or in a test fixture."""
    from reporting.queries import LABELS

    marts = models(manifest, "marts")
    for mart, (code, name) in LABELS.items():
        assert mart in marts, f"the report reads {mart}, which no dbt model builds"
        assert marts[mart]["config"]["contract"]["enforced"], mart
        assert {code, name, "source_name", "loaded_at", "is_demo"} <= set(marts[mart]["columns"]), mart


def test_every_mart_has_a_uniqueness_test_on_its_grain(manifest) -> None:
    tested = {
        n["attached_node"].split(".")[-1]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test"
        and (n.get("test_metadata") or {}).get("name") == "unique_combination_of_columns"
    }
    assert set(models(manifest, "marts")) <= tested


def test_every_model_and_column_is_described(manifest) -> None:
    for name, node in models(manifest).items():
        assert node["description"].strip(), f"{name} has no description"
        assert node["columns"], f"{name} documents no column"
        for column, spec in node["columns"].items():
            assert spec["description"].strip(), f"{name}.{column} has no description"


def test_each_metric_macro_has_a_unit_test(manifest) -> None:
    unit_tests = {n["name"] for n in manifest["unit_tests"].values()}
    assert {f"test_{m}" for m in METRIC_MACROS} <= unit_tests
    macros = {m["name"] for m in manifest["macros"].values() if m["package_name"] == "warehouse"}
    assert set(METRIC_MACROS) <= macros


def test_the_weekly_report_is_an_exposure(manifest) -> None:
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    report = exposures["weekly_summary"]
    assert report["owner"]["name"] == "strategy team"
    assert report["meta"]["dagster_asset_key"] == ["report", "weekly_summary"]
    depends = {d.split(".")[-1] for d in report["depends_on"]["nodes"]}
    assert depends == set(models(manifest, "marts"))


def test_sqlfluff_config_uses_duckdb_and_lower_case() -> None:
    config = (REPO_ROOT / ".sqlfluff").read_text(encoding="utf-8")
    assert re.search(r"^dialect = duckdb$", config, re.M)
    assert re.search(r"^templater = dbt$", config, re.M)
    assert "capitalisation_policy = lower" in config


def test_tests_of_incremental_models_test_the_rebuilt_weeks(manifest) -> None:
    """A data test of a replace_weeks model reads the weeks the build rebuilt (where "__rebuilt_weeks__",
    macros/tested_weeks.sql), and only such tests use the placeholder (on another model it fails at run time)."""
    by_week = {
        name for name, n in models(manifest).items() if n["config"].get("incremental_strategy") == "replace_weeks"
    }
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    scoped = {n["name"] for n in tests if "__rebuilt_weeks__" in (n["config"].get("where") or "")}
    of_models = {n["name"] for n in tests if (n.get("attached_node") or "").split(".")[-1] in by_week}
    assert len(by_week) >= 3 and len(of_models) >= 7, (by_week, of_models)
    assert scoped == of_models, {"not scoped": sorted(of_models - scoped), "not by week": sorted(scoped - of_models)}


@pytest.mark.parametrize(
    ("yml", "old", "new", "select", "message"),
    [
        (  # a view has no rebuilt weeks
            "intermediate/fund_flows/_fund_flows__models.yml",
            "            columns: [flow, flow_date]\n",
            '            columns: [flow, flow_date]\n          config:\n            where: "__rebuilt_weeks__"\n',
            "int_fund_flows_daily_unioned",
            "int_fund_flows_daily_unioned is not one",
        ),
        (  # a relation the mart is not built from: its change would not rebuild the mart's weeks
            "marts/fund_flows/_fund_flows__models.yml",
            "                to: ref('shenwan_industries')\n                field: industry_code\n",
            "                to: ref('mart_etf_flows_weekly')\n                field: etf_group\n",
            "mart_fund_flows_by_industry_weekly",
            "also reads model.warehouse.mart_etf_flows_weekly, which mart_fund_flows_by_industry_weekly is not built from",
        ),
    ],
)
def test_a_test_scoped_to_rebuilt_weeks_that_cannot_be_fails_to_compile(
    tmp_path: Path, yml: str, old: str, new: str, select: str, message: str
) -> None:
    import shutil

    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", ".user.yml"))
    path = project / "models" / yml
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    env = {**os.environ, "WAREHOUSE_DUCKDB": str(tmp_path / "w.duckdb"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(
        [DBT, "compile", "--project-dir", str(project), "--profiles-dir", str(project),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
         "--select", f"{select},resource_type:test"],
        env=env, cwd=project, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode != 0 and message in result.stdout, result.stdout[-3000:]
