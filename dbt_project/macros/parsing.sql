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

{#- '20230414' -> date '2023-04-14' -#}
{% macro yyyymmdd(column) -%}
    cast(strptime(trim(cast({{ column }} as varchar)), '%Y%m%d') as date)
{%- endmacro %}
