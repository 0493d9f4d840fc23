{#- 上交所融资融券明细 (stock_margin_detail_sse): one row per stock and trading day; amounts 元 -> 亿元 -#}
with landed as (
    select
        {{ yyyymmdd('"信用交易日期"') }} as trade_date,
        {{ security_code('"标的证券代码"') }} as stock_code,
        cast("标的证券简称" as varchar) as stock_name,
        cast("融资余额" as double) / 1e8 as financing_balance_cny_100m,
        cast("融资买入额" as double) / 1e8 as financing_buy_cny_100m,
        cast("融资偿还额" as double) / 1e8 as financing_repayment_cny_100m,
        cast("融券余量" as double) as shares_lent,
        cast("融券卖出量" as double) as shares_sold_short,
        cast("融券偿还量" as double) as shares_returned,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_margin_detail_sse') }}
),

visible as (
    {{ visible_versions('landed', 'stock_margin_detail_sse', key=['trade_date', 'stock_code'], period='trade_date', grain='day') }}
)

select
    trade_date,
    stock_code,
    stock_name,
    'SSE' as exchange,
    financing_balance_cny_100m,
    financing_buy_cny_100m,
    financing_repayment_cny_100m,
    shares_lent,
    shares_sold_short,
    shares_returned,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
