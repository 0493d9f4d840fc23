{#- Parsing the period labels upstreams use. -#}

{#- '2023年03月份' -> date '2023-03-01' -#}
{% macro cn_month(column) -%}
    make_date(
        cast(regexp_extract({{ column }}, '(\d{4})年', 1) as integer),
        cast(regexp_extract({{ column }}, '年\s*(\d{1,2})\s*月', 1) as integer),
        1
    )
{%- endmacro %}

{#- '2023-03' -> date '2023-03-01' -#}
{% macro yyyy_mm(column) -%}
    cast(strptime(trim({{ column }}), '%Y-%m') as date)
{%- endmacro %}

{#- '2022' (or 2022) -> date '2022-01-01' (a year's first day; visibility uses its last) -#}
{% macro yyyy(column) -%}
    make_date(cast(trim(cast({{ column }} as varchar)) as integer), 1, 1)
{%- endmacro %}

{#- the Shanghai day a load was fetched: the period of today-only lists (registry period fetched: true) -#}
{% macro fetched_day(column='_fetched_at') -%}
    cast(timezone('Asia/Shanghai', {{ column }}) as date)
{%- endmacro %}

{#- '20230414' -> date '2023-04-14' -#}
{% macro yyyymmdd(column) -%}
    cast(strptime(trim(cast({{ column }} as varchar)), '%Y%m%d') as date)
{%- endmacro %}

{#- the 'YYYYMMDD' date parameter of a per-date call (sources without a date column) -#}
{% macro param_date(name='date') -%}
    {{ yyyymmdd("_params->>'" ~ name ~ "'") }}
{%- endmacro %}

{#- a string parameter of the call (e.g. symbol, indicator) -#}
{% macro param(name) -%}
    (_params->>'{{ name }}')
{%- endmacro %}

{#-
    A 6-digit security / fund code, whatever the upstream's type ('600000', 600000, 'sh600000',
    '600000.SH'); the regular expression only runs on values that are not already 6 characters
    (it would cost seconds over millions of per-stock rows).
-#}
{% macro security_code(column) -%}
    (case
        when length(cast({{ column }} as varchar)) = 6 then cast({{ column }} as varchar)
        else lpad(regexp_extract(cast({{ column }} as varchar), '(\d+)', 1), 6, '0')
    end)
{%- endmacro %}

{#- CPCA wide tables: a year column name ('2023年') and a month label ('3月') -> date '2023-03-01' -#}
{% macro cpca_month(year_column_name, month_label) -%}
    make_date(
        cast(regexp_extract({{ year_column_name }}, '(\d{4})', 1) as integer),
        cast(regexp_extract({{ month_label }}, '(\d{1,2})', 1) as integer),
        1
    )
{%- endmacro %}
