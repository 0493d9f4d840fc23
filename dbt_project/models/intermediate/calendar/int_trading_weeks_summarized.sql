{{ config(materialized='table') }}
{#-
    ISO weeks that have SSE trading days (a week without one has no row): first and last trading
    day, the previous week that has trading days, and the week's report moment. The rules are the
    macros of macros/trading_weeks.sql; here the build's cut-off and the load metadata are added.
-#}
with days_assigned as (
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
    {{ trading_weeks('days_assigned') }}
),

week_loads as (
    select
        week_id,
        max(loaded_at) as loaded_at,
        bool_or(is_demo) as is_demo
    from days_assigned
    group by week_id
)

select
    weeks.week_id,
    weeks.week_start,
    weeks.week_end,
    weeks.iso_year,
    weeks.iso_week,
    weeks.trading_days,
    weeks.first_trading_day,
    weeks.last_trading_day,
    weeks.prev_week_id,
    weeks.prev_week_last_trading_day,
    weeks.report_moment,
    weeks.week_start <= cast(timezone('Asia/Shanghai', {{ period_cutoff() }}) as date) as is_started,
    week_loads.loaded_at,
    week_loads.is_demo
from weeks
inner join week_loads on weeks.week_id = week_loads.week_id
