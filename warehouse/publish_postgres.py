"""Publish the marts of the current serving version to PostgreSQL (schema ``marts``) for BI tools.

The DuckDB serving copy stays the source of truth (write-audit-publish in :mod:`warehouse.publish`);
this module copies its audited marts into a PostgreSQL database that every BI tool speaks, in
**one transaction**:

1. ``pg_advisory_xact_lock``: one publisher per database at a time;
2. the BI role (default ``bi_reader``) is created ``NOLOGIN`` if missing (admins grant it to real
   users), the database is closed to everyone else (CONNECT for the role; no TEMPORARY, no
   CREATE in ``public`` for PUBLIC);
3. a staging schema ``marts__loading`` gets one table per mart (DuckDB types mapped to
   PostgreSQL's), filled with ``COPY … FROM STDIN (FREEZE)`` (CSV written by Arrow from DuckDB's
   record batches: no per-row Python; rows frozen, autovacuum off: the table never changes), the dbt table and column descriptions as comments, and
   ``marts.warehouse_version`` (which version this is, with its row counts); every table is
   analysed;
4. the row count of every table is checked against the DuckDB version (and its ``version.json``);
5. the swap: every relation of the old ``marts`` is locked ``ACCESS EXCLUSIVE NOWAIT`` (retried
   until no reader holds one, so a reader never deadlocks with the publisher), the old schema is
   renamed away and dropped, ``marts__loading`` renamed to ``marts``; then COMMIT.

A reader's statement (or read-committed transaction) sees the old or the new version, never a
mix: while it holds a lock on an old table the swap waits; once the swap holds them, new
statements wait and then resolve the names to the new tables. A publish that fails anywhere,
including a killed connection, rolls back and leaves the previous ``marts`` as it was.

Objects of your own that depend on ``marts`` tables (views in another schema) are dropped with
the old schema, as dbt does when it replaces a table: define them in the BI tool instead.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb

from ground.database import serving
from ground.settings import Paths, paths
from warehouse.publish import PublishError, Version, current_version, quote, verify

DSN_ENV = "WAREHOUSE_POSTGRES_DSN"
BI_ROLE_ENV = "WAREHOUSE_POSTGRES_BI_ROLE"
DEFAULT_BI_ROLE = "bi_reader"
SCHEMA = "marts"
LOADING_SCHEMA = "marts__loading"
RETIRED_SCHEMA = "marts__retired"
VERSION_TABLE = "warehouse_version"
ADVISORY_LOCK = "cn-strategy-warehouse:publish-marts"
SWAP_TIMEOUT_SECONDS = 300.0
BATCH_ROWS = 100_000

# DuckDB column types and the PostgreSQL types their values are copied into (CSV through Arrow)
POSTGRES_TYPES = {
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "numeric(38, 0)",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric(20, 0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "VARCHAR": "text",
    "DATE": "date",
    "TIME": "time",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP_S": "timestamp(0)",
    "TIMESTAMP_MS": "timestamp(3)",
    "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "UUID": "uuid",
    "JSON": "jsonb",
}
DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")

Progress = Callable[[str], None]


@dataclass
class Column:
    name: str
    duckdb_type: str
    comment: str | None

    @property
    def postgres_type(self) -> str | None:
        match = DECIMAL.match(self.duckdb_type)
        if match:
            return f"numeric({match.group(1)}, {match.group(2)})"
        return POSTGRES_TYPES.get(self.duckdb_type)


@dataclass
class Mart:
    name: str
    comment: str | None
    columns: list[Column]
    rows: int


@dataclass
class PostgresPublication:
    """What one publish did: the version, where to, rows per table, and where the time went."""

    version: str
    target: str
    bi_role: str
    rows: dict[str, int]
    seconds: float
    copy_seconds: float
    swap_wait_seconds: float
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def describe_target(dsn: str) -> str:
    """``user@host:port/dbname`` of a DSN, without its password (for messages and logs)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(dsn)
    except Exception:  # a malformed DSN is reported by connect; never echo it (it may hold a password)
        return "the PostgreSQL database"
    user = parts.get("user") or os.environ.get("PGUSER") or "?"
    host = parts.get("host") or os.environ.get("PGHOST") or "localhost"
    port = parts.get("port") or os.environ.get("PGPORT") or "5432"
    return f"{user}@{host}:{port}/{parts.get('dbname') or user}"


