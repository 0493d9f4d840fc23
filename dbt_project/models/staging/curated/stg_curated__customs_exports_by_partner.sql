{#- 海关进出口商品国别(地区)总值 (customs_exports_by_partner, curated): one row per month and partner; 万美元 -> 亿美元 -#}
with landed as (
    select
        {{ yyyy_mm('"月份"') }} as month,
        trim(cast("国家或地区" as varchar)) as partner_name,
        cast("出口金额" as double) / 1e4 as exports_usd_100m,
        cast("出口同比" as double) as exports_yoy_pct_published,
        cast("进口金额" as double) / 1e4 as imports_usd_100m,
        cast("进口同比" as double) as imports_yoy_pct_published,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'customs_exports_by_partner') }}
),

visible as (
    {{ visible_versions('landed', 'customs_exports_by_partner', key=['month', 'partner_name'], period='month', grain='month') }}
)

select
    month,
    case partner_name
        when '俄罗斯' then 'russia'
        when '东盟' then 'asean'
        when '非洲' then 'africa'
        when '欧盟' then 'eu'
        when '美国' then 'us'
        when '日本' then 'japan'
        when '中国香港' then 'hong_kong'
        when '拉丁美洲' then 'latin_america'
        when '澳大利亚' then 'australia'
        when '加拿大' then 'canada'
    end as partner,
    partner_name,
    exports_usd_100m,
    exports_yoy_pct_published,
    imports_usd_100m,
    imports_yoy_pct_published,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
