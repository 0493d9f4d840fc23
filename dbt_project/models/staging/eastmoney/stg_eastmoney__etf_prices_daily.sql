{#- ETF日行情 (fund_etf_hist_em, unadjusted): one row per ETF (param symbol) and day -#}
with landed as (
    select
        {{ security_code(param('symbol')) }} as fund_code,
        cast("日期" as date) as trade_date,
        cast("开盘" as double) as open_price,
        cast("收盘" as double) as close_price,
        cast("最高" as double) as high_price,
        cast("最低" as double) as low_price,
        cast("成交量" as double) as volume_lots,
        cast("成交额" as double) / 1e8 as turnover_cny_100m,
        cast("振幅" as double) as amplitude_pct,
        cast("涨跌幅" as double) as change_pct,
        cast("涨跌额" as double) as change_amount,
        cast("换手率" as double) as turnover_rate_pct,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'fund_etf_hist_em') }}
),

visible as (
    {{ visible_versions('landed', 'fund_etf_hist_em', key=['trade_date'], period='trade_date', grain='day') }}
)

select
    fund_code,
    trade_date,
    open_price,
    close_price,
    high_price,
    low_price,
    volume_lots,
    turnover_cny_100m,
    amplitude_pct,
    change_pct,
    change_amount,
    turnover_rate_pct,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
