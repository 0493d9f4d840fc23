{#-
    The run settings: what a build is for, read by the models from DuckDB macros in schema
    `build` of the working database instead of dbt --vars, so that dbt's partial parsing holds
    from one build to the next (a new --vars value makes dbt re-parse the whole project).

    Before each `dbt build` the orchestrator (warehouse/run_settings.py) replaces them with the
    build's values; this hook (on-run-start) creates the defaults a bare `dbt build` uses:
      build.week_id()                         the ISO week being built (null: none)
      build.as_of()                           read only loads available by then (default: now)
      build.period_cutoff()                   min(as_of, the week's report moment) (default: now)
      build.rebuild_mode(model_name)          'full' or 'weeks' for an incremental model
      build.rebuilds_week(model_name, week)   does this build rebuild that week of the model?
      build.reads_load(source_name, load_id)  does this build read that load? (read windows)
      build.reads_period(source_name, period) does it read rows of that period?
      build.definition_hash(model_name)       the model's definitions as the orchestrator hashed them
    The defaults rebuild every incremental model in full and read everything.
    `dbt build --vars '{as_of: ..., period_cutoff: ...}'` overrides the first three (unit tests).
-#}
{% macro create_run_defaults() -%}
    create schema if not exists build;
    create macro if not exists build.week_id() as cast(null as varchar);
    create macro if not exists build.as_of() as current_timestamp;
    create macro if not exists build.period_cutoff() as current_timestamp;
    create macro if not exists build.rebuild_mode(model_name) as 'full';
    create macro if not exists build.rebuilds_week(model_name, week_id) as true;
    create macro if not exists build.reads_load(source_name, load_id) as true;
    create macro if not exists build.reads_period(source_name, period) as true;
    create macro if not exists build.definition_hash(model_name) as cast(null as varchar);
{%- endmacro %}
