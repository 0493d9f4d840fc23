{#- 集成电路进出口 HS 8542 (customs_ic_trade, curated): one row per month and direction; 万美元 -> 亿美元 -#}
with landed as (
    select
        {{ yyyy_mm('"月份"') }} as month,
        trim(cast("贸易方向" as varchar)) as direction_name,
        cast("金额" as double) / 1e4 as value_usd_100m,
        cast("同比" as double) as yoy_pct_published,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'customs_ic_trade') }}
),

visible as (
    {{ visible_versions('landed', 'customs_ic_trade', key=['month', 'direction_name'], period='month', grain='month') }}
)

select
    month,
    case direction_name when '出口' then 'exports' when '进口' then 'imports' end as direction,
    direction_name,
    value_usd_100m,
    yoy_pct_published,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
