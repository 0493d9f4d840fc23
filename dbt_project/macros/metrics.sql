{#-
    Metric macros shared by the intermediate models and marts. Definitions follow report_spec and
    docs/metrics.md: percent numbers (−0.76 means −0.76 %), never fractions. Each is a plain SQL
    expression (window functions over the calling model's rows), so a model applies one layer of
    metrics per CTE. Unit tests (given/expect rows, hand-computed) live in
    models/intermediate/metrics/_metrics__unit_tests.yml, on the models that use the macros:
      int_monthly_metrics_computed   yoy_pct, mom_pct, yoy_3m_pct, ytd_value, ytd_yoy_pct
      int_paper_prices_compared      wow_pct
      int_valuations_ranked_daily    pctile, pctile_10y
      mart_macro_backdrop_weekly     pctile_52w, the real-rate proxy, weekly changes
      mart_trade_structure_yearly    share_pct, share changes in pp over years and windows
-#}

{#- (current / previous - 1) in percent; null when the base is missing or zero -#}
{% macro pct_change(current, previous) -%}
    (case when {{ previous }} is null or {{ previous }} = 0 then null
          else ({{ current }} / {{ previous }} - 1) * 100 end)
{%- endmacro %}

{#- the value `n` months earlier in the same series (gaps stay gaps: no row, no value) -#}
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

{#- sum (or count) of `value` over the `n` months ending `lag_months` months before the row -#}
{% macro months_window(agg, value, n, lag_months, partition_by, order_by='month') -%}
    {{ agg }}({{ value }}) over (
        partition by {{ partition_by }} order by {{ order_by }}
        range between interval {{ n - 1 + lag_months }} month preceding
              and {% if lag_months == 0 %}current row{% else %}interval {{ lag_months }} month preceding{% endif %}
    )
{%- endmacro %}

{#-
    yoy_3m_pct (三个月滚动同比): sum of the last 3 months / sum of the same 3 months a year
    earlier - 1; null unless all six months are present.
-#}
{% macro yoy_3m_pct(value, partition_by, order_by='month') -%}
    (case when {{ months_window('count', value, 3, 0, partition_by, order_by) }} = 3
           and {{ months_window('count', value, 3, 12, partition_by, order_by) }} = 3
          then {{ pct_change(months_window('sum', value, 3, 0, partition_by, order_by),
                             months_window('sum', value, 3, 12, partition_by, order_by)) }}
     end)
{%- endmacro %}

{#-
    ytd_value (累计): sum from January to the month; null unless every month of the year up to
    this one is present (a partial sum would look like a fall).
-#}
{% macro ytd_value(value, partition_by, order_by='month') -%}
    (case when count({{ value }}) over (
                   partition by {{ partition_by }}, year({{ order_by }}) order by {{ order_by }}
                   range between unbounded preceding and current row
               ) = month({{ order_by }})
          then sum({{ value }}) over (
                   partition by {{ partition_by }}, year({{ order_by }}) order by {{ order_by }}
                   range between unbounded preceding and current row
               )
     end)
{%- endmacro %}

{#- ytd_yoy_pct: ytd / ytd of the same month a year earlier - 1 (`ytd` is a ytd_value column) -#}
{% macro ytd_yoy_pct(ytd, partition_by, order_by='month') -%}
    {{ pct_change(ytd, months_ago(ytd, 12, partition_by, order_by)) }}
{%- endmacro %}

{#-
    wow_pct (周环比): this observation / the previous observation of the series - 1, where
    `order_by` orders the weeks (or weekly price dates) that exist; the previous one is the row
    before, so a holiday week with no row is skipped.
-#}
{% macro wow_pct(value, partition_by, order_by) -%}
    {{ pct_change(value, 'lag(' ~ value ~ ') over (partition by ' ~ partition_by ~ ' order by ' ~ order_by ~ ')') }}
{%- endmacro %}

{#-
    Historical percentile (历史分位数): the share of all EARLIER observations of the series
    (strictly before the row's date) whose value is <= the row's value, in %. `years` limits the
    history to the `years` years before the day (pctile_10y); null when there is no earlier
    observation. cume_dist over a frame ending at the current row, nulls sorted last, counts the
    non-null rows <= the current value including the row itself (cume_dist * frame rows), so
    earlier-and-<= = that - 1, out of the non-null earlier rows (count - 1).
-#}
{% macro pctile(value, partition_by, order_by='value_date', years=none, weeks=none) -%}
    {%- set frame -%}
        partition by {{ partition_by }} order by {{ order_by }}
        {% if years %}range between interval {{ years }} year preceding and current row
        {%- elif weeks %}range between interval {{ weeks * 7 }} day preceding and current row
        {%- else %}rows between unbounded preceding and current row{% endif %}
    {%- endset -%}
    (case when {{ value }} is null then null
          when count({{ value }}) over ({{ frame }}) <= 1 then null
          else (round(
                    cume_dist(order by {{ value }} asc nulls last) over ({{ frame }})
                    * count(*) over ({{ frame }})
                ) - 1)
               / (count({{ value }}) over ({{ frame }}) - 1) * 100
     end)
{%- endmacro %}

{#-
    pctile_52w: pctile over the 52 weeks before the row (weekly rows ordered by a date such as
    week_end: the 52 earlier weeks, W-52 .. W-1, whose value is <= the week's value, in %)
-#}
{% macro pctile_52w(value, partition_by, order_by='week_end') -%}
    {{ pctile(value, partition_by, order_by, weeks=52) }}
{%- endmacro %}

{#- share_pct: part / whole in percent; null when the whole is missing or zero -#}
{% macro share_pct(part, whole) -%}
    (case when {{ whole }} is null or {{ whole }} = 0 then null else {{ part }} / {{ whole }} * 100 end)
{%- endmacro %}

{#- pctile over the 10 years before the day -#}
{% macro pctile_10y(value, partition_by, order_by='value_date') -%}
    {{ pctile(value, partition_by, order_by, years=10) }}
{%- endmacro %}
