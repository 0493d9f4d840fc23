{#-
    资金·众寡 ETFs by group (seed etf_groups): one row per week and group. Net change of shares
    outstanding (亿份) and its value at the week's close (亿元), summed over the group's ETFs.
-#}
with etf_changes as (
    select
        week_id,
        fund_code,
        exchange,
        etf_group,
        group_name,
        category,
        net_shares_change_100m,
        net_subscription_cny_100m,
        days_covered,
        loaded_at,
        close_loaded_at,
        is_demo
    from {{ ref('int_etf_shares_compared_weekly') }}
    where is_seed_etf
)

select
    week_id,
    etf_group,
    any_value(group_name) as group_name,
    any_value(category) as category,
    sum(net_shares_change_100m) as net_shares_change_100m,
    sum(net_subscription_cny_100m) as net_subscription_cny_100m,
    count(*) as etfs_covered,
    max(days_covered) as days_covered,
    concat_ws(
        ',',
        case when bool_or(exchange = 'SSE') then 'fund_etf_scale_sse' end,
        case when bool_or(exchange = 'SZSE') then 'fund_scale_daily_szse' end,
        'fund_etf_hist_em'
    ) as source_name,
    greatest(max(loaded_at), max(close_loaded_at)) as loaded_at,
    bool_or(is_demo) as is_demo
from etf_changes
group by week_id, etf_group
