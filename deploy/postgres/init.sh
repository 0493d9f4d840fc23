#!/bin/sh
# First start of the PostgreSQL container: a database for Dagster's instance and one for the
# published marts, each with its own owner; the BI role that `warehouse publish --postgres`
# grants schema marts to (so the publishing role needs no CREATEROLE).
set -eu
psql -v ON_ERROR_STOP=1 --username postgres --dbname postgres \
  -v dagster_pw="$DAGSTER_PG_PASSWORD" -v warehouse_pw="$WAREHOUSE_PG_PASSWORD" <<'SQL'
create role dagster login password :'dagster_pw';
create database dagster owner dagster;
create role warehouse login password :'warehouse_pw';
create database warehouse owner warehouse;
create role bi_reader nologin;
comment on role bi_reader is 'Reads schema marts of database warehouse; grant it to BI users.';
\connect warehouse
alter schema public owner to warehouse;
revoke all on database warehouse from public;
grant connect on database warehouse to bi_reader;
SQL
