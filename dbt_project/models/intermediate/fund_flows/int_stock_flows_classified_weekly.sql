{{ config(
    materialized='incremental',
    incremental_strategy='replace_weeks',
    unique_key='week_id',
    on_schema_change='fail',
    meta={'rebuild': {'later_weeks': 2, 'lookback_days': 21}},
    post_hook="{{ record_rebuild_state() }}",
) }}
{#-
    Per-stock flows of each week with the stock's point-in-time Shenwan level-1 industry: one row
    per week, flow, stock and industry (a stock reclassified within the week has one row per
    industry). Values in 亿元:
      northbound_net_buy        Σ 今日增持估计-市值 over the week's days, industry of each day
      margin_financing_net_buy  融资余额 on the stock's last visible day of the week - on the
                                previous week's last trading day, industry of the last day
      shareholder_net_change    increases - decreases announced in the week, industry of the
                                announcement day
    days_covered is the flow's (not the stock's): trading days of the week with data visible.
    Built for millions of per-stock rows: days map to weeks by an equi-join on the week's Monday,
    the industry of a day is an ASOF join (the stock's latest classification started by then),
    and each per-stock source is read once.
    Incremental by week (macros/incremental.sql): a build rebuilds the weeks its plan names. A
    week's margin flow starts from the previous trading week's balance, so a change in one week
    changes the next trading week too (later_weeks: two ISO weeks, across a holiday week), and a
    rebuilt week reads the per-stock loads from three weeks before it (lookback_days).
-#}
with weeks as (
    select
        week_id,
        week_start,
        prev_week_id,
        prev_week_last_trading_day
    from {{ ref('int_trading_weeks_summarized') }}
    where is_started
),

memberships as (
    select
        stock_code,
        industry_code,
        valid_from
    from {{ ref('int_shenwan_memberships_historized') }}
),

-- ---------------------------------------------------------------- northbound (estimated net buy)
northbound_daily as (
    select
        weeks.week_id,
        holdings.hold_date as flow_date,
        holdings.stock_code,
        holdings.net_buy_est_cny_100m as value,
        holdings.loaded_at,
        holdings.is_demo
    from {{ ref('stg_eastmoney__northbound_holdings_daily') }} as holdings
    inner join weeks on {{ iso_week_start('holdings.hold_date') }} = weeks.week_start
    where holdings.net_buy_est_cny_100m is not null
),

northbound_classified as (
    select
        northbound_daily.week_id,
        northbound_daily.flow_date,
        northbound_daily.stock_code,
        memberships.industry_code,
        northbound_daily.value,
        northbound_daily.loaded_at,
        northbound_daily.is_demo
    from northbound_daily
    asof left join memberships
        on northbound_daily.stock_code = memberships.stock_code
            and northbound_daily.flow_date >= memberships.valid_from
),

northbound_days as (
    select
        week_id,
        count(distinct flow_date) as days_covered
    from northbound_classified
    group by week_id
),

northbound_by_stock as (
    select
        week_id,
        'northbound_net_buy' as flow,
        stock_code,
        industry_code,
        sum(value) as value,
        'stock_hsgt_hold_stock_em,stock_industry_clf_hist_sw' as source_name,
        max(loaded_at) as loaded_at,
        bool_or(is_demo) as is_demo
    from northbound_classified
    group by week_id, stock_code, industry_code
),

-- ---------------------------------------------------------------- margin financing (Δ融资余额 per stock)
margin_detail as (
    select
        trade_date,
        stock_code,
        financing_balance_cny_100m,
        'stock_margin_detail_sse' as source_name,
        loaded_at,
        is_demo
    from {{ ref('stg_sse__margin_by_stock_daily') }}
    union all
    select
        trade_date,
        stock_code,
        financing_balance_cny_100m,
        'stock_margin_detail_szse' as source_name,
        loaded_at,
        is_demo
    from {{ ref('stg_szse__margin_by_stock_daily') }}
),

margin_weekly_ends as (
    -- per week and stock: the last visible day of the week and its balance
    select
        weeks.week_id,
        margin_detail.stock_code,
        max(margin_detail.trade_date) as end_date,
        arg_max(margin_detail.financing_balance_cny_100m, margin_detail.trade_date) as balance_end,
        arg_max(margin_detail.source_name, margin_detail.trade_date) as source_name,
        max(margin_detail.loaded_at) as loaded_at,
        bool_or(margin_detail.is_demo) as is_demo
    from margin_detail
    inner join weeks on {{ iso_week_start('margin_detail.trade_date') }} = weeks.week_start
    group by weeks.week_id, margin_detail.stock_code
),

margin_days as (
    select
        weeks.week_id,
        count(distinct margin_detail.trade_date) as days_covered
    from margin_detail
    inner join weeks on {{ iso_week_start('margin_detail.trade_date') }} = weeks.week_start
    group by weeks.week_id
),

margin_changes as (
    -- the start is the stock's end balance of the previous week (a window over the weekly ends),
    -- when that end is the previous week's last trading day
    select
        weeks.week_id,
        margin_weekly_ends.stock_code,
        margin_weekly_ends.end_date,
        case
            when lag(margin_weekly_ends.end_date) over stock_weeks = weeks.prev_week_last_trading_day
                then margin_weekly_ends.balance_end - lag(margin_weekly_ends.balance_end) over stock_weeks
        end as value,
        margin_weekly_ends.source_name,
        greatest(margin_weekly_ends.loaded_at, lag(margin_weekly_ends.loaded_at) over stock_weeks) as loaded_at,
        margin_weekly_ends.is_demo or coalesce(lag(margin_weekly_ends.is_demo) over stock_weeks, false) as is_demo
    from margin_weekly_ends
    inner join weeks on margin_weekly_ends.week_id = weeks.week_id
    window stock_weeks as (partition by margin_weekly_ends.stock_code order by margin_weekly_ends.end_date)
    qualify value is not null
),

margin_by_stock as (
    select
        margin_changes.week_id,
        'margin_financing_net_buy' as flow,
        margin_changes.stock_code,
        memberships.industry_code,
        margin_changes.value,
        margin_changes.source_name || ',stock_industry_clf_hist_sw' as source_name,
        margin_changes.loaded_at,
        margin_changes.is_demo
    from margin_changes
    asof left join memberships
        on margin_changes.stock_code = memberships.stock_code
            and margin_changes.end_date >= memberships.valid_from
),

-- ---------------------------------------------------------------- major shareholders (net change)
shareholder_days as (
    select
        week_id,
        days_covered
    from {{ ref('int_fund_flows_weekly_aggregated') }}
    where flow = 'shareholder_net_change'
),

shareholder_changes as (
    select
        weeks.week_id,
        changes.announcement_date,
        changes.stock_code,
        case when changes.direction = 'decrease' then -changes.amount_cny_100m else changes.amount_cny_100m end as value,
        changes.loaded_at,
        changes.is_demo
    from {{ ref('stg_eastmoney__shareholder_changes') }} as changes
    inner join weeks on {{ iso_week_start('changes.announcement_date') }} = weeks.week_start
    where changes.direction is not null
),

shareholder_by_stock as (
    select
        shareholder_changes.week_id,
        'shareholder_net_change' as flow,
        shareholder_changes.stock_code,
        memberships.industry_code,
        sum(shareholder_changes.value) as value,
        'stock_ggcg_em,stock_industry_clf_hist_sw' as source_name,
        max(shareholder_changes.loaded_at) as loaded_at,
        bool_or(shareholder_changes.is_demo) as is_demo
    from shareholder_changes
    asof left join memberships
        on shareholder_changes.stock_code = memberships.stock_code
            and shareholder_changes.announcement_date >= memberships.valid_from
    group by shareholder_changes.week_id, shareholder_changes.stock_code, memberships.industry_code
),

unioned as (
    select
        northbound_by_stock.week_id,
        northbound_by_stock.flow,
        northbound_by_stock.stock_code,
        northbound_by_stock.industry_code,
        northbound_by_stock.value,
        northbound_days.days_covered,
        northbound_by_stock.source_name,
        northbound_by_stock.loaded_at,
        northbound_by_stock.is_demo
    from northbound_by_stock
    inner join northbound_days on northbound_by_stock.week_id = northbound_days.week_id
    union all
    select
        margin_by_stock.week_id,
        margin_by_stock.flow,
        margin_by_stock.stock_code,
        margin_by_stock.industry_code,
        margin_by_stock.value,
        margin_days.days_covered,
        margin_by_stock.source_name,
        margin_by_stock.loaded_at,
        margin_by_stock.is_demo
    from margin_by_stock
    inner join margin_days on margin_by_stock.week_id = margin_days.week_id
    union all
    select
        shareholder_by_stock.week_id,
        shareholder_by_stock.flow,
        shareholder_by_stock.stock_code,
        shareholder_by_stock.industry_code,
        shareholder_by_stock.value,
        coalesce(shareholder_days.days_covered, 0) as days_covered,
        shareholder_by_stock.source_name,
        shareholder_by_stock.loaded_at,
        shareholder_by_stock.is_demo
    from shareholder_by_stock
    left join shareholder_days on shareholder_by_stock.week_id = shareholder_days.week_id
)

select
    unioned.week_id,
    unioned.flow,
    unioned.stock_code,
    unioned.industry_code,
    industries.industry_index_code,
    industries.industry_name,
    unioned.value,
    unioned.days_covered,
    unioned.source_name,
    unioned.loaded_at,
    unioned.is_demo
from unioned
left join {{ ref('shenwan_industries') }} as industries on unioned.industry_code = industries.industry_code
where {{ rebuild_scope('unioned.week_id') }}
