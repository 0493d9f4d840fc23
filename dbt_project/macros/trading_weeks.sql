{#-
    The report's weeks, made from SSE trading days: the project's one implementation of these rules.

      - a week is an ISO week, named 'YYYY-Www' (ISO year and week: 2021-01-03 is in 2020-W53);
      - a week with no trading day (Spring Festival, National Day) does not exist for the report;
      - a week's report moment is its last trading day at 20:00 Asia/Shanghai (the note is written
        then: a week whose trading days are Monday to Thursday gets Thursday 20:00);
      - its previous week is the previous week that has a trading day.

    The calendar models call these macros (int_trading_days_assigned_to_weeks,
    int_trading_weeks_summarized), and so does Python: ingestion/week_rules.py renders this file
    with plain jinja2 and runs the macros in an in-memory DuckDB over the landed calendar file, for
    the CLI, the Dagster partitions and the report. So the macros use nothing of dbt (no ref, var
    or macros of other files): their arguments are names of relations (tables, views or CTEs),
    columns or SQL expressions. Models that put other dates (flow dates, announcement dates) into
    the report's weeks use iso_week_id and iso_week_start from here too.
-#}

{#- the ISO week id of a date expression: 'YYYY-Www' (ISO year and week; 2021-01-03 -> 2020-W53) -#}
{% macro iso_week_id(day) -%}
    strftime({{ day }}, '%G-W%V')
{%- endmacro %}

{#- the Monday of a date expression's ISO week (the week_start the weeks are joined on) -#}
{% macro iso_week_start(day) -%}
    cast(date_trunc('week', {{ day }}) as date)
{%- endmacro %}

{#- one row per trading day of `trading_days` (a relation with a unique `trade_date` date column)
    with its ISO week, its position in the week and the previous trading day -#}
{% macro trading_days_assigned_to_weeks(trading_days, carried_columns=[]) -%}
    select
        trade_date,
        week_id,
        week_start,
        week_end,
        iso_day_of_week,
        row_number() over (partition by week_id order by trade_date) as trading_day_of_week,
        count(*) over (partition by week_id) as trading_days_in_week,
        trade_date = max(trade_date) over (partition by week_id) as is_last_trading_day_of_week,
        lag(trade_date) over (order by trade_date) as prev_trade_date
        {%- for column in carried_columns %},
        {{ column }}
        {%- endfor %}
    from (
        select
            trade_date,
            {{ iso_week_id('trade_date') }} as week_id,
            {{ iso_week_start('trade_date') }} as week_start,
            {{ iso_week_start('trade_date') }} + 6 as week_end,
            isodow(trade_date) as iso_day_of_week
            {%- for column in carried_columns %},
            {{ column }}
            {%- endfor %}
        from {{ trading_days }}
    ) as dated
{%- endmacro %}

{#- one row per week that has a trading day, from `days_assigned` (the rows of
    trading_days_assigned_to_weeks): its trading days, the previous week and the report moment -#}
{% macro trading_weeks(days_assigned) -%}
    select
        week_id,
        week_start,
        week_end,
        isoyear(week_start) as iso_year,
        weekofyear(week_start) as iso_week,
        trading_days,
        trade_dates,
        first_trading_day,
        last_trading_day,
        lag(week_id) over (order by week_start) as prev_week_id,
        lag(last_trading_day) over (order by week_start) as prev_week_last_trading_day,
        timezone('Asia/Shanghai', last_trading_day + time '20:00') as report_moment
    from (
        select
            week_id,
            week_start,
            week_end,
            count(*) as trading_days,
            list(trade_date order by trade_date) as trade_dates,
            min(trade_date) as first_trading_day,
            max(trade_date) as last_trading_day
        from {{ days_assigned }}
        group by week_id, week_start, week_end
    ) as weeks
{%- endmacro %}
