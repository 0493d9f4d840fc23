{#- 中国以美元计算进口年率 (macro_china_imports_yoy): one row per scheduled release; 日期 is the release date -#}
with landed as (
    select
        cast("商品" as varchar) as series_name,
        cast("日期" as date) as release_date,
        cast("今值" as double) as actual_pct,
        cast("预测值" as double) as forecast_pct,
        cast("前值" as double) as previous_pct,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'macro_china_imports_yoy') }}
),

visible as (
    {{ visible_versions('landed', 'macro_china_imports_yoy', key=['release_date'], period='release_date', grain='day') }}
)

select
    series_name,
    release_date,
    cast(date_trunc('month', release_date) - interval 1 month as date) as reference_month,
    actual_pct,
    forecast_pct,
    previous_pct,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
