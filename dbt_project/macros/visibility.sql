{#-
    Point-in-time visibility of landed data.

    A build runs "as of" a moment (var as_of, default now): it reads only loads available by
    then, and only rows whose period had been published by min(as_of, period_cutoff), where
    period_cutoff is the report moment of the week being built. Among the visible loads,
    `full_reload` sources keep their newest load per series; `append` and `snapshot` sources
    keep, per key, the newest version.
-#}

{% macro as_of() -%}
    {%- if var('as_of', none) -%}cast('{{ var("as_of") }}' as timestamptz){%- else -%}current_timestamp{%- endif -%}
{%- endmacro %}

{% macro period_cutoff() -%}
    {%- if var('period_cutoff', none) -%}
        least({{ as_of() }}, cast('{{ var("period_cutoff") }}' as timestamptz))
    {%- else -%}{{ as_of() }}{%- endif -%}
{%- endmacro %}

{#- registry metadata of a landing source, read from models/staging/__sources.yml -#}
{% macro landing_meta(source_name) -%}
    {%- if execute -%}
        {%- for node in graph.sources.values() -%}
            {%- if node.source_name == 'landing' and node.name == source_name -%}
                {{ return(node.meta) }}
            {%- endif -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error("no landing source named " ~ source_name) }}
    {%- endif -%}
    {{ return({'history': 'append', 'publication': none}) }}
{%- endmacro %}

{#- when a period became public: its last day + lag_days, at the local time `at` (Asia/Shanghai) -#}
{% macro published_at(period, grain, source_name) -%}
    {%- set pub = landing_meta(source_name).get('publication') -%}
    {%- if pub is none -%}
        cast(null as timestamptz)
    {%- else -%}
        {%- if grain == 'month' -%}{%- set last_day = 'last_day(' ~ period ~ ')' -%}{%- else -%}{%- set last_day = period -%}{%- endif -%}
        timezone('Asia/Shanghai', (cast({{ last_day }} as date) + {{ pub.lag_days }}) + cast('{{ pub.at }}' as time))
    {%- endif -%}
{%- endmacro %}

{#-
    The rows of `relation` (a CTE holding renamed landing rows with _series, _load_id and
    _available_at) visible at the build's as-of moment, one version per key.
-#}
{% macro visible_versions(relation, source_name, key, period, grain) -%}
    {%- set meta = landing_meta(source_name) -%}
    {%- set partition = ['_series'] + key -%}
    with loads_visible as (
        select * from {{ relation }}
        where _available_at <= {{ as_of() }}
    ),

    {% if meta.get('history') == 'full_reload' -%}
    versions as (
        select * from loads_visible
        qualify dense_rank() over (partition by _series order by _available_at desc, _load_id desc) = 1
    ),
    {%- else -%}
    versions as (
        select * from loads_visible
        qualify row_number() over (partition by {{ partition | join(', ') }} order by _available_at desc, _load_id desc) = 1
    ),
    {%- endif %}

    published as (
        select
            *,
            {{ published_at(period, grain, source_name) }} as published_at
        from versions
    )

    select * from published
    where published_at is null or published_at <= {{ period_cutoff() }}
{%- endmacro %}
