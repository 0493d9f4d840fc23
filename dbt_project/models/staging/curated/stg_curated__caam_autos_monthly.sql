{#- 中汽协汽车产销 (caam_autos, curated): one row per month and category; 万辆 -#}
with landed as (
    select
        {{ yyyy_mm('"月份"') }} as month,
        trim(cast("类别" as varchar)) as category_name,
        cast("产量" as double) as production_10k_units,
        cast("销量" as double) as sales_10k_units,
        cast("产量同比" as double) as production_yoy_pct_published,
        cast("销量同比" as double) as sales_yoy_pct_published,
        cast("累计产量" as double) as production_ytd_10k_units_published,
        cast("累计销量" as double) as sales_ytd_10k_units_published,
        cast("累计产量同比" as double) as production_ytd_yoy_pct_published,
        cast("累计销量同比" as double) as sales_ytd_yoy_pct_published,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'caam_autos') }}
),

visible as (
    {{ visible_versions('landed', 'caam_autos', key=['month', 'category_name'], period='month', grain='month') }}
)

select
    month,
    case category_name
        when '汽车' then 'total'
        when '乘用车' then 'passenger'
        when '商用车' then 'commercial'
        when '货车' then 'truck'
        when '客车' then 'bus'
        when '新能源汽车' then 'nev'
        when '中国品牌乘用车' then 'chinese_brand'
    end as category,
    category_name,
    production_10k_units,
    sales_10k_units,
    production_yoy_pct_published,
    sales_yoy_pct_published,
    production_ytd_10k_units_published,
    sales_ytd_10k_units_published,
    production_ytd_yoy_pct_published,
    sales_ytd_yoy_pct_published,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
