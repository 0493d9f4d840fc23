{#-
    Incremental models by week: a new week costs what changed.

    A model configured with materialized='incremental', incremental_strategy='replace_weeks',
    unique_key='week_id' rebuilds only the weeks the orchestrator's plan names
    (warehouse/rebuild_plan.py: the weeks touched by loads added or removed since the model was
    last built, by a changed cut-off, by a replaced full_reload load, plus the weeks after them
    the model declares in meta.rebuild.later_weeks): those weeks are deleted and inserted again
    (delete+insert by week_id), the others are kept. The plan rebuilds the model in full when it
    has never been built, when its definitions (its SQL, every model, seed, source and macro
    upstream) changed, on `--full-refresh`, and whenever dbt runs without a plan.

    Each build of such a model records what it reflects (build.model_state and
    build.model_state_loads: the loads it read, its as-of moment and cut-off, its definitions
    hash), in the same transaction as its rows, so the next plan compares against exactly that.
-#}

{#- 'full' or 'weeks': how this build treats the current incremental model (from the plan). -#}
{% macro rebuild_mode() -%}
    {%- if not execute or flags.WHICH not in ('build', 'run') -%}{{ return('full') }}{%- endif -%}
    {%- set result = run_query("select build.rebuild_mode('" ~ this.identifier ~ "')") -%}
    {{ return(result.columns[0].values()[0]) }}
{%- endmacro %}

{#- dbt's own should_full_refresh(), plus the plan: a replace_weeks model the plan says to rebuild
    in full is rebuilt from scratch (create table as, then swap), which also takes a changed
    column list. -#}
{% macro should_full_refresh() -%}
    {%- set configured = config.get('full_refresh') -%}
    {%- if configured is none -%}{%- set configured = flags.FULL_REFRESH -%}{%- endif -%}
    {%- if not configured and config.get('incremental_strategy') == 'replace_weeks' -%}
        {%- set configured = rebuild_mode() == 'full' -%}
    {%- endif -%}
    {{ return(configured) }}
{%- endmacro %}

{#- A filter on `column` (a week_id) keeping the weeks this build rebuilds (true in a full build). -#}
{% macro rebuild_scope(column) -%}
    {%- if is_incremental() -%}build.rebuilds_week('{{ this.identifier }}', {{ column }}){%- else -%}true{%- endif -%}
{%- endmacro %}

{#- The replace_weeks strategy: delete the rebuilt weeks, insert them again. -#}
{% macro get_incremental_replace_weeks_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set week = arg_dict['unique_key'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }} where build.rebuilds_week('{{ target.identifier }}', {{ week }});
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
    where build.rebuilds_week('{{ target.identifier }}', {{ week }})
{%- endmacro %}

{#- post_hook of a replace_weeks model: record what its rows now reflect (same transaction). -#}
{% macro record_rebuild_state() -%}
    {%- set name = this.identifier -%}
    create table if not exists build.model_state (
        model varchar, definition_hash varchar, as_of timestamptz, period_cutoff timestamptz, built_at timestamptz
    );
    create table if not exists build.model_state_loads (
        model varchar, load_id varchar, source varchar, series json, period_min date, period_max date,
        available_at timestamptz, path varchar
    );
    delete from build.model_state where model = '{{ name }}';
    insert into build.model_state
    select '{{ name }}', build.definition_hash('{{ name }}'), {{ as_of() }}, {{ period_cutoff() }}, now();
    delete from build.model_state_loads where model = '{{ name }}';
    insert into build.model_state_loads
    select '{{ name }}', load_id, source, series, period_min, period_max, available_at, path
    from landing._loads
    where not quarantined and rows_landed > 0
{%- endmacro %}
