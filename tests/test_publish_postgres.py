"""Publishing the marts to a real PostgreSQL server (started by the session's ``postgres_server``)."""

from __future__ import annotations

import math
import threading
import time
from decimal import Decimal
from typing import Any

import duckdb
import psycopg
import pytest
from click.testing import CliRunner
from psycopg import errors

from cli.commands import main
from ground.database import serving
from ground.settings import Paths
from warehouse.publish import PublishError, current_version, publish
from warehouse.publish_postgres import publish_to_postgres

from .test_publish_support import make_working_db, publish_synthetic

pytestmark = pytest.mark.integration

AS_OF = "2023-04-14T12:00:00+00:00"


def _normal(value: Any) -> Any:
    """One comparable form for a value read from DuckDB or PostgreSQL (NaN equals NaN)."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def _sorted_rows(rows: list[tuple]) -> list[tuple]:
    rows = [tuple(_normal(v) for v in row) for row in rows]
    return sorted(rows, key=lambda row: [(v is None, repr(v)) for v in row])


def _duckdb_marts(p: Paths) -> dict[str, tuple[list[str], list[tuple]]]:
    with serving(p.serving_db) as con:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            ).fetchall()
        ]
        marts = {}
        for name in names:
            cursor = con.execute(f'select * from marts."{name}"')
            columns = [d[0] for d in cursor.description]
            marts[name] = (columns, _sorted_rows(cursor.fetchall()))
    return marts


def _postgres_mart(con: psycopg.Connection, name: str) -> tuple[list[str], list[tuple]]:
    cursor = con.execute(f'select * from marts."{name}"')
    return [d.name for d in cursor.description], _sorted_rows(cursor.fetchall())


def _login_as_reader(dsn: str, role: str = "bi_reader") -> str:
    """A login role that is granted the BI role (what an admin does for a real user); its DSN."""
    user = f"analyst_{role}"
    with psycopg.connect(dsn, autocommit=True) as con:
        if con.execute("select 1 from pg_roles where rolname = %s", [user]).fetchone() is None:
            con.execute(f'create role "{user}" login')
        con.execute(f'grant "{role}" to "{user}"')
    return dsn.replace("postgresql://postgres@", f"postgresql://{user}@")


def _published_version(dsn: str) -> int | None:
    with psycopg.connect(dsn) as con:
        row = con.execute(
            "select 1 from pg_tables where schemaname = 'marts' and tablename = 'warehouse_version'"
        ).fetchone()
        return con.execute("select version from marts.warehouse_version").fetchone()[0] if row else None


# --- the demo marts ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_publishes_the_demo_marts_equal_to_the_duckdb_serving_copy(
    use_demo_warehouse: Paths, postgres_dsn: str
) -> None:
    p = use_demo_warehouse
    result = CliRunner().invoke(main, ["publish", "--postgres", postgres_dsn])
    assert result.exit_code == 0, result.output
    version = current_version(p)
    assert f"Published {version.name} to postgres@127.0.0.1:" in result.stdout
    assert "role bi_reader may read it" in result.stdout

    expected = _duckdb_marts(p)
    with psycopg.connect(postgres_dsn) as con:
        tables = {r[0] for r in con.execute("select tablename from pg_tables where schemaname = 'marts'").fetchall()}
        assert tables == {*expected, "warehouse_version"}
        for name, (columns, rows) in expected.items():
            assert _postgres_mart(con, name) == (columns, rows), name
        (number, week, mart_rows) = con.execute(
            "select version, week, mart_rows from marts.warehouse_version"
        ).fetchone()
        assert (number, week) == (version.number, "2023-W15")
        assert mart_rows == {name: len(rows) for name, (_, rows) in expected.items()}
        # the dbt descriptions (Chinese source names and all) travel as comments
        with serving(p.serving_db) as duck:
            comments = duck.execute(
                "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts' "
                "and comment is not null and comment <> ''"
            ).fetchall()
            table_comments = duck.execute(
                "select table_name, comment from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        assert comments and table_comments
        for table, column, comment in comments:
            seen = con.execute(
                "select col_description(format('marts.%%I', %s::text)::regclass, a.attnum) from pg_attribute a "
                "where a.attrelid = format('marts.%%I', %s::text)::regclass and a.attname = %s",
                [table, table, column],
            ).fetchone()
            assert seen == (comment,), (table, column)
        for table, comment in table_comments:
            assert con.execute(
                "select obj_description(format('marts.%%I', %s::text)::regclass)", [table]
            ).fetchone() == (comment,)

    # as bi_reader: select works, create is refused
    reader = _login_as_reader(postgres_dsn)
    with psycopg.connect(reader) as con:
        assert con.execute("select count(*) from marts.mart_exports_monthly").fetchone()[0] == len(
            expected["mart_exports_monthly"][1]
        )
    with psycopg.connect(reader) as con, pytest.raises(errors.InsufficientPrivilege):
        con.execute("create table marts.x (i int)")


# --- types, role, concurrency, faults on synthetic versions (no build) ---------------------------------------


def _typed_working_db(p: Paths) -> None:
    make_working_db(p, rows=3)
    con = duckdb.connect(str(p.working_db))
    try:
        con.execute(
            """
            create table marts.mart_types as
            select * from (values
                (1, true, 1.5::double, 0.30000000000000004::double, 'nan'::double, 12.345::decimal(18, 3),
                 '出口, "quoted"' || chr(10) || 'second line', '', date '2023-03-01',
                 timestamp '2023-04-14 20:00:00.123456', timestamptz '2023-04-14 20:00:00+08',
                 time '09:30:00', 9007199254740993::bigint, 3::tinyint, 1e-300::double),
                (2, null, null, -0.0::double, 'inf'::double, null, null, null, null, null, null, null, null, null, null)
            ) t(id, flag, ratio, tricky, special, amount, label, empty, day, moment, moment_tz, at_time, big, small, tiny)
            """
        )
        con.execute("comment on column marts.mart_types.label is '名称 (label)'")
    finally:
        con.close()


def test_every_value_and_type_survives_the_copy(warehouse_home: Paths, postgres_dsn: str) -> None:
    p = warehouse_home
    _typed_working_db(p)
    publish(week="2023-W15", as_of=AS_OF, p=p)
    with psycopg.connect(postgres_dsn, autocommit=True) as con:  # instants must not depend on the server's zone
        con.execute(f"alter database \"{postgres_dsn.rsplit('/', 1)[1]}\" set timezone to 'Asia/Shanghai'")
    done = publish_to_postgres(postgres_dsn, p=p)
    assert done.rows["mart_types"] == 2 and done.version == "v0001"
    expected = _duckdb_marts(p)
    with psycopg.connect(postgres_dsn) as con:
        for name, (columns, rows) in expected.items():
            assert _postgres_mart(con, name) == (columns, rows), name
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = 'mart_types'"
            ).fetchall()
        )
        assert types["amount"] == "numeric" and types["moment_tz"] == "timestamp with time zone"
        assert types["ratio"] == "double precision" and types["day"] == "date" and types["label"] == "text"
        # NULL stays NULL and the empty string stays empty
        assert con.execute("select label is null, empty from marts.mart_types where id = 1").fetchone() == (False, "")
        assert con.execute("select label is null, empty is null from marts.mart_types where id = 2").fetchone() == (
            True,
            True,
        )


def test_a_type_without_a_postgres_column_is_refused_by_name(warehouse_home: Paths, postgres_dsn: str) -> None:
    p = warehouse_home
    publish_synthetic(p, rows=3)
    publish_to_postgres(postgres_dsn, p=p)
    make_working_db(p, rows=4)
    con = duckdb.connect(str(p.working_db))
    con.execute("create table marts.mart_lists as select [1, 2] as members")
    con.close()
    publish(week="2023-W15", as_of=AS_OF, p=p)
    with pytest.raises(PublishError, match=r"marts.mart_lists: no PostgreSQL type for members \(INTEGER\[\]\)"):
        publish_to_postgres(postgres_dsn, p=p)
    assert _published_version(postgres_dsn) == 1


def test_the_bi_role_reads_marts_and_nothing_else(warehouse_home: Paths, postgres_dsn: str) -> None:
    p = warehouse_home
    publish_synthetic(p, rows=3)
    with psycopg.connect(postgres_dsn, autocommit=True) as con:
        con.execute("create table public.salaries as select 1 as amount")
        con.execute("create schema private")
        con.execute("create table private.secrets as select 'hunter2' as password")
    done = publish_to_postgres(postgres_dsn, p=p, bi_role="dashboards")
    assert done.bi_role == "dashboards"
    with psycopg.connect(postgres_dsn) as con:
        assert con.execute("select rolcanlogin from pg_roles where rolname = 'dashboards'").fetchone() == (False,)
    reader = _login_as_reader(postgres_dsn, "dashboards")
    with psycopg.connect(reader) as con:
        assert con.execute("select count(*) from marts.mart_exports_monthly").fetchone() == (3,)
        assert con.execute("select version from marts.warehouse_version").fetchone() == (1,)

    refused = [
        "create table marts.x (i int)",
        "create view marts.v as select 1",
        "create table public.x (i int)",
        "create schema mine",
        "create temporary table scratch (i int)",
        "insert into marts.mart_flows values (99, 1.0)",
        "update marts.mart_flows set net = 0",
        "delete from marts.mart_flows",
        "truncate marts.mart_flows",
        "drop table marts.mart_flows",
        "alter table marts.mart_flows add column x int",
        "select * from public.salaries",
        "select * from private.secrets",
        "copy marts.mart_flows to '/tmp/bi_reader_copy.csv'",
        "select pg_read_file('/etc/passwd')",
    ]
    for statement in refused:
        with psycopg.connect(reader) as con, pytest.raises(errors.InsufficientPrivilege):
            con.execute(statement)
    with psycopg.connect(postgres_dsn) as con:  # nothing changed
        assert con.execute("select count(*) from marts.mart_flows").fetchone() == (3,)


READ_ONE_STATEMENT = (
    "select v.version, v.mart_rows, (select count(*) from marts.mart_exports_monthly), "
    "(select count(*) from marts.mart_flows), (select count(*) from marts.mart_latest), "
    "(select min(value_usd_100m) from marts.mart_exports_monthly) from marts.warehouse_version v"
)


class PostgresReader(threading.Thread):
    """Reads the marts in a loop (one statement, or one transaction of several) and checks each read."""

    def __init__(self, dsn: str, mode: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.dsn, self.mode, self.stop = dsn, mode, stop
        self.reads, self.errors, self.versions = 0, [], []

    def read_once(self, con: psycopg.Connection) -> tuple[int, dict, int, int, int, float]:
        if self.mode == "statement":
            return con.execute(READ_ONE_STATEMENT).fetchone()
        with con.transaction():  # read committed, several statements in one transaction
            version, mart_rows = con.execute("select version, mart_rows from marts.warehouse_version").fetchone()
            time.sleep(0.005)
            exports = con.execute("select count(*), min(value_usd_100m) from marts.mart_exports_monthly").fetchone()
            flows = con.execute("select count(*) from marts.mart_flows").fetchone()[0]
            latest = con.execute("select count(*) from marts.mart_latest").fetchone()[0]
        return version, mart_rows, exports[0], flows, latest, exports[1]

    def run(self) -> None:
        with psycopg.connect(self.dsn, autocommit=self.mode == "statement") as con:
            while not self.stop.is_set():
                try:
                    version, mart_rows, exports, flows, latest, lowest = self.read_once(con)
                    # one whole version: every count is that version's, and its values (seed = version)
                    seen = {"mart_exports_monthly": exports, "mart_flows": flows, "mart_latest": latest}
                    if seen != mart_rows or lowest != 3000 + version:
                        self.errors.append(f"version {version}: read {seen}, min {lowest}; recorded {mart_rows}")
                    self.reads += 1
                    if not self.versions or self.versions[-1] != version:
                        self.versions.append(version)
                except psycopg.Error as exc:
                    self.errors.append(f"{type(exc).__name__}: {exc}")
                    if con.broken:
                        return


def test_readers_see_one_whole_version_during_publishes(warehouse_home: Paths, postgres_dsn: str) -> None:
    p = warehouse_home
    publish_synthetic(p, rows=3, seed=1)
    publish_to_postgres(postgres_dsn, p=p)
    reader_dsn = _login_as_reader(postgres_dsn)
    stop = threading.Event()
    readers = [PostgresReader(reader_dsn, mode, stop) for mode in ("statement", "transaction", "statement")]
    for reader in readers:
        reader.start()
    try:
        waits = []
        for number in range(2, 8):
            publish_synthetic(p, rows=2 + number, seed=number)  # version n: n + 2 rows, values from 3000 + n
            waits.append(publish_to_postgres(postgres_dsn, p=p).swap_wait_seconds)
            time.sleep(0.1)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=60)
    for reader in readers:
        assert not reader.errors, (reader.mode, reader.errors[:5])
        assert reader.reads > 10, reader.mode
        assert reader.versions == sorted(reader.versions)
    assert len({v for r in readers for v in r.versions}) >= 3
    assert _published_version(postgres_dsn) == 7
    assert max(waits) < 30


def test_a_publish_killed_halfway_leaves_the_previous_version(warehouse_home: Paths, postgres_dsn: str) -> None:
    p = warehouse_home
    publish_synthetic(p, rows=3, seed=1)
    publish_to_postgres(postgres_dsn, p=p)
    with psycopg.connect(postgres_dsn) as con:
        before = {name: _postgres_mart(con, name) for name in ("mart_exports_monthly", "mart_flows", "mart_latest")}
    publish_synthetic(p, rows=6, seed=2)

    killed = []

    def kill_the_connection(message: str) -> None:
        if message.startswith("copied ") and not killed:  # after the first mart, before the others
            with psycopg.connect(postgres_dsn, autocommit=True) as admin:
                killed.extend(
                    admin.execute(
                        "select pg_terminate_backend(pid) from pg_stat_activity "
                        "where application_name = 'warehouse publish' and pid <> pg_backend_pid()"
                    ).fetchall()
                )

    with pytest.raises(PublishError, match=r"failed at step 'copy .*'.*PostgreSQL keeps its previous version"):
        publish_to_postgres(postgres_dsn, p=p, progress=kill_the_connection)
    assert killed == [(True,)]
    with psycopg.connect(postgres_dsn) as con:
        assert {name: _postgres_mart(con, name) for name in before} == before
        assert con.execute("select version from marts.warehouse_version").fetchone() == (1,)
        schemas = {r[0] for r in con.execute("select nspname from pg_namespace").fetchall()}
        assert "marts__loading" not in schemas and "marts__retired" not in schemas
    # the next publish goes through
    assert publish_to_postgres(postgres_dsn, p=p).version == "v0002"
    assert _published_version(postgres_dsn) == 2


def test_cli_names_the_database_without_its_password(warehouse_home: Paths, postgres_server: Any) -> None:
    publish_synthetic(warehouse_home, rows=3)
    dsn = f"postgresql://postgres:s3cret@127.0.0.1:{postgres_server.port}/no_such_database"
    result = CliRunner().invoke(main, ["publish", "--postgres", dsn])
    assert result.exit_code != 0
    assert "postgres@127.0.0.1" in result.output and "no_such_database" in result.output
    assert "s3cret" not in result.output
    assert "PostgreSQL keeps its previous version" in result.output


def test_builds_publish_to_postgres_only_when_a_dsn_is_configured(
    warehouse_home: Paths, prepared_dbt_manifest: object
) -> None:
    """The Dagster asset after serving/warehouse exists only with WAREHOUSE_POSTGRES_DSN set."""
    import os
    import subprocess
    import sys

    script = (
        "from orchestration.definitions import defs\n"
        "graph = defs.resolve_asset_graph()\n"
        "key = next((k for k in graph.get_all_asset_keys() if k.path == ['serving', 'postgres_marts']), None)\n"
        "print(key is not None, key and sorted(p.to_user_string() for p in graph.get(key).parent_keys))\n"
        "job = defs.resolve_job_def('weekly_build').asset_layer.executable_asset_keys\n"
        "print(sorted(k.to_user_string() for k in job if k.path[0] == 'serving'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "WAREHOUSE_POSTGRES_DSN"}
    without = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert without.returncode == 0, without.stderr
    assert without.stdout.splitlines() == ["False None", "['serving/warehouse']"]
    env["WAREHOUSE_POSTGRES_DSN"] = "postgresql://warehouse@127.0.0.1:1/warehouse"
    with_dsn = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert with_dsn.returncode == 0, with_dsn.stderr
    assert with_dsn.stdout.splitlines() == [
        "True ['serving/warehouse']",
        "['serving/postgres_marts', 'serving/warehouse']",
    ]


def test_the_database_owner_publishes_without_superuser_rights(warehouse_home: Paths, postgres_dsn: str) -> None:
    """As deploy/postgres/init.sh sets it up: an owner role publishes, an admin made the BI role.

    A user who does not own the database cannot keep the BI role read-only: refused, loudly."""
    p = warehouse_home
    publish_synthetic(p, rows=3)
    database = postgres_dsn.rsplit("/", 1)[1]
    with psycopg.connect(postgres_dsn, autocommit=True) as admin:
        for role in ("wh_owner", "wh_other"):
            admin.execute(f"drop role if exists {role}")
            admin.execute(f"create role {role} login")
        admin.execute("drop role if exists wh_readers")
        admin.execute("create role wh_readers nologin")
        admin.execute(f'alter database "{database}" owner to wh_owner')
        admin.execute("create database wh_not_owned")
        admin.execute("grant create on database wh_not_owned to wh_other")
    owner_dsn = postgres_dsn.replace("postgres@", "wh_owner@")
    done = publish_to_postgres(owner_dsn, p=p, bi_role="wh_readers")
    assert done.rows["mart_flows"] == 3
    with psycopg.connect(_login_as_reader(postgres_dsn, "wh_readers")) as con:
        assert con.execute("select version from marts.warehouse_version").fetchone() == (1,)

    other_dsn = postgres_dsn.rsplit("/", 1)[0].replace("postgres@", "wh_other@") + "/wh_not_owned"
    with pytest.raises(PublishError, match="role wh_readers still has TEMPORARY on the database"):
        publish_to_postgres(other_dsn, p=p, bi_role="wh_readers")
    with psycopg.connect(postgres_dsn, autocommit=True) as admin:
        admin.execute("drop database wh_not_owned")
