{#- 纸价 (paper_prices, curated): one row per price date (the week's Friday) and product -#}
with landed as (
    select
        cast("日期" as date) as price_date,
        trim(cast("品种" as varchar)) as product_name,
        cast("价格" as double) as price,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'paper_prices') }}
),

visible as (
    {{ visible_versions('landed', 'paper_prices', key=['price_date', 'product_name'], period='price_date', grain='day') }}
)

select
    price_date,
    case product_name when '白卡纸价格指数' then 'white_cardboard_index' when '文化纸价格' then 'cultural_paper' end as product,
    product_name,
    price,
    case product_name when '白卡纸价格指数' then '点' when '文化纸价格' then '元/吨' end as unit,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