def configured_dsn() -> str | None:
    """The DSN that builds publish to after every successful build (``WAREHOUSE_POSTGRES_DSN``)."""
    return os.environ.get(DSN_ENV) or None


# --- read the DuckDB version ---------------------------------------------------------------------


def _marts(con: duckdb.DuckDBPyConnection) -> list[Mart]:
    tables = con.execute(
        "select table_name, comment from duckdb_tables() "
        "where database_name = current_database() and schema_name = 'marts' order by table_name"
    ).fetchall()
    marts = []
    for name, comment in tables:
        columns = [
            Column(column, data_type, column_comment or None)
            for column, data_type, column_comment in con.execute(
                "select column_name, data_type, comment from duckdb_columns() "
                "where database_name = current_database() and schema_name = 'marts' and table_name = ? "
                "order by column_index",
                [name],
            ).fetchall()
        ]
        unmapped = [c for c in columns if c.postgres_type is None]
        if unmapped:
            listed = ", ".join(f"{c.name} ({c.duckdb_type})" for c in unmapped)
            raise PublishError(f"marts.{name}: no PostgreSQL type for {listed}; cast the column in the mart")
        (rows,) = con.execute(f"select count(*) from marts.{quote(name)}").fetchall()[0]
        marts.append(Mart(name, comment or None, columns, int(rows)))
    if not marts:
        raise PublishError("the serving database has no marts")
    return marts


