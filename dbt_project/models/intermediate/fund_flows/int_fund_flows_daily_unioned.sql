{#-
    Additive fund flows by day, one row per flow and date: Stock Connect net buys by trading day,
    and event flows (new equity funds by 成立日期, shareholder changes and planned reductions by
    announcement date; an event on a weekend belongs to its ISO week). Values in 亿元 (southbound
    亿港元, new funds 亿份).
-#}
with stock_connect as (
    select
        case channel when 'northbound' then 'northbound_net_buy' else 'southbound_net_buy' end as flow,
        trade_date as flow_date,
        net_buy_100m as value,
        1 as records,
        'stock_hsgt_hist_em' as source_name,
        loaded_at,
        is_demo
    from {{ ref('stg_eastmoney__stock_connect_daily') }}
    where channel in ('northbound', 'southbound') and net_buy_100m is not null
),

new_equity_funds as (
    select
        'new_equity_fund_shares' as flow,
        established_date as flow_date,
        sum(shares_raised_100m) as value,
        count(*) as records,
        'fund_new_found_em' as source_name,
        max(loaded_at) as loaded_at,
        bool_or(is_demo) as is_demo
    from {{ ref('stg_eastmoney__new_funds') }}
    where is_equity_fund and established_date is not null
    group by established_date
),

shareholder_changes as (
    select
        announcement_date,
        direction,
        amount_cny_100m,
        loaded_at,
        is_demo
    from {{ ref('stg_eastmoney__shareholder_changes') }}
    where announcement_date is not null and direction is not null
),

shareholder_flows as (
    select
        flows.flow,
        shareholder_changes.announcement_date as flow_date,
        sum(
            case
                when flows.flow = 'shareholder_net_change' and shareholder_changes.direction = 'decrease'
                    then -shareholder_changes.amount_cny_100m
                else shareholder_changes.amount_cny_100m
            end
        ) as value,
        count(*) as records,
        'stock_ggcg_em' as source_name,
        max(shareholder_changes.loaded_at) as loaded_at,
        bool_or(shareholder_changes.is_demo) as is_demo
    from shareholder_changes
    inner join (
        values
        ('shareholder_increase', 'increase'),
        ('shareholder_decrease', 'decrease'),
        ('shareholder_net_change', 'increase'),
        ('shareholder_net_change', 'decrease')
    ) as flows (flow, direction) on shareholder_changes.direction = flows.direction
    group by flows.flow, shareholder_changes.announcement_date
),

planned_reductions as (
    select
        'planned_reduction' as flow,
        announcement_date as flow_date,
        sum(planned_amount_cny_100m) as value,
        count(*) as records,
        'planned_reductions' as source_name,
        max(loaded_at) as loaded_at,
        bool_or(is_demo) as is_demo
    from {{ ref('stg_curated__planned_reductions') }}
    where announcement_date is not null
    group by announcement_date
),

unioned as (
    select flow, flow_date, value, records, source_name, loaded_at, is_demo from stock_connect
    union all
    select flow, flow_date, value, records, source_name, loaded_at, is_demo from new_equity_funds
    union all
    select flow, flow_date, value, records, source_name, loaded_at, is_demo from shareholder_flows
    union all
    select flow, flow_date, value, records, source_name, loaded_at, is_demo from planned_reductions
)

select
    flow,
    flow_date,
    {{ iso_week_id('flow_date') }} as week_id,
    case when flow in ('northbound_net_buy', 'southbound_net_buy') then 'daily_series' else 'events' end as flow_kind,
    value,
    records,
    source_name,
    loaded_at,
    is_demo
from unioned
