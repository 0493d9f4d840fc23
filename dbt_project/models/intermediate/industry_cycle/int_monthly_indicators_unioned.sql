{#-
    Every monthly series of the note in one long table, one row per indicator and month: customs
    totals, partners and products (出口), CAAM autos, CCMA machinery, SIA semiconductors, IC trade,
    Taiwan revenue and CPCA passenger cars (中观·景气). value_kind 'level' for amounts and counts,
    'share' for ratios in % (NEV penetration, Chinese-brand share), whose changes are in pp.
    Published figures (yoy, cumulative value and cumulative yoy) stay beside the value; the
    metrics are computed in int_monthly_metrics_computed.
-#}
with customs as (
    select
        month,
        exports_usd_100m,
        exports_yoy_pct_published,
        imports_usd_100m,
        imports_yoy_pct_published,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_eastmoney__customs_trade_monthly') }}
),

customs_totals as (
    select
        'customs_total' as category,
        'exports' as indicator,
        '出口' as indicator_name,
        cast(null as varchar) as segment,
        month,
        exports_usd_100m as value,
        '亿美元' as unit,
        'level' as value_kind,
        exports_yoy_pct_published as yoy_pct_published,
        cast(null as double) as ytd_value_published,
        cast(null as double) as ytd_yoy_pct_published,
        'macro_china_hgjck' as source_name,
        published_at,
        loaded_at,
        is_demo
    from customs
    union all
    select
        'customs_total' as category,
        'imports' as indicator,
        '进口' as indicator_name,
        cast(null as varchar) as segment,
        month,
        imports_usd_100m as value,
        '亿美元' as unit,
        'level' as value_kind,
        imports_yoy_pct_published as yoy_pct_published,
        cast(null as double) as ytd_value_published,
        cast(null as double) as ytd_yoy_pct_published,
        'macro_china_hgjck' as source_name,
        published_at,
        loaded_at,
        is_demo
    from customs
    union all
    select
        'customs_total' as category,
        'trade_balance' as indicator,
        '贸易差额' as indicator_name,
        cast(null as varchar) as segment,
        month,
        exports_usd_100m - imports_usd_100m as value,
        '亿美元' as unit,
        'level' as value_kind,
        cast(null as double) as yoy_pct_published,
        cast(null as double) as ytd_value_published,
        cast(null as double) as ytd_yoy_pct_published,
        'macro_china_hgjck' as source_name,
        published_at,
        loaded_at,
        is_demo
    from customs
),

customs_partners as (
    select
        'customs_partner' as category,
        partner as indicator,
        partner_name as indicator_name,
        cast(null as varchar) as segment,
        month,
        exports_usd_100m as value,
        '亿美元' as unit,
        'level' as value_kind,
        exports_yoy_pct_published as yoy_pct_published,
        cast(null as double) as ytd_value_published,
        cast(null as double) as ytd_yoy_pct_published,
        'customs_exports_by_partner' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_curated__customs_exports_by_partner') }}
    where partner is not null
),

customs_products as (
    select
        'customs_product' as category,
        product as indicator,
        product_name as indicator_name,
        cast(null as varchar) as segment,
        month,
        exports_usd_100m as value,
        '亿美元' as unit,
        'level' as value_kind,
        exports_yoy_pct_published as yoy_pct_published,
        cast(null as double) as ytd_value_published,
        cast(null as double) as ytd_yoy_pct_published,
        'customs_exports_by_product' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_curated__customs_exports_by_product') }}
    where product is not null
),

caam as (
    select
        month,
        category,
        category_name,
        production_10k_units,
        sales_10k_units,
        production_yoy_pct_published,
        sales_yoy_pct_published,
        production_ytd_10k_units_published,
        sales_ytd_10k_units_published,
        production_ytd_yoy_pct_published,
        sales_ytd_yoy_pct_published,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_curated__caam_autos_monthly') }}
    where category is not null
),

caam_levels as (
    select
        'autos' as category,
        'caam_' || category || '_production' as indicator,
        category_name || '产量' as indicator_name,
        cast(null as varchar) as segment,
        month,
        production_10k_units as value,
        '万辆' as unit,
        'level' as value_kind,
        production_yoy_pct_published as yoy_pct_published,
        production_ytd_10k_units_published as ytd_value_published,
        production_ytd_yoy_pct_published as ytd_yoy_pct_published,
        'caam_autos' as source_name,
        published_at,
        loaded_at,
        is_demo
    from caam
    where production_10k_units is not null or production_yoy_pct_published is not null
    union all
    select
        'autos' as category,
        'caam_' || category || '_sales' as indicator,
        category_name || '销量' as indicator_name,
        cast(null as varchar) as segment,
        month,
        sales_10k_units as value,
        '万辆' as unit,
        'level' as value_kind,
        sales_yoy_pct_published as yoy_pct_published,
        sales_ytd_10k_units_published as ytd_value_published,
        sales_ytd_yoy_pct_published as ytd_yoy_pct_published,
        'caam_autos' as source_name,
        published_at,
        loaded_at,
        is_demo
    from caam
),

caam_shares as (
    select
        'autos' as category,
        'caam_nev_penetration' as indicator,
        '新能源汽车渗透率' as indicator_name,
        cast(null as varchar) as segment,
        nev.month,
        nev.sales_10k_units / nullif(total.sales_10k_units, 0) * 100 as value,
        '%' as unit,
        'share' as value_kind,
        cast(null as double) as yoy_pct_published,
        cast(null as double) as ytd_value_published,
        cast(null as double) as ytd_yoy_pct_published,
        'caam_autos' as source_name,
        greatest(nev.published_at, total.published_at) as published_at,
        greatest(nev.loaded_at, total.loaded_at) as loaded_at,
        nev.is_demo or total.is_demo as is_demo
    from caam as nev
    inner join caam as total on nev.month = total.month and total.category = 'total'
    where nev.category = 'nev'
    union all
    select
        'autos' as category,
        'caam_chinese_brand_share' as indicator,
        '中国品牌乘用车市场份额' as indicator_name,
        cast(null as varchar) as segment,
        brand.month,
        brand.sales_10k_units / nullif(passenger.sales_10k_units, 0) * 100 as value,
        '%' as unit,
        'share' as value_kind,
        cast(null as double) as yoy_pct_published,
        cast(null as double) as ytd_value_published,
        cast(null as double) as ytd_yoy_pct_published,
        'caam_autos' as source_name,
        greatest(brand.published_at, passenger.published_at) as published_at,
        greatest(brand.loaded_at, passenger.loaded_at) as loaded_at,
        brand.is_demo or passenger.is_demo as is_demo
    from caam as brand
    inner join caam as passenger on brand.month = passenger.month and passenger.category = 'passenger'
    where brand.category = 'chinese_brand'
),

machinery as (
    select
        'machinery' as category,
        'ccma_' || machine_type || '_sales' as indicator,
        machine_type_name || '销量' as indicator_name,
        cast(null as varchar) as segment,
        month,
        sales_units as value,
        '台' as unit,
        'level' as value_kind,
        sales_yoy_pct_published as yoy_pct_published,
        sales_ytd_units_published as ytd_value_published,
        sales_ytd_yoy_pct_published as ytd_yoy_pct_published,
        'ccma_machinery' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_curated__ccma_machinery_monthly') }}
    where machine_type is not null
),

semiconductors as (
    select
        'semiconductors' as category,
        'sia_' || region as indicator,
        region_name || '半导体销售额' as indicator_name,
        cast(null as varchar) as segment,
        month,
        sales_usd_100m as value,
        '亿美元' as unit,
        'level' as value_kind,
        yoy_pct_published,
        cast(null as double) as ytd_value_published,
        cast(null as double) as ytd_yoy_pct_published,
        'sia_semiconductors' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_curated__sia_semiconductors_monthly') }}
    where region is not null
),

ic_trade as (
    select
        'ic_trade' as category,
        'ic_' || direction as indicator,
        '集成电路' || direction_name as indicator_name,
        cast(null as varchar) as segment,
        month,
        value_usd_100m as value,
        '亿美元' as unit,
        'level' as value_kind,
        yoy_pct_published,
        cast(null as double) as ytd_value_published,
        cast(null as double) as ytd_yoy_pct_published,
        'customs_ic_trade' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_curated__ic_trade_monthly') }}
    where direction is not null
),

taiwan as (
    select
        'taiwan_revenue' as category,
        'tw_' || lower(company_code) as indicator,
        company_name as indicator_name,
        segment_name as segment,
        month,
        revenue_twd_100m as value,
        '亿新台币' as unit,
        'level' as value_kind,
        revenue_yoy_pct_published as yoy_pct_published,
        cast(null as double) as ytd_value_published,
        cast(null as double) as ytd_yoy_pct_published,
        'taiwan_monthly_revenue' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_curated__taiwan_revenue_monthly') }}
),

cpca as (
    select
        'cpca' as category,
        series as indicator,
        market_scope_name || measure_name as indicator_name,
        cast(null as varchar) as segment,
        month,
        value_10k_units as value,
        '万辆' as unit,
        'level' as value_kind,
        cast(null as double) as yoy_pct_published,
        cast(null as double) as ytd_value_published,
        cast(null as double) as ytd_yoy_pct_published,
        'car_market_total_cpca' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_cpca__passenger_cars_monthly') }}
    union all
    select
        'cpca' as category,
        series as indicator,
        '新能源乘用车' || market_scope_name as indicator_name,
        cast(null as varchar) as segment,
        month,
        value_10k_units as value,
        '万辆' as unit,
        'level' as value_kind,
        cast(null as double) as yoy_pct_published,
        cast(null as double) as ytd_value_published,
        cast(null as double) as ytd_yoy_pct_published,
        'car_market_fuel_cpca' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_cpca__nev_passenger_cars_monthly') }}
),

{#- every branch above holds these columns in this order -#}
{%- set columns = [
    'category', 'indicator', 'indicator_name', 'segment', 'month', 'value', 'unit', 'value_kind',
    'yoy_pct_published', 'ytd_value_published', 'ytd_yoy_pct_published',
    'source_name', 'published_at', 'loaded_at', 'is_demo'
] %}
{%- set branches = [
    'customs_totals', 'customs_partners', 'customs_products', 'caam_levels', 'caam_shares',
    'machinery', 'semiconductors', 'ic_trade', 'taiwan', 'cpca'
] %}

unioned as (
    {% for branch in branches %}
        select {{ columns | join(', ') }} from {{ branch }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    category,
    indicator,
    indicator_name,
    segment,
    month,
    value,
    unit,
    value_kind,
    yoy_pct_published,
    ytd_value_published,
    ytd_yoy_pct_published,
    source_name,
    published_at,
    loaded_at,
    is_demo
from unioned
