{{ config(
    materialized='incremental',
    incremental_strategy='replace_weeks',
    unique_key='week_id',
    on_schema_change='fail',
    post_hook="{{ record_rebuild_state() }}",
) }}
{#-
    资金·众寡 by Shenwan level-1 industry: one row per week, flow and industry (point-in-time
    membership), value in 亿元, rank 1 = largest net buy. Stocks without a Shenwan classification
    are left out. Incremental by week, as the per-stock flows it sums (macros/incremental.sql).
-#}
with stock_flows as (
    select
        week_id,
        flow,
        stock_code,
        industry_code,
        industry_index_code,
        industry_name,
        value,
        days_covered,
        source_name,
        loaded_at,
        is_demo
    from {{ ref('int_stock_flows_classified_weekly') }}
    where industry_code is not null and value is not null and {{ rebuild_scope('week_id') }}
),

industry_flows as (
    select
        week_id,
        flow,
        industry_code,
        any_value(industry_index_code) as industry_index_code,
        any_value(industry_name) as industry_name,
        sum(value) as value,
        max(days_covered) as days_covered,
        count(distinct stock_code) as stocks_covered,
        min(source_name) as source_name,
        max(loaded_at) as loaded_at,
        bool_or(is_demo) as is_demo
    from stock_flows
    group by week_id, flow, industry_code
)

select
    week_id,
    flow,
    industry_code,
    industry_index_code,
    industry_name,
    value,
    rank() over (partition by week_id, flow order by value desc) as rank_desc,
    days_covered,
    stocks_covered,
    source_name,
    loaded_at,
    is_demo
from industry_flows
