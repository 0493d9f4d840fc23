{#- 深交所市场总貌 (stock_szse_summary): one row per trading day (call parameter) and security class; 元 -> 亿元 -#}
with landed as (
    select
        {{ param_date('date') }} as trade_date,
        cast("证券类别" as varchar) as security_class,
        cast("数量" as bigint) as security_count,
        cast("成交金额" as double) / 1e8 as turnover_cny_100m,
        cast("总市值" as double) / 1e8 as market_value_cny_100m,
        cast("流通市值" as double) / 1e8 as float_market_value_cny_100m,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_szse_summary') }}
),

visible as (
    {{ visible_versions('landed', 'stock_szse_summary', key=['trade_date', 'security_class'], period='trade_date', grain='day') }}
)

select
    trade_date,
    security_class,
    security_count,
    turnover_cny_100m,
    market_value_cny_100m,
    float_market_value_cny_100m,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
