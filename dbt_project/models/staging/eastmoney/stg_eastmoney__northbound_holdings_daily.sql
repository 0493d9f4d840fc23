{#- 北向资金个股持股排行 (stock_hsgt_hold_stock_em, 今日排行): one row per stock and holding date -#}
with landed as (
    select
        cast("日期" as date) as hold_date,
        {{ security_code('"代码"') }} as stock_code,
        cast("名称" as varchar) as stock_name,
        cast("今日收盘价" as double) as close_price,
        cast("今日涨跌幅" as double) as change_pct,
        cast("今日持股-股数" as double) as shares_held_10k,
        cast("今日持股-市值" as double) / 1e4 as value_held_cny_100m,
        cast("今日持股-占流通股比" as double) as float_share_pct,
        cast("今日持股-占总股本比" as double) as total_share_pct,
        cast("今日增持估计-股数" as double) as shares_added_10k,
        cast("今日增持估计-市值" as double) / 1e4 as net_buy_est_cny_100m,
        cast("今日增持估计-市值增幅" as double) as value_held_change_pct,
        cast("今日增持估计-占流通股比" as double) as shares_added_float_permille,
        cast("今日增持估计-占总股本比" as double) as shares_added_total_permille,
        cast("所属板块" as varchar) as eastmoney_board,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_hsgt_hold_stock_em') }}
),

visible as (
    {{ visible_versions('landed', 'stock_hsgt_hold_stock_em', key=['hold_date', 'stock_code'], period='hold_date', grain='day') }}
)

select
    hold_date,
    stock_code,
    stock_name,
    close_price,
    change_pct,
    shares_held_10k,
    value_held_cny_100m,
    float_share_pct,
    total_share_pct,
    shares_added_10k,
    net_buy_est_cny_100m,
    value_held_change_pct,
    shares_added_float_permille,
    shares_added_total_permille,
    eastmoney_board,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
