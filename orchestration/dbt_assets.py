"""Every dbt model as a Dagster asset, built by one ``dbt build`` per run.

The run's week and as-of moment reach dbt as run settings written into the working database
(``warehouse/run_settings.py``), with the plan of which weeks the incremental models rebuild
(``warehouse/rebuild_plan.py``); no ``--vars``, so dbt's partial parsing holds between builds.

The dbt tests of a model are one asset check on it, ``dbt_tests``, whose metadata lists each test
and its result (one check per test made every build write some 900 more events to Dagster's run
log: a planned event, an output and an evaluation per test). An error-severity failure fails the
step, so nothing downstream (publishing) runs.
"""

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_dbt.asset_utils import DAGSTER_DBT_SELECT_METADATA_KEY, build_dbt_specs

from ground.database import working
from ground.settings import DBT_PROJECT_DIR
from orchestration.dbt_project import WarehouseTranslator, build_target, dbt_executable
from orchestration.partitions import last_week, weekly_partitions
from orchestration.resources import BuildSettings, WriterLock
from warehouse.rebuild_plan import prepare_dbt_build
from warehouse.run_settings import RunSettings

TESTS_CHECK = "dbt_tests"


def tests_by_asset(manifest: Mapping[str, Any], translator: WarehouseTranslator) -> dict[dg.AssetKey, list[str]]:
    """The dbt tests of each asset (by the node they are attached to): asset key -> test unique ids."""
    found: dict[dg.AssetKey, list[str]] = defaultdict(list)
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] != "test":
            continue
        attached = node.get("attached_node") or next(iter(node["depends_on"]["nodes"]), None)
        props = manifest["nodes"].get(attached) or manifest["sources"].get(attached)
        if props is not None and props["resource_type"] != "source":
            found[translator.get_asset_key(props)].append(uid)
    return found


def _dbt_definitions(manifest_path: Path) -> tuple[dict[str, Any], list[dg.AssetSpec], list[dg.AssetCheckSpec]]:
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    translator = WarehouseTranslator()
    specs, _ = build_dbt_specs(
        translator=translator,
        manifest=manifest,
        select="fqn:*",
        exclude="",
        selector="",
        io_manager_key=None,
        project=None,
    )
    keys = {spec.key for spec in specs}
    checks = [
        dg.AssetCheckSpec(
            name=TESTS_CHECK,
            asset=key,
            description=f"The dbt tests of {key.path[-1]} ({len(tests)}): "
            + ", ".join(sorted(manifest["nodes"][t]["name"] for t in tests))[:1500],
        )
        for key, tests in sorted(tests_by_asset(manifest, translator).items())
        if key in keys
    ]
    return manifest, specs, checks


def test_results(
    context: dg.AssetExecutionContext, manifest: Mapping[str, Any], run_results: Path
) -> Iterator[dg.AssetCheckResult]:
    """One result per tested model of this invocation, from dbt's run_results.json."""
    if not run_results.exists():
        return
    results = {r["unique_id"]: r for r in json.loads(run_results.read_text(encoding="utf-8"))["results"]}
    selected = {check.asset_key for check in context.selected_asset_check_keys if check.name == TESTS_CHECK}
    for key, tests in sorted(tests_by_asset(manifest, WarehouseTranslator()).items()):
        ran = [(manifest["nodes"][t], results[t]) for t in tests if t in results]
        if key not in selected or not ran:
            continue
        failing = [(node, r) for node, r in ran if r["status"] in ("fail", "error", "warn")]
        errors = [
            (node, r)
            for node, r in failing
            if r["status"] in ("fail", "error") and node["config"]["severity"].lower() == "error"
        ]
        rows = ["| test | status | failing rows |", "|---|---|---|"] + [
            f"| {node['name']} | {r['status']} | {r.get('failures') if r.get('failures') is not None else ''} |"
            for node, r in ran
        ]
        summary = (
            f"{len(ran)} dbt test(s) passed"
            if not failing
            else "; ".join(
                f"{node['name']} {r['status']}: {(r.get('message') or '').strip()[:200]}" for node, r in failing
            )
        )
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name=TESTS_CHECK,
            passed=not failing,
            severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
            description=summary[:2000],
            metadata={
                "tests": dg.MetadataValue.md("\n".join(rows)),
                "tests_run": len(ran),
                "tests_failed": len(failing),
            },
        )


def build_dbt_assets(manifest_path: Path) -> dg.AssetsDefinition:
    """Every model of the prepared manifest (``orchestration.dbt_project.prepared_manifest``) as one multi-asset."""
    manifest, specs, checks = _dbt_definitions(manifest_path)

    @dg.multi_asset(
        name="dbt_models",
        specs=specs,
        check_specs=checks,
        can_subset=True,
        partitions_def=weekly_partitions(),
        backfill_policy=dg.BackfillPolicy.single_run(),
        op_tags={DAGSTER_DBT_SELECT_METADATA_KEY: "fqn:*", "warehouse/writer": "true"},
    )
    def dbt_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, build: BuildSettings, writer_lock: WriterLock
    ) -> Iterator[Any]:
        settings = RunSettings.for_week(last_week(context), build.as_of_moment(context))
        with writer_lock.writing(context):  # the run settings, the dbt build and its run_results.json
            with working() as con:
                plan = prepare_dbt_build(con, settings, manifest_path, full_refresh=build.full_refresh)
            context.log.info(f"run settings: {settings}\nrebuild plan:\n{plan.describe()}")
            # the home's own target folder (one writer at a time): dbt reuses its partial-parse state
            target = build_target()
            args = ["build", "--full-refresh"] if build.full_refresh else ["build"]
            invocation = dbt.cli(args, context=context, target_path=target, raise_on_error=False)
            for event in invocation.stream():
                if isinstance(event, dg.AssetObservation):
                    continue  # a test's result, once per model it reads: summarised per model below
                yield event
            yield from test_results(context, manifest, target / "run_results.json")
            if not invocation.is_successful():
                failed = _failed_nodes(target / "run_results.json")
                raise dg.Failure(
                    description=f"dbt build failed: {', '.join(failed) or 'see the dbt log'}",
                    metadata={"failed_nodes": failed},
                    allow_retries=False,
                )

    return dbt_models


def _failed_nodes(run_results: Path) -> list[str]:
    if not run_results.exists():
        return []
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    return [
        f"{r['unique_id'].split('.')[-2 if r['unique_id'].startswith('test.') else -1]} ({r['status']})"
        for r in results
        if r.get("status") in ("error", "fail")
    ]


class WarehouseDbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI resource, without the dbt adapter it opens in the build process.

    dagster-dbt builds a dbt-core adapter in-process on every ``cli()`` call (importing dbt's
    adapter stack, loading the project and profile: about a second) only to fetch row counts and
    column metadata, which this project does not ask for; the DuckDB environment it leaves behind
    also outlives the build (interpreter-exit warnings). dbt itself runs as a child process.
    """

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        return None


def dbt_resource() -> DbtCliResource:
    return WarehouseDbtCli(
        project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable()
    )
