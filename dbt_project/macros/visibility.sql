{#-
    Point-in-time visibility of landed data.

    A build runs "as of" a moment (the run setting as_of, default now; see run_settings.sql): it
    reads only loads available by then, and only rows whose period had been published by the
    cut-off min(as_of, the report moment of the week being built). Among the visible loads,
    `full_reload` sources keep their newest load per series; `append` and `snapshot` sources
    keep, per key, the newest version.
-#}

{% macro as_of() -%}
    {%- if var('as_of', none) -%}cast('{{ var("as_of") }}' as timestamptz)
    {%- else -%}build.as_of(){%- endif -%}
{%- endmacro %}

{% macro period_cutoff() -%}
    {%- if var('period_cutoff', none) -%}
        least({{ as_of() }}, cast('{{ var("period_cutoff") }}' as timestamptz))
    {%- elif var('as_of', none) -%}{{ as_of() }}
    {%- else -%}build.period_cutoff(){%- endif -%}
{%- endmacro %}

{#- registry metadata of a landing source, read from models/staging/__sources.yml -#}
{% macro landing_meta(source_name) -%}
    {%- if execute -%}
        {%- set sources = graph.get('sources') -%}
        {%- if sources is none -%}
            {#- dbt unit tests see no graph of sources: the test supplies the registry entry as
                the var landing_meta ({source: {history: ..., publication: ...}}) -#}
            {%- set supplied = var('landing_meta', {}) -%}
            {%- if source_name in supplied -%}{{ return(supplied[source_name]) }}{%- endif -%}
            {{ exceptions.raise_compiler_error("unit test: give the registry entry of " ~ source_name ~ " as var landing_meta") }}
        {%- endif -%}
        {%- for node in sources.values() -%}
            {%- if node.source_name == 'landing' and node.name == source_name -%}
                {{ return(node.meta) }}
            {%- endif -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error("no landing source named " ~ source_name) }}
    {%- endif -%}
    {{ return({'history': 'append', 'publication': none}) }}
{%- endmacro %}

{#-
    When a period became public: its last day (of the day, month or year) + lag_days, at the local
    time `at` in Asia/Shanghai.
    Shanghai has kept UTC+8 without daylight saving since 1992, so the local moment is shifted by
    a fixed 8 hours (epoch arithmetic, about three times cheaper per row than an ICU time-zone
    conversion over millions of per-stock rows).
-#}
{% macro published_at(period, grain, source_name) -%}
    {%- set pub = landing_meta(source_name).get('publication') -%}
    {%- if pub is none -%}
        cast(null as timestamptz)
    {%- else -%}
        {%- if grain == 'month' -%}{%- set last_day = 'last_day(' ~ period ~ ')' -%}
        {%- elif grain == 'year' -%}{%- set last_day = 'make_date(year(' ~ period ~ '), 12, 31)' -%}
        {%- else -%}{%- set last_day = period -%}{%- endif -%}
        to_timestamp(epoch((cast({{ last_day }} as date) + {{ pub.lag_days }}) + cast('{{ pub.at }}' as time)) - 28800)
    {%- endif -%}
{%- endmacro %}

{#-
    The rows of `relation` (a CTE holding renamed landing rows with _series, _load_id and
    _available_at) visible at the build's as-of moment, one version per key.

    `key` must contain (or determine) `period`. full_reload sources keep the newest visible load
    per series. append/snapshot sources keep the newest version per series and key; the
    newest-version window only runs over loads whose period range overlaps another visible load
    of the same series (or that hold rows without a period): a load that overlaps no other
    cannot share a key with one, so its rows pass as they are. Per-date loads (one trading day
    each, millions of per-stock rows) thus skip the sort entirely.

    When the build's incremental models rebuild only some weeks, a source read by nothing else
    has a read window (build.reads_load / build.reads_period, see run_settings.sql): only the
    loads reaching it are read, and only rows of periods inside it are returned, exactly the rows
    a full read returns for those periods. full_reload sources are always read whole.
-#}
{% macro visible_versions(relation, source_name, key, period, grain) -%}
    {%- set meta = landing_meta(source_name) -%}
    {%- set partition = ['_series'] + key -%}
    {%- set windowed = meta.get('history') != 'full_reload' -%}
    with loads_visible as (
        select * from {{ relation }}
        where _available_at <= {{ as_of() }}
        {%- if windowed %}
            -- only the loads this build's incremental models need (true when it rebuilds in full)
            and build.reads_load('{{ source_name }}', _load_id)
        {%- endif %}
    ),

    {% if meta.get('history') == 'full_reload' -%}
    load_order as (
        select distinct _series, _load_id, _available_at from loads_visible
    ),

    newest_loads as (
        select _load_id from load_order
        qualify row_number() over (partition by _series order by _available_at desc, _load_id desc) = 1
    ),

    versions as (
        select * from loads_visible
        where _load_id in (select newest_loads._load_id from newest_loads)
    ),
    {%- else -%}
    load_periods as (
        select
            _series,
            _load_id,
            min({{ period }}) as period_min,
            max({{ period }}) as period_max,
            count(*) > count({{ period }}) as has_rows_without_period
        from loads_visible
        group by _series, _load_id
    ),

    overlapping_loads as (
        select _load_id from load_periods
        qualify has_rows_without_period
            or coalesce(period_min <= max(period_max) over (
                partition by _series order by period_min, period_max, _load_id
                rows between unbounded preceding and 1 preceding
            ), false)
            or coalesce(period_max >= min(period_min) over (
                partition by _series order by period_min, period_max, _load_id
                rows between 1 following and unbounded following
            ), false)
    ),

    versions as (
        select * from loads_visible
        where _load_id not in (select overlapping_loads._load_id from overlapping_loads)
        union all
        (
            select * from loads_visible
            where _load_id in (select overlapping_loads._load_id from overlapping_loads)
            qualify row_number() over (partition by {{ partition | join(', ') }} order by _available_at desc, _load_id desc) = 1
        )
    ),
    {%- endif %}

    published as (
        select
            *,
            {{ published_at(period, grain, source_name) }} as published_at
        from versions
    )

    select * from published
    where (published_at is null or published_at <= {{ period_cutoff() }})
    {%- if windowed %}
        and build.reads_period('{{ source_name }}', {{ period }})
    {%- endif %}
{%- endmacro %}
