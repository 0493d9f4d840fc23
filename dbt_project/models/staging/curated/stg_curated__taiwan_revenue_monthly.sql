{#- 台股电子公司月营收 (taiwan_monthly_revenue, curated MOPS): one row per month and company; 新台币千元 -> 亿新台币 -#}
with landed as (
    select
        {{ yyyy_mm('"月份"') }} as month,
        trim(cast("公司代码" as varchar)) as company_code,
        trim(cast("公司名称" as varchar)) as company_name,
        trim(cast("板块" as varchar)) as segment_name,
        cast("营业收入" as double) / 1e5 as revenue_twd_100m,
        cast("营收同比" as double) as revenue_yoy_pct_published,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'taiwan_monthly_revenue') }}
),

visible as (
    {{ visible_versions('landed', 'taiwan_monthly_revenue', key=['month', 'company_code'], period='month', grain='month') }}
)

select
    month,
    company_code,
    company_name,
    segment_name,
    revenue_twd_100m,
    revenue_yoy_pct_published,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
