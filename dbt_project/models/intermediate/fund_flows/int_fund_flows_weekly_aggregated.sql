{{ config(materialized='table') }}
{#-
    The weekly fund flows of the note, one row per week and flow, from the data visible to the
    build: sums of the daily flows, changes of the financing balance and of ETF shares between
    the week's last visible day and the previous week's last trading day. days_covered = trading
    days of the week with data visible (for event flows: trading days whose publication moment,
    registry lag included, is before both the cut-off and the newest load of the source).
-#}
with weeks as (
    select
        week_id,
        week_start,
        week_end,
        trading_days,
        prev_week_last_trading_day
    from {{ ref('int_trading_weeks_summarized') }}
    where is_started
),

trading_days as (
    select
        trade_date,
        week_id
    from {{ ref('int_trading_days_assigned_to_weeks') }}
),

daily_flows as (
    select
        flow,
        flow_date,
        week_id,
        flow_kind,
        value,
        records,
        source_name,
        loaded_at,
        is_demo
    from {{ ref('int_fund_flows_daily_unioned') }}
),

-- ---------------------------------------------------------------- additive daily series
series_weekly as (
    select
        daily_flows.week_id,
        daily_flows.flow,
        sum(daily_flows.value) as value,
        count(distinct trading_days.trade_date) as days_covered,
        cast(null as bigint) as items_covered,
        any_value(daily_flows.source_name) as source_name,
        max(daily_flows.loaded_at) as loaded_at,
        bool_or(daily_flows.is_demo) as is_demo
    from daily_flows
    inner join trading_days on daily_flows.flow_date = trading_days.trade_date
    where daily_flows.flow_kind = 'daily_series'
    group by daily_flows.week_id, daily_flows.flow
),

-- ---------------------------------------------------------------- event flows
event_flows as (
    select
        flows.flow,
        flows.source_name
    from (
        values
        ('new_equity_fund_shares', 'fund_new_found_em'),
        ('shareholder_increase', 'stock_ggcg_em'),
        ('shareholder_decrease', 'stock_ggcg_em'),
        ('shareholder_net_change', 'stock_ggcg_em'),
        ('planned_reduction', 'planned_reductions')
    ) as flows (flow, source_name)
),

event_source_loads as (
    select
        'fund_new_found_em' as source_name,
        max(loaded_at) as newest_load,
        min(established_date) as first_date,
        bool_or(is_demo) as is_demo
    from {{ ref('stg_eastmoney__new_funds') }}
    union all
    select
        'stock_ggcg_em' as source_name,
        max(loaded_at) as newest_load,
        min(announcement_date) as first_date,
        bool_or(is_demo) as is_demo
    from {{ ref('stg_eastmoney__shareholder_changes') }}
    union all
    select
        'planned_reductions' as source_name,
        max(loaded_at) as newest_load,
        min(announcement_date) as first_date,
        bool_or(is_demo) as is_demo
    from {{ ref('stg_curated__planned_reductions') }}
),

event_days_published as (
    {%- set event_sources = ['fund_new_found_em', 'stock_ggcg_em', 'planned_reductions'] %}
    {%- for source_name in event_sources %}
        select
            '{{ source_name }}' as source_name,
            trade_date,
            week_id,
            {{ published_at('trade_date', 'day', source_name) }} as published_at
        from trading_days
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

event_days_covered as (
    select
        event_days_published.source_name,
        event_days_published.week_id,
        count(*) filter (
            where event_days_published.published_at <= least({{ period_cutoff() }}, event_source_loads.newest_load)
        ) as days_covered,
        any_value(event_source_loads.newest_load) as newest_load,
        any_value(event_source_loads.is_demo) as is_demo
    from event_days_published
    inner join event_source_loads on event_days_published.source_name = event_source_loads.source_name
    inner join weeks on event_days_published.week_id = weeks.week_id
    -- from the week of the source's first record on
    where weeks.week_end >= event_source_loads.first_date
    group by event_days_published.source_name, event_days_published.week_id
),

event_sums as (
    select
        week_id,
        flow,
        sum(value) as value,
        sum(records) as records,
        max(loaded_at) as loaded_at,
        bool_or(is_demo) as is_demo
    from daily_flows
    where flow_kind = 'events'
    group by week_id, flow
),

events_weekly as (
    select
        event_days_covered.week_id,
        event_flows.flow,
        coalesce(event_sums.value, 0) as value,
        event_days_covered.days_covered,
        coalesce(event_sums.records, 0) as items_covered,
        event_flows.source_name,
        coalesce(event_sums.loaded_at, event_days_covered.newest_load) as loaded_at,
        coalesce(event_sums.is_demo, event_days_covered.is_demo) as is_demo
    from event_days_covered
    inner join event_flows on event_days_covered.source_name = event_flows.source_name
    left join event_sums
        on event_days_covered.week_id = event_sums.week_id
            and event_flows.flow = event_sums.flow
    where event_days_covered.days_covered > 0
),

-- ---------------------------------------------------------------- margin financing (Δ融资余额)
margin_balances as (
    select
        trade_date,
        financing_balance_cny_100m,
        loaded_at,
        is_demo
    from {{ ref('stg_eastmoney__margin_accounts_daily') }}
    where financing_balance_cny_100m is not null
),

margin_week_end as (
    select
        weeks.week_id,
        weeks.prev_week_last_trading_day,
        max(margin_balances.trade_date) as end_date,
        arg_max(margin_balances.financing_balance_cny_100m, margin_balances.trade_date) as balance_end,
        count(*) as days_covered,
        max(margin_balances.loaded_at) as loaded_at,
        bool_or(margin_balances.is_demo) as is_demo
    from margin_balances
    inner join weeks on margin_balances.trade_date between weeks.week_start and weeks.week_end
    group by weeks.week_id, weeks.prev_week_last_trading_day
),

margin_weekly as (
    select
        margin_week_end.week_id,
        'margin_financing_net_buy' as flow,
        case
            when margin_balances.trade_date = margin_week_end.prev_week_last_trading_day
                then margin_week_end.balance_end - margin_balances.financing_balance_cny_100m
        end as value,
        margin_week_end.days_covered,
        cast(null as bigint) as items_covered,
        'stock_margin_account_info' as source_name,
        margin_week_end.loaded_at,
        margin_week_end.is_demo
    from margin_week_end
    left join margin_balances on margin_week_end.prev_week_last_trading_day = margin_balances.trade_date
),

-- ---------------------------------------------------------------- ETF net subscription
etf_changes as (
    select
        week_id,
        net_shares_change_100m,
        net_subscription_cny_100m,
        is_stock_etf,
        is_seed_etf,
        days_covered,
        exchange,
        loaded_at,
        close_loaded_at,
        is_demo
    from {{ ref('int_etf_shares_compared_weekly') }}
),

etf_weekly as (
    select
        week_id,
        'etf_net_subscription_shares' as flow,
        sum(net_shares_change_100m) as value,
        max(days_covered) as days_covered,
        count(*) as items_covered,
        concat_ws(
            ',',
            case when bool_or(exchange = 'SSE') then 'fund_etf_scale_sse' end,
            case when bool_or(exchange = 'SZSE') then 'fund_scale_daily_szse' end
        ) as source_name,
        max(loaded_at) as loaded_at,
        bool_or(is_demo) as is_demo
    from etf_changes
    group by week_id
    union all
    select
        week_id,
        'stock_etf_net_subscription_shares' as flow,
        sum(net_shares_change_100m) as value,
        max(days_covered) as days_covered,
        count(*) as items_covered,
        concat_ws(
            ',',
            case when bool_or(exchange = 'SSE') then 'fund_etf_scale_sse' end,
            case when bool_or(exchange = 'SZSE') then 'fund_scale_daily_szse' end
        ) as source_name,
        max(loaded_at) as loaded_at,
        bool_or(is_demo) as is_demo
    from etf_changes
    where is_stock_etf
    group by week_id
    union all
    select
        week_id,
        'etf_net_subscription_value' as flow,
        sum(net_subscription_cny_100m) as value,
        max(days_covered) as days_covered,
        count(net_subscription_cny_100m) as items_covered,
        concat_ws(
            ',',
            case when bool_or(exchange = 'SSE') then 'fund_etf_scale_sse' end,
            case when bool_or(exchange = 'SZSE') then 'fund_scale_daily_szse' end
        )
        || ',fund_etf_hist_em' as source_name,
        greatest(max(loaded_at), max(close_loaded_at)) as loaded_at,
        bool_or(is_demo) as is_demo
    from etf_changes
    where is_seed_etf
    group by week_id
),

unioned as (
    select week_id, flow, value, days_covered, items_covered, source_name, loaded_at, is_demo from series_weekly
    union all
    select week_id, flow, value, days_covered, items_covered, source_name, loaded_at, is_demo from events_weekly
    union all
    select week_id, flow, value, days_covered, items_covered, source_name, loaded_at, is_demo from margin_weekly
    union all
    select week_id, flow, value, days_covered, items_covered, source_name, loaded_at, is_demo from etf_weekly
)

select
    unioned.week_id,
    weeks.week_start,
    weeks.week_end,
    weeks.trading_days,
    unioned.flow,
    unioned.value,
    unioned.days_covered,
    unioned.items_covered,
    unioned.source_name,
    unioned.loaded_at,
    unioned.is_demo
from unioned
inner join weeks on unioned.week_id = weeks.week_id
