{#- 上交所ETF基金份额 (fund_etf_scale_sse): one row per ETF and statistics date; 份 -> 亿份 -#}
with landed as (
    select
        cast("统计日期" as date) as stat_date,
        {{ security_code('"基金代码"') }} as fund_code,
        cast("基金简称" as varchar) as fund_name,
        cast("ETF类型" as varchar) as etf_type,
        cast("基金份额" as double) / 1e8 as shares_100m,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'fund_etf_scale_sse') }}
),

visible as (
    {{ visible_versions('landed', 'fund_etf_scale_sse', key=['stat_date', 'fund_code'], period='stat_date', grain='day') }}
)

select
    stat_date,
    fund_code,
    fund_name,
    etf_type,
    'SSE' as exchange,
    shares_100m,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
