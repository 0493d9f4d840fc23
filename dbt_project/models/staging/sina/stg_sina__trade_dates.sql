{#- 交易日历 (tool_trade_date_hist_sina): one row per SSE trading day -#}
with landed as (
    select
        cast("trade_date" as date) as trade_date,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'tool_trade_date_hist_sina') }}
),

visible as (
    {{ visible_versions('landed', 'tool_trade_date_hist_sina', key=['trade_date'], period='trade_date', grain='day') }}
)

select distinct
    trade_date,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
