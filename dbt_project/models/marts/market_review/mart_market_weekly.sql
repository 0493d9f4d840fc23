{#-
    复盘·内观 main indices: one row per week and index. weekly return = close on the week's last
    trading day / close on the previous week's last trading day - 1; YTD = close / close on the
    last trading day of the previous year - 1 (index_zh_a_hist 收盘).
-#}
with weeks as (
    select
        week_id,
        week_start,
        week_end,
        trading_days,
        last_trading_day,
        prev_week_id,
        prev_week_last_trading_day
    from {{ ref('int_trading_weeks_summarized') }}
    where is_started
),

index_prices as (
    select
        index_code,
        trade_date,
        close_price,
        loaded_at,
        is_demo
    from {{ ref('stg_eastmoney__index_prices_daily') }}
    where close_price is not null
),

index_names as (
    select
        index_code,
        index_name
    from {{ ref('index_names') }}
),

week_closes as (
    select
        weeks.week_id,
        weeks.week_start,
        weeks.week_end,
        weeks.trading_days,
        weeks.last_trading_day,
        weeks.prev_week_id,
        weeks.prev_week_last_trading_day,
        make_date(year(weeks.last_trading_day) - 1, 12, 31) as prev_year_end,
        index_prices.index_code,
        arg_max(index_prices.close_price, index_prices.trade_date) as close_price,
        max(index_prices.loaded_at) as loaded_at,
        bool_or(index_prices.is_demo) as is_demo
    from index_prices
    inner join weeks
        on index_prices.trade_date between weeks.week_start and weeks.last_trading_day
    group by all
),

with_prev_close as (
    select
        week_closes.*,
        case
            when prev_prices.trade_date > week_closes.prev_week_last_trading_day - 7 then prev_prices.close_price
        end as prev_close
    from week_closes
    asof left join index_prices as prev_prices
        on week_closes.index_code = prev_prices.index_code
            and week_closes.prev_week_last_trading_day >= prev_prices.trade_date
),

with_year_end_close as (
    select
        with_prev_close.*,
        case
            when year_end_prices.trade_date > with_prev_close.prev_year_end - 14 then year_end_prices.close_price
        end as prev_year_close
    from with_prev_close
    asof left join index_prices as year_end_prices
        on with_prev_close.index_code = year_end_prices.index_code
            and with_prev_close.prev_year_end >= year_end_prices.trade_date
),

weekly_returns as (
    select
        with_year_end_close.*,
        {{ pct_change('close_price', 'prev_close') }} as weekly_return_pct,
        {{ pct_change('close_price', 'prev_year_close') }} as ytd_return_pct
    from with_year_end_close
)

select
    weekly_returns.week_id,
    weekly_returns.week_start,
    weekly_returns.week_end,
    weekly_returns.last_trading_day,
    weekly_returns.trading_days,
    weekly_returns.index_code,
    index_names.index_name,
    weekly_returns.close_price as close,
    weekly_returns.prev_close,
    weekly_returns.weekly_return_pct,
    prev_returns.weekly_return_pct as prev_weekly_return_pct,
    weekly_returns.ytd_return_pct,
    'index_zh_a_hist' as source_name,
    weekly_returns.loaded_at,
    weekly_returns.is_demo
from weekly_returns
left join index_names on weekly_returns.index_code = index_names.index_code
left join weekly_returns as prev_returns
    on weekly_returns.index_code = prev_returns.index_code
        and weekly_returns.prev_week_id = prev_returns.week_id
