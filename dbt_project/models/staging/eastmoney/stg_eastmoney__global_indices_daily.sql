{#- 全球指数历史行情 (index_global_hist_em): one row per global index (param symbol, e.g. 美元指数) and day -#}
with landed as (
    select
        {{ param('symbol') }} as index_symbol,
        cast("代码" as varchar) as index_code,
        cast("名称" as varchar) as index_name,
        cast("日期" as date) as trade_date,
        cast("今开" as double) as open_level,
        cast("最新价" as double) as close_level,
        cast("最高" as double) as high_level,
        cast("最低" as double) as low_level,
        cast("振幅" as double) as amplitude_pct,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'index_global_hist_em') }}
),

visible as (
    {{ visible_versions('landed', 'index_global_hist_em', key=['trade_date'], period='trade_date', grain='day') }}
)

select
    index_symbol,
    index_code,
    index_name,
    trade_date,
    open_level,
    close_level,
    high_level,
    low_level,
    amplitude_pct,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
