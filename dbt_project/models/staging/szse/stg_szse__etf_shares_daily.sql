{#- 深交所基金份额 (fund_scale_daily_szse, symbol ETF): one row per ETF and trading day; 份 -> 亿份 -#}
with landed as (
    select
        cast("日期" as date) as trade_date,
        {{ security_code('"基金代码"') }} as fund_code,
        cast("基金简称" as varchar) as fund_name,
        cast("基金份额" as double) / 1e8 as shares_100m,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'fund_scale_daily_szse') }}
),

visible as (
    {{ visible_versions('landed', 'fund_scale_daily_szse', key=['trade_date', 'fund_code'], period='trade_date', grain='day') }}
)

select
    trade_date,
    fund_code,
    fund_name,
    'SZSE' as exchange,
    shares_100m,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
