{#- 中证指数行情 (stock_zh_index_hist_csindex, 中证全指 000985): one row per index and trading day, with 滚动市盈率 -#}
with landed as (
    select
        {{ security_code('"指数代码"') }} as index_code,
        cast("日期" as date) as trade_date,
        cast("指数中文全称" as varchar) as index_name_full,
        cast("指数中文简称" as varchar) as index_name,
        cast("指数英文全称" as varchar) as index_name_en_full,
        cast("指数英文简称" as varchar) as index_name_en,
        cast("开盘" as double) as open_price,
        cast("最高" as double) as high_price,
        cast("最低" as double) as low_price,
        cast("收盘" as double) as close_price,
        cast("涨跌" as double) as change_points,
        cast("涨跌幅" as double) as change_pct,
        cast("成交量" as double) as volume_10k_lots,
        cast("成交金额" as double) as turnover_cny_100m,
        cast("样本数量" as bigint) as constituents,
        cast("滚动市盈率" as double) as pe_ttm,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_zh_index_hist_csindex') }}
),

visible as (
    {{ visible_versions('landed', 'stock_zh_index_hist_csindex', key=['index_code', 'trade_date'], period='trade_date', grain='day') }}
)

select
    index_code,
    trade_date,
    index_name,
    index_name_full,
    index_name_en,
    index_name_en_full,
    open_price,
    high_price,
    low_price,
    close_price,
    change_points,
    change_pct,
    volume_10k_lots,
    turnover_cny_100m,
    constituents,
    pe_ttm,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
