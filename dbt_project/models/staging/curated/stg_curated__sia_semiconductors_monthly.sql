{#- SIA全球半导体销售额 (sia_semiconductors, curated): one row per month and region; 十亿美元 x 10 -> 亿美元 -#}
with landed as (
    select
        {{ yyyy_mm('"月份"') }} as month,
        trim(cast("地区" as varchar)) as region_name,
        cast("销售额" as double) * 10 as sales_usd_100m,
        cast("同比" as double) as yoy_pct_published,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'sia_semiconductors') }}
),

visible as (
    {{ visible_versions('landed', 'sia_semiconductors', key=['month', 'region_name'], period='month', grain='month') }}
)

select
    month,
    case region_name
        when '全球' then 'world'
        when '美洲' then 'americas'
        when '欧洲' then 'europe'
        when '日本' then 'japan'
        when '中国' then 'china'
        when '亚太' then 'asia_pacific'
    end as region,
    region_name,
    sales_usd_100m,
    yoy_pct_published,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
