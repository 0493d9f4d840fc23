{#- 深交所融资融券汇总 (stock_margin_szse): one row per trading day (call parameter); already 亿元 -#}
with landed as (
    select
        {{ param_date('date') }} as trade_date,
        cast("融资买入额" as double) as financing_buy_cny_100m,
        cast("融资余额" as double) as financing_balance_cny_100m,
        cast("融券卖出量" as double) as shares_sold_short_100m,
        cast("融券余量" as double) as shares_lent_100m,
        cast("融券余额" as double) as lending_balance_cny_100m,
        cast("融资融券余额" as double) as margin_balance_cny_100m,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_margin_szse') }}
),

visible as (
    {{ visible_versions('landed', 'stock_margin_szse', key=['trade_date'], period='trade_date', grain='day') }}
)

select
    trade_date,
    financing_buy_cny_100m,
    financing_balance_cny_100m,
    shares_sold_short_100m,
    shares_lent_100m,
    lending_balance_cny_100m,
    margin_balance_cny_100m,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
