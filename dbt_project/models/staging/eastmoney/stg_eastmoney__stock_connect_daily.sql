{#- 沪深港通历史数据 (stock_hsgt_hist_em): one row per channel (北向资金, 沪股通, 深股通, 南向资金) and day -#}
with landed_with_index_columns as (
    select
        *,
        -- the index columns depend on the channel (沪深300, 上证指数, 深证指数 or 恒生指数); the
        -- placeholders make the pattern match at least one column when a load lacks them
        cast(null as double) as "_no_index",
        cast(null as double) as "_no_index-涨跌幅"
    from {{ source('landing', 'stock_hsgt_hist_em') }}
),

landed as (
    select
        {{ param('symbol') }} as channel_name,
        case {{ param('symbol') }}
            when '北向资金' then 'northbound'
            when '沪股通' then 'shanghai_connect'
            when '深股通' then 'shenzhen_connect'
            when '南向资金' then 'southbound'
        end as channel,
        case when {{ param('symbol') }} = '南向资金' then 'HKD' else 'CNY' end as currency,
        cast("日期" as date) as trade_date,
        cast("当日成交净买额" as double) as net_buy_100m,
        cast("买入成交额" as double) as buy_turnover_100m,
        cast("卖出成交额" as double) as sell_turnover_100m,
        cast("历史累计净买额" as double)
        * case when {{ param('symbol') }} in ('北向资金', '南向资金') then 1e4 else 1 end as cumulative_net_buy_100m,
        cast("当日资金流入" as double) as quota_inflow_100m,
        cast("当日余额" as double) as quota_balance_100m,
        cast("持股市值" as double) / 1e8 as holdings_value_100m,
        cast("领涨股" as varchar) as leading_stock_name,
        cast("领涨股-涨跌幅" as double) as leading_stock_change_pct,
        cast("领涨股-代码" as varchar) as leading_stock_code,
        cast(coalesce(*columns('^(沪深300|上证指数|深证指数|恒生指数|_no_index)$')) as double) as index_close,
        cast(coalesce(*columns('^(沪深300|上证指数|深证指数|恒生指数|_no_index)-涨跌幅$')) as double) as index_change_pct,
        _series,
        _load_id,
        _available_at,
        _demo
    from landed_with_index_columns
),

visible as (
    {{ visible_versions('landed', 'stock_hsgt_hist_em', key=['trade_date'], period='trade_date', grain='day') }}
)

select
    channel,
    channel_name,
    currency,
    trade_date,
    net_buy_100m,
    buy_turnover_100m,
    sell_turnover_100m,
    cumulative_net_buy_100m,
    quota_inflow_100m,
    quota_balance_100m,
    holdings_value_100m,
    leading_stock_name,
    leading_stock_change_pct,
    leading_stock_code,
    index_close,
    index_change_pct,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
