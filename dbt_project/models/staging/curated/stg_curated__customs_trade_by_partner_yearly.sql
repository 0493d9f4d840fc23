{#- 中国对主要国家(地区)进出口年度总值 (customs_trade_by_partner_yearly, curated): one row per year and partner; 万美元 -> 亿美元 -#}
with landed as (
    select
        {{ yyyy('"年份"') }} as year_start,
        trim(cast("国家或地区" as varchar)) as partner_name,
        cast("进出口金额" as double) / 1e4 as trade_usd_100m,
        cast("出口金额" as double) / 1e4 as exports_usd_100m,
        cast("进口金额" as double) / 1e4 as imports_usd_100m,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'customs_trade_by_partner_yearly') }}
),

visible as (
    {{ visible_versions('landed', 'customs_trade_by_partner_yearly', key=['year_start', 'partner_name'], period='year_start', grain='year') }}
)

select
    year(year_start) as trade_year,
    partner_name,
    trade_usd_100m,
    exports_usd_100m,
    imports_usd_100m,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
