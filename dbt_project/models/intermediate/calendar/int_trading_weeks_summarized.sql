{{ config(materialized='table') }}
{#-
    ISO weeks that have SSE trading days (a week without one has no row): first and last trading
    day, the previous week that has trading days, and the week's report moment (its last trading
    day at 20:00 Asia/Shanghai).
-#}
with trading_days as (
    select
        trade_date,
        week_id,
        week_start,
        week_end,
        loaded_at,
        is_demo
    from {{ ref('int_trading_days_assigned_to_weeks') }}
),

weeks as (
    select
        week_id,
        week_start,
        week_end,
        count(*) as trading_days,
        min(trade_date) as first_trading_day,
        max(trade_date) as last_trading_day,
        max(loaded_at) as loaded_at,
        bool_or(is_demo) as is_demo
    from trading_days
    group by week_id, week_start, week_end
)

select
    week_id,
    week_start,
    week_end,
    isoyear(week_start) as iso_year,
    weekofyear(week_start) as iso_week,
    trading_days,
    first_trading_day,
    last_trading_day,
    lag(week_id) over (order by week_start) as prev_week_id,
    lag(last_trading_day) over (order by week_start) as prev_week_last_trading_day,
    timezone('Asia/Shanghai', last_trading_day + time '20:00') as report_moment,
    week_start <= cast(timezone('Asia/Shanghai', {{ period_cutoff() }}) as date) as is_started,
    loaded_at,
    is_demo
from weeks
