{#- 工程机械行业协会挖掘机/装载机销量 (ccma_machinery, curated): one row per month and machine type; 台 -#}
with landed as (
    select
        {{ yyyy_mm('"月份"') }} as month,
        trim(cast("机型" as varchar)) as machine_type_name,
        cast("销量" as double) as sales_units,
        cast("销量同比" as double) as sales_yoy_pct_published,
        cast("累计销量" as double) as sales_ytd_units_published,
        cast("累计销量同比" as double) as sales_ytd_yoy_pct_published,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'ccma_machinery') }}
),

visible as (
    {{ visible_versions('landed', 'ccma_machinery', key=['month', 'machine_type_name'], period='month', grain='month') }}
)

select
    month,
    case machine_type_name when '挖掘机' then 'excavator' when '装载机' then 'loader' end as machine_type,
    machine_type_name,
    sales_units,
    sales_yoy_pct_published,
    sales_ytd_units_published,
    sales_ytd_yoy_pct_published,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
