{{ config(materialized='table') }}
{#-
    Daily valuation series with their historical percentiles (share of all earlier observations
    <= the day's value, and the same over the 10 years before the day, in %): one row per scope,
    scope code and day. all_a = CSI All Share (000985) 滚动市盈率, the cap-weighted all-A PE;
    all_a_median = legulegu median PE (TTM) and median PB; sw_l1 = Shenwan level-1 PE and PB.
    A table: the percentile windows are the heaviest computation of the build.
-#}
with all_a as (
    select
        'all_a' as scope,
        index_code as scope_code,
        '全部A股' as scope_name,
        trade_date as value_date,
        pe_ttm,
        cast(null as double) as pb,
        'stock_zh_index_hist_csindex' as source_name,
        loaded_at,
        is_demo
    from {{ ref('stg_csindex__index_valuation_daily') }}
    where index_code = '000985'
),

median_pe as (
    select
        trade_date,
        median_pe_ttm,
        loaded_at,
        is_demo
    from {{ ref('stg_legulegu__all_a_pe_daily') }}
),

median_pb as (
    select
        trade_date,
        median_pb,
        loaded_at,
        is_demo
    from {{ ref('stg_legulegu__all_a_pb_daily') }}
),

all_a_median as (
    select
        'all_a_median' as scope,
        'all_a_median' as scope_code,
        '全部A股(中位数)' as scope_name,
        coalesce(median_pe.trade_date, median_pb.trade_date) as value_date,
        median_pe.median_pe_ttm as pe_ttm,
        median_pb.median_pb as pb,
        'stock_a_ttm_lyr,stock_a_all_pb' as source_name,
        greatest(median_pe.loaded_at, median_pb.loaded_at) as loaded_at,
        coalesce(median_pe.is_demo, false) or coalesce(median_pb.is_demo, false) as is_demo
    from median_pe
    full outer join median_pb on median_pe.trade_date = median_pb.trade_date
),

sw_l1 as (
    select
        'sw_l1' as scope,
        industry_index_code as scope_code,
        industry_name as scope_name,
        trade_date as value_date,
        pe as pe_ttm,
        pb,
        'index_analysis_daily_sw' as source_name,
        loaded_at,
        is_demo
    from {{ ref('stg_shenwan__industry_indices_daily') }}
),

unioned as (
    select scope, scope_code, scope_name, value_date, pe_ttm, pb, source_name, loaded_at, is_demo from all_a
    union all
    select scope, scope_code, scope_name, value_date, pe_ttm, pb, source_name, loaded_at, is_demo from all_a_median
    union all
    select scope, scope_code, scope_name, value_date, pe_ttm, pb, source_name, loaded_at, is_demo from sw_l1
)

select
    scope,
    scope_code,
    scope_name,
    value_date,
    pe_ttm,
    pb,
    {{ pctile('pe_ttm', 'scope, scope_code') }} as pe_ttm_pctile_all,
    {{ pctile_10y('pe_ttm', 'scope, scope_code') }} as pe_ttm_pctile_10y,
    {{ pctile('pb', 'scope, scope_code') }} as pb_pctile_all,
    {{ pctile_10y('pb', 'scope, scope_code') }} as pb_pctile_10y,
    source_name,
    loaded_at,
    is_demo
from unioned
