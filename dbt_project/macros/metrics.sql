{#-
    Metric macros shared by the marts. Definitions follow report_spec (percent numbers, not
    fractions). Each has a dbt unit test (models/intermediate/metrics/_metrics__unit_tests.yml).
-#}

{#- (current / previous - 1) in percent; null when the base is missing or zero -#}
{% macro pct_change(current, previous) -%}
    (case when {{ previous }} is null or {{ previous }} = 0 then null
          else ({{ current }} / {{ previous }} - 1) * 100 end)
{%- endmacro %}

{#- the value `n` months earlier in the same series (gaps stay gaps) -#}
{% macro months_ago(value, n, partition_by, order_by='month') -%}
    max({{ value }}) over (
        partition by {{ partition_by }} order by {{ order_by }}
        range between interval {{ n }} month preceding and interval {{ n }} month preceding
    )
{%- endmacro %}

{#- yoy_pct: value / same month a year earlier - 1 -#}
{% macro yoy_pct(value, partition_by, order_by='month') -%}
    {{ pct_change(value, months_ago(value, 12, partition_by, order_by)) }}
{%- endmacro %}

{#- mom_pct: value / previous month - 1 -#}
{% macro mom_pct(value, partition_by, order_by='month') -%}
    {{ pct_change(value, months_ago(value, 1, partition_by, order_by)) }}
{%- endmacro %}
