{#- 外盘期货历史行情 (futures_foreign_hist): one row per Sina foreign-futures symbol (param, e.g. GC = COMEX gold) and day -#}
with landed as (
    select
        {{ param('symbol') }} as futures_symbol,
        cast("date" as date) as trade_date,
        cast("open" as double) as open_price,
        cast("high" as double) as high_price,
        cast("low" as double) as low_price,
        cast("close" as double) as close_price,
        cast("volume" as double) as volume_contracts,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'futures_foreign_hist') }}
),

visible as (
    {{ visible_versions('landed', 'futures_foreign_hist', key=['trade_date'], period='trade_date', grain='day') }}
)

select
    futures_symbol,
    trade_date,
    open_price,
    high_price,
    low_price,
    close_price,
    volume_contracts,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
