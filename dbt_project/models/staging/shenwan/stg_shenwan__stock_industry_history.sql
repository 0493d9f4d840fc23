{#- 申万行业分类变动历史 (stock_industry_clf_hist_sw): one row per stock and classification start date -#}
with landed as (
    select
        {{ security_code('"symbol"') }} as stock_code,
        cast("start_date" as date) as start_date,
        lpad(cast("industry_code" as varchar), 6, '0') as industry_code_l3,
        cast("update_time" as date) as updated_on,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_industry_clf_hist_sw') }}
),

visible as (
    {{ visible_versions('landed', 'stock_industry_clf_hist_sw', key=['stock_code', 'start_date'], period='start_date', grain='day') }}
)

select
    stock_code,
    start_date,
    industry_code_l3,
    left(industry_code_l3, 2) || '0000' as industry_code_l1,
    updated_on,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
