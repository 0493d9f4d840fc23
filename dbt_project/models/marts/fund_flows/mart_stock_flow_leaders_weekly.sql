{{ config(
    materialized='incremental',
    incremental_strategy='replace_weeks',
    unique_key='week_id',
    on_schema_change='fail',
    post_hook="{{ record_rebuild_state() }}",
) }}
{#-
    资金·众寡 个股: the stocks with the largest net buys and net sells of each week and flow
    (northbound estimated net buy, margin financing net buy, major shareholders' net change), one
    row per week, flow and leading stock: the top and the bottom var('stock_leaders_n', 10) by the
    stock's flow in the week (亿元, summed over its industries should it have been reclassified
    within the week). Name as the flow's own source shows it in the week; Shenwan level-1 industry
    as of the week's last trading day.
    Incremental by week like the per-stock flows it ranks (macros/incremental.sql): a new week
    reads that week's per-stock rows and names only, so the per-stock staging views keep their
    read window.
-#}
with weeks as (
    select
        week_id,
        week_start,
        last_trading_day
    from {{ ref('int_trading_weeks_summarized') }}
    where is_started and {{ rebuild_scope('week_id') }}
),

stock_flows as (
    select
        week_id,
        flow,
        stock_code,
        sum(value) as value,
        max(days_covered) as days_covered,
        min(source_name) as source_name,
        max(loaded_at) as loaded_at,
        bool_or(is_demo) as is_demo
    from {{ ref('int_stock_flows_classified_weekly') }}
    where value is not null and {{ rebuild_scope('week_id') }}
    group by week_id, flow, stock_code
),

ranked as (
    select
        stock_flows.*,
        rank() over (partition by week_id, flow order by value desc) as rank_desc,
        rank() over (partition by week_id, flow order by value asc) as rank_asc,
        count(*) over (partition by week_id, flow) as stocks_ranked
    from stock_flows
),

leaders as (
    select
        ranked.*,
        weeks.week_start,
        weeks.last_trading_day
    from ranked
    inner join weeks on ranked.week_id = weeks.week_id
    where ranked.rank_desc <= {{ var('stock_leaders_n', 10) }} or ranked.rank_asc <= {{ var('stock_leaders_n', 10) }}
),

-- the name each flow's source gives the stock in the week (the last day it shows one)
names_seen as (
    select
        'northbound_net_buy' as flow,
        stock_code,
        hold_date as seen_date,
        stock_name
    from {{ ref('stg_eastmoney__northbound_holdings_daily') }}
    where stock_code in (select leaders.stock_code from leaders where leaders.flow = 'northbound_net_buy')
    union all
    select
        'margin_financing_net_buy' as flow,
        stock_code,
        trade_date as seen_date,
        stock_name
    from {{ ref('stg_sse__margin_by_stock_daily') }}
    where stock_code in (select leaders.stock_code from leaders where leaders.flow = 'margin_financing_net_buy')
    union all
    select
        'margin_financing_net_buy' as flow,
        stock_code,
        trade_date as seen_date,
        stock_name
    from {{ ref('stg_szse__margin_by_stock_daily') }}
    where stock_code in (select leaders.stock_code from leaders where leaders.flow = 'margin_financing_net_buy')
    union all
    select
        'shareholder_net_change' as flow,
        stock_code,
        announcement_date as seen_date,
        stock_name
    from {{ ref('stg_eastmoney__shareholder_changes') }}
    where stock_code in (select leaders.stock_code from leaders where leaders.flow = 'shareholder_net_change')
),

leader_names as (
    select
        leaders.week_id,
        leaders.flow,
        leaders.stock_code,
        arg_max(names_seen.stock_name, names_seen.seen_date) as stock_name
    from leaders
    inner join names_seen
        on leaders.flow = names_seen.flow
            and leaders.stock_code = names_seen.stock_code
            and names_seen.seen_date between leaders.week_start and leaders.last_trading_day
    where names_seen.stock_name is not null
    group by leaders.week_id, leaders.flow, leaders.stock_code
),

memberships as (
    select
        stock_code,
        industry_code,
        industry_index_code,
        industry_name,
        valid_from
    from {{ ref('int_shenwan_memberships_historized') }}
),

with_industry as (
    select
        leaders.*,
        memberships.industry_code,
        memberships.industry_index_code,
        memberships.industry_name
    from leaders
    asof left join memberships
        on leaders.stock_code = memberships.stock_code
            and leaders.last_trading_day >= memberships.valid_from
)

select
    with_industry.week_id,
    with_industry.flow,
    with_industry.stock_code,
    leader_names.stock_name,
    with_industry.industry_code,
    with_industry.industry_index_code,
    with_industry.industry_name,
    with_industry.value,
    with_industry.rank_desc,
    with_industry.rank_asc,
    case when with_industry.rank_desc <= {{ var('stock_leaders_n', 10) }} then 'top' else 'bottom' end as leader_group,
    with_industry.stocks_ranked,
    with_industry.days_covered,
    with_industry.source_name,
    with_industry.loaded_at,
    with_industry.is_demo
from with_industry
left join leader_names
    on with_industry.week_id = leader_names.week_id
        and with_industry.flow = leader_names.flow
        and with_industry.stock_code = leader_names.stock_code
