{#- 上海黄金交易所现货历史行情 (spot_hist_sge): one row per contract (param symbol, e.g. Au99.99) and trading day; 元/克 -#}
with landed as (
    select
        {{ param('symbol') }} as contract,
        cast("date" as date) as trade_date,
        cast("open" as double) as open_cny_per_g,
        cast("close" as double) as close_cny_per_g,
        cast("low" as double) as low_cny_per_g,
        cast("high" as double) as high_cny_per_g,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'spot_hist_sge') }}
),

visible as (
    {{ visible_versions('landed', 'spot_hist_sge', key=['trade_date'], period='trade_date', grain='day') }}
)

select
    contract,
    trade_date,
    open_cny_per_g,
    close_cny_per_g,
    low_cny_per_g,
    high_cny_per_g,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
