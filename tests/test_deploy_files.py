"""The deployment files (deploy/) agree with each other and with the code location.

Docker and Kubernetes are not available to the test suite; tests/test_dagster_postgres.py runs
deploy/dagster.yaml itself against a real PostgreSQL server.
"""

from __future__ import annotations

from typing import Any

import yaml

from ground.settings import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"


def _yaml(name: str) -> Any:
    return yaml.safe_load((DEPLOY / name).read_text(encoding="utf-8"))


def test_the_instance_serialises_writers_and_stores_everything_in_postgres() -> None:
    instance = _yaml("dagster.yaml")
    assert set(instance["storage"]) == {"postgres"}
    connection = instance["storage"]["postgres"]["postgres_db"]
    for field in ("hostname", "port", "db_name", "username", "password"):
        assert set(connection[field]) == {"env"}, field  # from the environment, never in the file
    coordinator = instance["run_coordinator"]
    assert coordinator["class"] == "QueuedRunCoordinator"
    assert {"key": "warehouse/writer", "limit": 1} in coordinator["config"]["tag_concurrency_limits"]

    helm = _yaml("helm/values.yaml")
    queued = helm["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    assert queued["tagConcurrencyLimits"] == coordinator["config"]["tag_concurrency_limits"]
    assert helm["postgresql"]["postgresqlScheme"] == connection["scheme"]
    assert helm["runLauncher"]["config"]["customRunLauncher"]["class"] == instance["run_launcher"]["class"]


def test_both_jobs_carry_the_writer_tag_the_queue_limits() -> None:
    from orchestration.jobs import build_jobs

    for job in build_jobs():
        assert job.tags.get("warehouse/writer") == "true", job.name


def test_the_webserver_is_reachable_only_through_the_authenticating_proxy() -> None:
    compose = _yaml("docker-compose.yml")
    services, networks = compose["services"], compose["networks"]
    for name in ("webserver", "daemon"):
        assert "ports" not in services[name], name
        assert all(networks[n].get("internal") for n in services[name]["networks"]), name
    assert "ports" not in services["code-server"]
    proxy = services["proxy"]
    assert proxy["ports"] and set(proxy["networks"]) & set(services["webserver"]["networks"])
    nginx = (DEPLOY / "proxy" / "nginx.conf").read_text(encoding="utf-8")
    assert (
        "auth_basic_user_file" in nginx and "listen 8443 ssl" in nginx and "proxy_pass http://webserver:3000" in nginx
    )


def test_compose_helm_and_workspace_name_the_same_code_location() -> None:
    compose = _yaml("docker-compose.yml")
    workspace = _yaml("workspace.yaml")["load_from"][0]["grpc_server"]
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert workspace["host"] == "code-server" and "code-server" in compose["services"]
    assert f'"-p", "{workspace["port"]}"' in dockerfile
    assert f'"--location-name", "{workspace["location_name"]}"' in dockerfile
    assert '"-m", "orchestration.definitions", "-a", "defs"' in dockerfile
    deployment = _yaml("helm/values.yaml")["dagster-user-deployments"]["deployments"][0]
    assert deployment["dagsterApiGrpcArgs"] == ["-m", "orchestration.definitions", "-a", "defs"]
    assert deployment["replicaCount"] == 1
    assert (REPO_ROOT / "workspace.yaml").exists()  # the local one (dagster dev) stays beside it
    code_env = compose["services"]["code-server"]["environment"]
    assert code_env["WAREHOUSE_POSTGRES_DSN"].startswith("postgresql://warehouse:")
    assert code_env["DAGSTER_HOME"] == "/data/dagster_home"  # where the CLI looks too (ground.settings)
