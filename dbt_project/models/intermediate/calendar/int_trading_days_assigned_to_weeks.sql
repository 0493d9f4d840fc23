{{ config(materialized='table') }}
{#- SSE trading days with their ISO week: one row per trading day -#}
with trade_dates as (
    select
        trade_date,
        loaded_at,
        is_demo
    from {{ ref('stg_sina__trade_dates') }}
),

dated as (
    select
        trade_date,
        strftime(trade_date, '%G-W%V') as week_id,
        cast(date_trunc('week', trade_date) as date) as week_start,
        cast(date_trunc('week', trade_date) as date) + 6 as week_end,
        isodow(trade_date) as iso_day_of_week,
        loaded_at,
        is_demo
    from trade_dates
)

select
    trade_date,
    week_id,
    week_start,
    week_end,
    iso_day_of_week,
    row_number() over (partition by week_id order by trade_date) as trading_day_of_week,
    count(*) over (partition by week_id) as trading_days_in_week,
    trade_date = max(trade_date) over (partition by week_id) as is_last_trading_day_of_week,
    lag(trade_date) over (order by trade_date) as prev_trade_date,
    loaded_at,
    is_demo
from dated
