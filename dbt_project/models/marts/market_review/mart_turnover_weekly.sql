{#-
    复盘·内观 turnover: one row per week. Average daily A-share turnover (亿元) over the week's
    trading days that both exchanges have published (SSE 股票 成交金额 + SZSE 股票 成交金额), against
    the previous week's.
-#}
with weeks as (
    select
        week_id,
        week_start,
        week_end,
        trading_days,
        prev_week_id
    from {{ ref('int_trading_weeks_summarized') }}
    where is_started
),

turnover_daily as (
    select
        trade_date,
        sse_turnover_cny_100m,
        szse_turnover_cny_100m,
        turnover_cny_100m,
        loaded_at,
        is_demo
    from {{ ref('int_market_turnover_daily_combined') }}
    where has_both_exchanges
),

turnover_weekly as (
    select
        weeks.week_id,
        weeks.week_start,
        weeks.week_end,
        weeks.trading_days,
        weeks.prev_week_id,
        count(*) as days_covered,
        avg(turnover_daily.turnover_cny_100m) as avg_daily_turnover_cny_100m,
        avg(turnover_daily.sse_turnover_cny_100m) as sse_avg_cny_100m,
        avg(turnover_daily.szse_turnover_cny_100m) as szse_avg_cny_100m,
        max(turnover_daily.loaded_at) as loaded_at,
        bool_or(turnover_daily.is_demo) as is_demo
    from turnover_daily
    inner join weeks on turnover_daily.trade_date between weeks.week_start and weeks.week_end
    group by all
)

select
    turnover_weekly.week_id,
    turnover_weekly.week_start,
    turnover_weekly.week_end,
    turnover_weekly.trading_days,
    turnover_weekly.days_covered,
    turnover_weekly.avg_daily_turnover_cny_100m,
    turnover_weekly.sse_avg_cny_100m,
    turnover_weekly.szse_avg_cny_100m,
    prev_weekly.avg_daily_turnover_cny_100m as prev_avg_daily_turnover_cny_100m,
    {{ pct_change('turnover_weekly.avg_daily_turnover_cny_100m', 'prev_weekly.avg_daily_turnover_cny_100m') }} as change_pct,
    'stock_sse_deal_daily,stock_szse_summary' as source_name,
    turnover_weekly.loaded_at,
    turnover_weekly.is_demo
from turnover_weekly
left join turnover_weekly as prev_weekly on turnover_weekly.prev_week_id = prev_weekly.week_id
