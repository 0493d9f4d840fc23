{#- 上交所每日股票情况 (stock_sse_deal_daily): one row per trading day (call parameter) and measure -#}
with landed as (
    select
        {{ param_date('date') }} as trade_date,
        cast("单日情况" as varchar) as measure_name,
        cast("股票" as double) as all_stocks,
        cast("主板A" as double) as main_board_a,
        cast("主板B" as double) as main_board_b,
        cast("科创板" as double) as star_market,
        cast("股票回购" as double) as share_repurchase,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_sse_deal_daily') }}
),

visible as (
    {{ visible_versions('landed', 'stock_sse_deal_daily', key=['trade_date', 'measure_name'], period='trade_date', grain='day') }}
)

select
    trade_date,
    case measure_name
        when '挂牌数' then 'listed_count'
        when '市价总值' then 'market_value'
        when '流通市值' then 'float_market_value'
        when '成交金额' then 'turnover'
        when '成交量' then 'volume'
        when '平均市盈率' then 'average_pe'
        when '换手率' then 'turnover_rate'
        when '流通换手率' then 'float_turnover_rate'
    end as measure,
    measure_name,
    all_stocks,
    main_board_a,
    main_board_b,
    star_market,
    share_repurchase,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
