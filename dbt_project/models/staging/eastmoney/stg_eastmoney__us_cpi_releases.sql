{#- 美国CPI年率 (macro_usa_cpi_yoy): one row per reference month with its release date; only released values -#}
with landed as (
    select
        cast("时间" as date) as reference_month,
        cast("发布日期" as date) as release_date,
        cast("现值" as double) as cpi_yoy_pct,
        cast("前值" as double) as previous_pct,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'macro_usa_cpi_yoy') }}
),

visible as (
    {{ visible_versions('landed', 'macro_usa_cpi_yoy', key=['reference_month', 'release_date'], period='release_date', grain='day') }}
)

select
    cast(date_trunc('month', reference_month) as date) as reference_month,
    release_date,
    cpi_yoy_pct,
    previous_pct,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
where cpi_yoy_pct is not null
