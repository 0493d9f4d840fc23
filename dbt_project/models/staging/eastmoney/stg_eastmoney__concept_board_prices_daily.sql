{#- 东方财富概念板块历史行情 (stock_board_concept_hist_em): one row per board (param symbol = board code) and trading day -#}
with landed as (
    select
        cast({{ param('symbol') }} as varchar) as board_code,
        cast("日期" as date) as trade_date,
        cast("开盘" as double) as open_level,
        cast("收盘" as double) as close_level,
        cast("最高" as double) as high_level,
        cast("最低" as double) as low_level,
        cast("涨跌幅" as double) as change_pct,
        cast("涨跌额" as double) as change_points,
        cast("成交量" as double) as volume_lots,
        cast("成交额" as double) / 1e8 as turnover_cny_100m,
        cast("振幅" as double) as amplitude_pct,
        cast("换手率" as double) as turnover_rate_pct,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_board_concept_hist_em') }}
),

visible as (
    {{ visible_versions('landed', 'stock_board_concept_hist_em', key=['trade_date'], period='trade_date', grain='day') }}
)

select
    board_code,
    trade_date,
    open_level,
    close_level,
    high_level,
    low_level,
    change_pct,
    change_points,
    volume_lots,
    turnover_cny_100m,
    amplitude_pct,
    turnover_rate_pct,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