def _csv_chunks(con: duckdb.DuckDBPyConnection, mart: Mart) -> Iterator[bytes]:
    """The mart's rows as CSV (no header), a record batch at a time: Arrow writes, PostgreSQL parses."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    options = pa_csv.WriteOptions(include_header=False)
    # instants leave as naive UTC (the publishing session's TimeZone is UTC): Arrow writes zoned
    # timestamps to CSV ten times slower than naive ones
    columns = ", ".join(
        f"timezone('UTC', {quote(c.name)}) as {quote(c.name)}" if c.duckdb_type == "TIMESTAMP WITH TIME ZONE"
        else quote(c.name)
        for c in mart.columns
    )  # fmt: skip
    reader = con.sql(f"select {columns} from marts.{quote(mart.name)}").to_arrow_reader(BATCH_ROWS)
    for batch in reader:
        if batch.num_rows:
            sink = pa.BufferOutputStream()
            pa_csv.write_csv(batch, sink, options)
            yield sink.getvalue().to_pybytes()


# --- write PostgreSQL ----------------------------------------------------------------------------


def _ident(*names: str) -> Any:
    from psycopg import sql

    return sql.Identifier(*names)


def _sql(template: str, *args: Any, **kwargs: Any) -> Any:
    from psycopg import sql

    return sql.SQL(template).format(*args, **kwargs)


def _comma_list(parts: Any) -> Any:
    from psycopg import sql

    return sql.SQL(", ").join(list(parts))


def _literal(value: Any) -> Any:
    from psycopg import sql

    return sql.Literal(value)


def _prepare_database(cur: Any, bi_role: str) -> None:
    """The BI role exists; it may connect; nobody else gets TEMPORARY or CREATE in ``public``."""
    from psycopg import errors

    if cur.execute("select 1 from pg_roles where rolname = %s", [bi_role]).fetchone() is None:
        try:
            cur.execute(_sql("create role {} nologin", _ident(bi_role)))
        except errors.InsufficientPrivilege as exc:
            raise PublishError(
                f"role {bi_role} does not exist and this user may not create it (CREATEROLE); "
                f"an admin can run: create role {bi_role} nologin"
            ) from exc
        cur.execute(
            _sql(
                "comment on role {} is {}",
                _ident(bi_role),
                _literal(f"Reads schema {SCHEMA} of the warehouse (USAGE, SELECT); grant it to BI users."),
            )
        )
    (database,) = cur.execute("select current_database()").fetchone()
    public_schema = cur.execute("select 1 from pg_namespace where nspname = 'public'").fetchone() is not None
    # PUBLIC (every role, so the BI role too) may create temporary tables and, before PostgreSQL 15,
    # tables in schema public: take that away (only when granted: no catalogue write otherwise)
    if cur.execute("select has_database_privilege('public', current_database(), 'TEMPORARY')").fetchone()[0]:
        cur.execute(_sql("revoke temporary on database {} from public", _ident(database)))
    if public_schema and cur.execute("select has_schema_privilege('public', 'public', 'CREATE')").fetchone()[0]:
        cur.execute("revoke create on schema public from public")
    if not cur.execute("select has_database_privilege(%s, current_database(), 'CONNECT')", [bi_role]).fetchone()[0]:
        cur.execute(_sql("grant connect on database {} to {}", _ident(database), _ident(bi_role)))
    # what the role can still do outside schema marts, however it came by it (a revoke by a user
    # who does not own the database is only a warning)
    checks = {
        "TEMPORARY on the database": "has_database_privilege(%(role)s, current_database(), 'TEMPORARY')",
        "CREATE on the database": "has_database_privilege(%(role)s, current_database(), 'CREATE')",
        "CREATE on schema public": "has_schema_privilege(%(role)s, 'public', 'CREATE')" if public_schema else "false",
    }
    granted = cur.execute("select " + ", ".join(checks.values()), {"role": bi_role}).fetchone()
    still = [what for what, has in zip(checks, granted, strict=True) if has]
    if still:
        raise PublishError(
            f"role {bi_role} still has {', '.join(still)} in database {database}; publish as the owner of the "
            "database (and of schema public) so these can be revoked from PUBLIC, or have an admin revoke them"
        )


def _create_table(cur: Any, mart: Mart) -> None:
    columns = _comma_list(_sql("{} " + c.postgres_type, _ident(c.name)) for c in mart.columns)
    # immutable until the next publish replaces it: rows are frozen by COPY and analysed here, so
    # autovacuum has nothing to do, and must not hold a lock on it when the next swap comes
    cur.execute(
        _sql(
            "create table {} ({}) with (autovacuum_enabled = false, toast.autovacuum_enabled = false)",
            _ident(LOADING_SCHEMA, mart.name),
            columns,
        )
    )
    if mart.comment:
        cur.execute(_sql("comment on table {} is {}", _ident(LOADING_SCHEMA, mart.name), _literal(mart.comment)))
    for column in mart.columns:
        if column.comment:
            cur.execute(
                _sql(
                    "comment on column {} is {}",
                    _ident(LOADING_SCHEMA, mart.name, column.name),
                    _literal(column.comment),
                )
            )


def _copy_rows(cur: Any, con: duckdb.DuckDBPyConnection, mart: Mart) -> int:
    columns = _comma_list(_ident(c.name) for c in mart.columns)
    # FREEZE (the table was created in this transaction): no hint-bit writes or vacuum after it
    statement = _sql("copy {} ({}) from stdin (format csv, freeze)", _ident(LOADING_SCHEMA, mart.name), columns)
    with cur.copy(statement) as copy:
        for chunk in _csv_chunks(con, mart):
            copy.write(chunk)
    return cur.rowcount


VERSION_DDL = f"""
create table {LOADING_SCHEMA}.{VERSION_TABLE} (
    version integer not null,
    week text,
    as_of timestamptz,
    built_at timestamptz,
    git_commit text,
    published_at timestamptz not null default now(),
    mart_rows jsonb not null
)
"""
VERSION_COMMENT = (
    "The warehouse version these marts belong to (one row): serving version number, ISO week, "
    "as-of moment, build time, git commit, when it was published here, and the row count of every mart."
)


def _write_version_row(cur: Any, version: Version, rows: dict[str, int]) -> None:
    import json

    record = version.record or {}
    cur.execute(VERSION_DDL)
    cur.execute(_sql("comment on table {} is {}", _ident(LOADING_SCHEMA, VERSION_TABLE), _literal(VERSION_COMMENT)))
    cur.execute(
        _sql(
            "insert into {} (version, week, as_of, built_at, git_commit, mart_rows) values (%s, %s, %s, %s, %s, %s)",
            _ident(LOADING_SCHEMA, VERSION_TABLE),
        ),
        [
            version.number,
            record.get("week"),
            record.get("as_of"),
            record.get("built_at"),
            record.get("git_commit"),
            json.dumps(rows),
        ],
    )


def _check_counts(cur: Any, marts: list[Mart], copied: dict[str, int], version: Version) -> None:
    """Every loading table holds as many rows as its DuckDB mart (and ``version.json`` recorded)."""
    counts = _comma_list(_sql("(select count(*) from {})", _ident(LOADING_SCHEMA, m.name)) for m in marts)
    seen = cur.execute(_sql("select {}", counts)).fetchone()
    recorded = (version.record or {}).get("marts", {})
    for mart, in_postgres in zip(marts, seen, strict=True):
        expected = {mart.rows, copied[mart.name]}
        if mart.name in recorded:
            expected.add(int(recorded[mart.name]["rows"]))
        if expected != {int(in_postgres)}:
            raise PublishError(
                f"row count check failed for {mart.name}: DuckDB {mart.rows}, COPY {copied[mart.name]}, "
                f"PostgreSQL {in_postgres}, version.json {recorded.get(mart.name, {}).get('rows')}"
            )


def _grant(cur: Any, bi_role: str) -> None:
    cur.execute(_sql("grant usage on schema {} to {}", _ident(LOADING_SCHEMA), _ident(bi_role)))
    cur.execute(_sql("grant select on all tables in schema {} to {}", _ident(LOADING_SCHEMA), _ident(bi_role)))


def _swap(cur: Any, version: Version, timeout: float) -> float:
    """Lock every relation of the old ``marts`` (NOWAIT, retried), then rename the new schema in."""
    from psycopg import errors

    started = time.monotonic()
    while True:
        cur.execute("savepoint swap")
        old = cur.execute(
            "select format('%%I.%%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = %s and c.relkind in ('r', 'p', 'v', 'm', 'f') order by c.relname",
            [SCHEMA],
        ).fetchall()
        try:
            if old:
                names = _comma_list(_sql(name) for (name,) in old)
                cur.execute(_sql("lock table {} in access exclusive mode nowait", names))
            break
        except errors.LockNotAvailable:
            cur.execute("rollback to savepoint swap")
            if time.monotonic() - started > timeout:
                raise PublishError(
                    f"other sessions (readers) held tables of schema {SCHEMA} for more than {timeout:.0f} s; "
                    f"could not swap in {version.name}"
                ) from None
            time.sleep(0.05)
    waited = time.monotonic() - started
    exists = cur.execute("select 1 from pg_namespace where nspname = %s", [SCHEMA]).fetchone() is not None
    if exists:
        cur.execute(_sql("alter schema {} rename to {}", _ident(SCHEMA), _ident(RETIRED_SCHEMA)))
    cur.execute(_sql("alter schema {} rename to {}", _ident(LOADING_SCHEMA), _ident(SCHEMA)))
    if exists:
        cur.execute(_sql("drop schema {} cascade", _ident(RETIRED_SCHEMA)))
    cur.execute("release savepoint swap")
    return waited


@contextmanager
def _step(steps: dict[str, float], name: str) -> Iterator[None]:
    started = time.monotonic()
    try:
        yield
    finally:
        steps[name] = steps.get(name, 0.0) + time.monotonic() - started


def publish_to_postgres(
    dsn: str,
    *,
    bi_role: str = DEFAULT_BI_ROLE,
    p: Paths | None = None,
    progress: Progress | None = None,
    swap_timeout: float = SWAP_TIMEOUT_SECONDS,
) -> PostgresPublication:
    """Copy the marts of the current serving version into schema ``marts`` of ``dsn`` (module docstring)."""
    import psycopg

    p = p or paths()
    say = progress or (lambda _message: None)
    version = current_version(p)
    if version is None:
        raise PublishError("nothing is published yet; run `warehouse build` or `make demo` first")
    target = describe_target(dsn)
    steps: dict[str, float] = {}
    started = time.monotonic()
    step = "connect"
    copied: dict[str, int] = {}
    swap_wait = 0.0
    try:
        with serving(version.database) as duck:
            verify(duck)  # the audited copy, unchanged since it was published
            marts = _marts(duck)
            with _step(steps, "connect"):
                pg = psycopg.connect(dsn, application_name="warehouse publish", connect_timeout=30)
            with pg, pg.cursor() as cur:
                step = "lock"
                with _step(steps, "lock"):
                    cur.execute("select pg_advisory_xact_lock(hashtext(%s))", [ADVISORY_LOCK])
                    cur.execute("set local timezone = 'UTC'")  # how COPY reads the naive UTC instants
                step = "roles"
                with _step(steps, "roles"):
                    _prepare_database(cur, bi_role)
                    cur.execute(_sql("drop schema if exists {} cascade", _ident(LOADING_SCHEMA)))
                    cur.execute(_sql("create schema {}", _ident(LOADING_SCHEMA)))
                for mart in marts:
                    step = f"copy {mart.name}"
                    with _step(steps, "create"):
                        _create_table(cur, mart)
                    with _step(steps, "copy"):
                        copied[mart.name] = _copy_rows(cur, duck, mart)
                    say(f"copied {mart.name}: {copied[mart.name]:,} rows")
                step = "analyze"
                with _step(steps, "analyze"):
                    for mart in marts:
                        cur.execute(_sql("analyze {}", _ident(LOADING_SCHEMA, mart.name)))
                step = "check"
                with _step(steps, "check"):
                    _check_counts(cur, marts, copied, version)
                    _write_version_row(cur, version, copied)
                    _grant(cur, bi_role)
                    cur.execute(
                        _sql(
                            "comment on schema {} is {}",
                            _ident(LOADING_SCHEMA),
                            _literal(
                                f"The marts of warehouse version {version.name} (week {(version.record or {}).get('week')}), "
                                "published by `warehouse publish --postgres`; replaced whole by each publish."
                            ),
                        )
                    )
                step = "swap"
                with _step(steps, "swap"):
                    swap_wait = _swap(cur, version, swap_timeout)
                step = "commit"
                with _step(steps, "commit"):
                    pg.commit()
    except PublishError as exc:
        raise PublishError(f"not published to {target}: {exc}; PostgreSQL keeps its previous version") from exc
    except (psycopg.Error, duckdb.Error) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PublishError(
            f"publishing {version.name} to {target} failed at step '{step}': {detail}; "
            "the transaction was rolled back, PostgreSQL keeps its previous version"
        ) from exc
    say(f"swapped in {version.name} as schema {SCHEMA}")
    return PostgresPublication(
        version=version.name,
        target=target,
        bi_role=bi_role,
        rows=copied,
        seconds=time.monotonic() - started,
        copy_seconds=steps.get("copy", 0.0),
        swap_wait_seconds=swap_wait,
        steps=steps,
    )
