{#-
    A-share turnover per trading day (亿元): SSE 股票 成交金额 (already 亿元) + SZSE 股票 成交金额
    (元 / 1e8). A day counts for the market total only when both exchanges have it.
-#}
with sse as (
    select
        trade_date,
        all_stocks as sse_turnover_cny_100m,
        loaded_at,
        is_demo
    from {{ ref('stg_sse__market_overview_daily') }}
    where measure = 'turnover'
),

szse as (
    select
        trade_date,
        turnover_cny_100m as szse_turnover_cny_100m,
        loaded_at,
        is_demo
    from {{ ref('stg_szse__market_summary_daily') }}
    where security_class = '股票'
)

select
    coalesce(sse.trade_date, szse.trade_date) as trade_date,
    sse.sse_turnover_cny_100m,
    szse.szse_turnover_cny_100m,
    sse.sse_turnover_cny_100m + szse.szse_turnover_cny_100m as turnover_cny_100m,
    sse.sse_turnover_cny_100m is not null and szse.szse_turnover_cny_100m is not null as has_both_exchanges,
    greatest(sse.loaded_at, szse.loaded_at) as loaded_at,
    coalesce(sse.is_demo, false) or coalesce(szse.is_demo, false) as is_demo
from sse
full outer join szse on sse.trade_date = szse.trade_date
