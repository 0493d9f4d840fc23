{#- A股等权重与中位数市净率 (stock_a_all_pb): one row per trading day; legulegu quantiles 0-1 -> % -#}
with landed as (
    select
        cast("date" as date) as trade_date,
        cast("middlePB" as double) as median_pb,
        cast("equalWeightAveragePB" as double) as mean_pb,
        cast("close" as double) as sse_composite_close,
        cast("quantileInAllHistoryMiddlePB" as double) * 100 as median_pb_pctile_all_published,
        cast("quantileInRecent10YearsMiddlePB" as double) * 100 as median_pb_pctile_10y_published,
        cast("quantileInAllHistoryEqualWeightAveragePB" as double) * 100 as mean_pb_pctile_all_published,
        cast("quantileInRecent10YearsEqualWeightAveragePB" as double) * 100 as mean_pb_pctile_10y_published,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_a_all_pb') }}
),

visible as (
    {{ visible_versions('landed', 'stock_a_all_pb', key=['trade_date'], period='trade_date', grain='day') }}
)

select
    trade_date,
    median_pb,
    mean_pb,
    sse_composite_close,
    median_pb_pctile_all_published,
    median_pb_pctile_10y_published,
    mean_pb_pctile_all_published,
    mean_pb_pctile_10y_published,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
