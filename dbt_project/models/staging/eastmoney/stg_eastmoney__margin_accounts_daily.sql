{#- 两融账户信息 (stock_margin_account_info): two-market margin statistics, one row per trading day -#}
with landed as (
    select
        cast("日期" as date) as trade_date,
        cast("融资余额" as double) as financing_balance_cny_100m,
        cast("融券余额" as double) as lending_balance_cny_100m,
        cast("融资买入额" as double) as financing_buy_cny_100m,
        cast("融券卖出额" as double) as short_sell_cny_100m,
        cast("证券公司数量" as double) as broker_count,
        cast("营业部数量" as double) as branch_count,
        cast("个人投资者数量" as double) as individual_investors_10k,
        cast("机构投资者数量" as double) as institutional_investors,
        cast("参与交易的投资者数量" as double) as trading_investors,
        cast("有融资融券负债的投资者数量" as double) as investors_with_debt,
        cast("担保物总价值" as double) as collateral_value_cny_100m,
        cast("平均维持担保比例" as double) as maintenance_ratio_pct,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_margin_account_info') }}
),

visible as (
    {{ visible_versions('landed', 'stock_margin_account_info', key=['trade_date'], period='trade_date', grain='day') }}
)

select
    trade_date,
    financing_balance_cny_100m,
    lending_balance_cny_100m,
    financing_buy_cny_100m,
    short_sell_cny_100m,
    broker_count,
    branch_count,
    individual_investors_10k,
    institutional_investors,
    trading_investors,
    investors_with_debt,
    collateral_value_cny_100m,
    maintenance_ratio_pct,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
