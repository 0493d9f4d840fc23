{#- 中国以美元计算贸易帐 (macro_china_trade_balance): one row per scheduled release; 日期 is the release date -#}
with landed as (
    select
        cast("商品" as varchar) as series_name,
        cast("日期" as date) as release_date,
        cast("今值" as double) as actual_usd_100m,
        cast("预测值" as double) as forecast_usd_100m,
        cast("前值" as double) as previous_usd_100m,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'macro_china_trade_balance') }}
),

visible as (
    {{ visible_versions('landed', 'macro_china_trade_balance', key=['release_date'], period='release_date', grain='day') }}
)

select
    series_name,
    release_date,
    cast(date_trunc('month', release_date) - interval 1 month as date) as reference_month,
    actual_usd_100m,
    forecast_usd_100m,
    previous_usd_100m,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
