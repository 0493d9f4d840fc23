{#- 海关出口主要商品量值 (customs_exports_by_product, curated): one row per month and product; 万美元 -> 亿美元 -#}
with landed as (
    select
        {{ yyyy_mm('"月份"') }} as month,
        trim(cast("商品名称" as varchar)) as product_name,
        cast("出口金额" as double) / 1e4 as exports_usd_100m,
        cast("出口同比" as double) as exports_yoy_pct_published,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'customs_exports_by_product') }}
),

visible as (
    {{ visible_versions('landed', 'customs_exports_by_product', key=['month', 'product_name'], period='month', grain='month') }}
)

select
    month,
    case product_name
        when '机电产品' then 'mechanical_electrical'
        when '高新技术产品' then 'high_tech'
        when '集成电路' then 'integrated_circuits'
        when '汽车' then 'autos'
        when '箱包' then 'bags'
        when '鞋靴' then 'shoes'
        when '服装' then 'garments'
        when '玩具' then 'toys'
        when '家具' then 'furniture'
    end as product,
    product_name,
    exports_usd_100m,
    exports_yoy_pct_published,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
