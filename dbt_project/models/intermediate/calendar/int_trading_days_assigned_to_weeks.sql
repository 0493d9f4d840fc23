{{ config(materialized='table') }}
{#- SSE trading days with their ISO week: one row per trading day (the rules: macros/trading_weeks.sql) -#}
with trade_dates as (
    select
        trade_date,
        loaded_at,
        is_demo
    from {{ ref('stg_sina__trade_dates') }}
),

days_assigned as (
    {{ trading_days_assigned_to_weeks('trade_dates', carried_columns=['loaded_at', 'is_demo']) }}
)

select
    trade_date,
    week_id,
    week_start,
    week_end,
    iso_day_of_week,
    trading_day_of_week,
    trading_days_in_week,
    is_last_trading_day_of_week,
    prev_trade_date,
    loaded_at,
    is_demo
from days_assigned
