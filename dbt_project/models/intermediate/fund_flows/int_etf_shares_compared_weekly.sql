{{ config(materialized='table') }}
{#-
    ETF shares outstanding, change over each week: one row per week and ETF. The change is the
    shares on the ETF's last day with data in the week minus the shares on the previous week's
    last trading day (or the last day before it within that week); 份 were converted to 亿份 in
    staging. The value change uses the unadjusted close (fund_etf_hist_em) on the same day, for
    the ETFs of the seed etf_groups.
-#}
with etf_shares as (
    select
        stat_date as trade_date,
        fund_code,
        fund_name,
        exchange,
        shares_100m,
        'fund_etf_scale_sse' as source_name,
        loaded_at,
        is_demo
    from {{ ref('stg_sse__etf_shares_daily') }}
    union all
    select
        trade_date,
        fund_code,
        fund_name,
        exchange,
        shares_100m,
        'fund_scale_daily_szse' as source_name,
        loaded_at,
        is_demo
    from {{ ref('stg_szse__etf_shares_daily') }}
),

etf_prices as (
    select
        fund_code,
        trade_date,
        close_price,
        loaded_at,
        is_demo
    from {{ ref('stg_eastmoney__etf_prices_daily') }}
    where close_price is not null
),

etf_groups as (
    select
        fund_code,
        etf_group,
        group_name,
        category,
        is_stock_etf
    from {{ ref('etf_groups') }}
),

weeks as (
    select
        week_id,
        week_start,
        week_end,
        prev_week_last_trading_day
    from {{ ref('int_trading_weeks_summarized') }}
    where is_started
),

shares_in_week as (
    select
        weeks.week_id,
        weeks.week_start,
        weeks.prev_week_last_trading_day,
        etf_shares.fund_code,
        max(etf_shares.trade_date) as end_date,
        arg_max(etf_shares.shares_100m, etf_shares.trade_date) as shares_end_100m,
        arg_max(etf_shares.fund_name, etf_shares.trade_date) as fund_name,
        arg_max(etf_shares.exchange, etf_shares.trade_date) as exchange,
        arg_max(etf_shares.source_name, etf_shares.trade_date) as source_name,
        count(distinct etf_shares.trade_date) as days_covered,
        max(etf_shares.loaded_at) as loaded_at,
        bool_or(etf_shares.is_demo) as is_demo
    from etf_shares
    inner join weeks on etf_shares.trade_date between weeks.week_start and weeks.week_end
    group by weeks.week_id, weeks.week_start, weeks.prev_week_last_trading_day, etf_shares.fund_code
),

with_start as (
    select
        shares_in_week.*,
        start_shares.trade_date as start_date,
        start_shares.shares_100m as shares_start_100m,
        start_shares.loaded_at as start_loaded_at,
        start_shares.is_demo as start_is_demo
    from shares_in_week
    asof left join etf_shares as start_shares
        on shares_in_week.fund_code = start_shares.fund_code
            and shares_in_week.prev_week_last_trading_day >= start_shares.trade_date
),

with_close as (
    select
        with_start.*,
        -- the close of the share date's week only
        case when etf_prices.trade_date >= with_start.week_start then etf_prices.trade_date end as close_date,
        case when etf_prices.trade_date >= with_start.week_start then etf_prices.close_price end as close_price,
        etf_prices.loaded_at as close_loaded_at
    from with_start
    asof left join etf_prices
        on with_start.fund_code = etf_prices.fund_code
            and with_start.end_date >= etf_prices.trade_date
)

select
    with_close.week_id,
    with_close.fund_code,
    with_close.fund_name,
    with_close.exchange,
    etf_groups.etf_group,
    etf_groups.group_name,
    etf_groups.category,
    coalesce(etf_groups.is_stock_etf, false) as is_stock_etf,
    etf_groups.fund_code is not null as is_seed_etf,
    with_close.start_date,
    with_close.end_date,
    with_close.shares_start_100m,
    with_close.shares_end_100m,
    with_close.shares_end_100m - with_close.shares_start_100m as net_shares_change_100m,
    with_close.close_date,
    with_close.close_price,
    (with_close.shares_end_100m - with_close.shares_start_100m) * with_close.close_price as net_subscription_cny_100m,
    with_close.days_covered,
    with_close.source_name,
    greatest(with_close.loaded_at, with_close.start_loaded_at) as loaded_at,
    with_close.close_loaded_at,
    with_close.is_demo or coalesce(with_close.start_is_demo, false) as is_demo
from with_close
left join etf_groups on with_close.fund_code = etf_groups.fund_code
-- a start in the previous week only (an older value would stretch the change over several weeks)
where with_close.start_date >= with_close.prev_week_last_trading_day - 6
