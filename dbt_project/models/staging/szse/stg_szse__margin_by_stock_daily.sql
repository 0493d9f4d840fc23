{#- 深交所融资融券明细 (stock_margin_detail_szse): one row per stock and trading day (call parameter); 元 -> 亿元 -#}
with landed as (
    select
        {{ param_date('date') }} as trade_date,
        {{ security_code('"证券代码"') }} as stock_code,
        cast("证券简称" as varchar) as stock_name,
        cast("融资买入额" as double) / 1e8 as financing_buy_cny_100m,
        cast("融资余额" as double) / 1e8 as financing_balance_cny_100m,
        cast("融券卖出量" as double) as shares_sold_short,
        cast("融券余量" as double) as shares_lent,
        cast("融券余额" as double) / 1e8 as lending_balance_cny_100m,
        cast("融资融券余额" as double) / 1e8 as margin_balance_cny_100m,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_margin_detail_szse') }}
),

visible as (
    {{ visible_versions('landed', 'stock_margin_detail_szse', key=['trade_date', 'stock_code'], period='trade_date', grain='day') }}
)

select
    trade_date,
    stock_code,
    stock_name,
    'SZSE' as exchange,
    financing_buy_cny_100m,
    financing_balance_cny_100m,
    shares_sold_short,
    shares_lent,
    lending_balance_cny_100m,
    margin_balance_cny_100m,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
