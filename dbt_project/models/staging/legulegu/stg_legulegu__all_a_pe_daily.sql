{#- A股等权重与中位数市盈率 (stock_a_ttm_lyr): one row per trading day; legulegu quantiles 0-1 -> % -#}
with landed as (
    select
        cast("date" as date) as trade_date,
        cast("middlePETTM" as double) as median_pe_ttm,
        cast("averagePETTM" as double) as mean_pe_ttm,
        cast("middlePELYR" as double) as median_pe_lyr,
        cast("averagePELYR" as double) as mean_pe_lyr,
        cast("quantileInAllHistoryMiddlePeTtm" as double) * 100 as median_pe_ttm_pctile_all_published,
        cast("quantileInRecent10YearsMiddlePeTtm" as double) * 100 as median_pe_ttm_pctile_10y_published,
        cast("quantileInAllHistoryAveragePeTtm" as double) * 100 as mean_pe_ttm_pctile_all_published,
        cast("quantileInRecent10YearsAveragePeTtm" as double) * 100 as mean_pe_ttm_pctile_10y_published,
        cast("quantileInAllHistoryMiddlePeLyr" as double) * 100 as median_pe_lyr_pctile_all_published,
        cast("quantileInRecent10YearsMiddlePeLyr" as double) * 100 as median_pe_lyr_pctile_10y_published,
        cast("quantileInAllHistoryAveragePeLyr" as double) * 100 as mean_pe_lyr_pctile_all_published,
        cast("quantileInRecent10YearsAveragePeLyr" as double) * 100 as mean_pe_lyr_pctile_10y_published,
        cast("close" as double) as csi300_close,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_a_ttm_lyr') }}
),

visible as (
    {{ visible_versions('landed', 'stock_a_ttm_lyr', key=['trade_date'], period='trade_date', grain='day') }}
)

select
    trade_date,
    median_pe_ttm,
    mean_pe_ttm,
    median_pe_lyr,
    mean_pe_lyr,
    median_pe_ttm_pctile_all_published,
    median_pe_ttm_pctile_10y_published,
    mean_pe_ttm_pctile_all_published,
    mean_pe_ttm_pctile_10y_published,
    median_pe_lyr_pctile_all_published,
    median_pe_lyr_pctile_10y_published,
    mean_pe_lyr_pctile_all_published,
    mean_pe_lyr_pctile_10y_published,
    csi300_close,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
