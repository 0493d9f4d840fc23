with landed as (
    select
        {{ cn_month('"月份"') }} as month,
        "当月出口额-金额" / 1e5 as exports_usd_100m,
        "当月出口额-同比增长" as exports_yoy_pct_published,
        "当月出口额-环比增长" as exports_mom_pct_published,
        "当月进口额-金额" / 1e5 as imports_usd_100m,
        "当月进口额-同比增长" as imports_yoy_pct_published,
        "当月进口额-环比增长" as imports_mom_pct_published,
        "累计出口额-金额" / 1e5 as exports_ytd_usd_100m,
        "累计出口额-同比增长" as exports_ytd_yoy_pct_published,
        "累计进口额-金额" / 1e5 as imports_ytd_usd_100m,
        "累计进口额-同比增长" as imports_ytd_yoy_pct_published,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'macro_china_hgjck') }}
),

visible as (
    {{ visible_versions('landed', 'macro_china_hgjck', key=['month'], period='month', grain='month') }}
)

select
    month,
    exports_usd_100m,
    exports_yoy_pct_published,
    exports_mom_pct_published,
    imports_usd_100m,
    imports_yoy_pct_published,
    imports_mom_pct_published,
    exports_ytd_usd_100m,
    exports_ytd_yoy_pct_published,
    imports_ytd_usd_100m,
    imports_ytd_yoy_pct_published,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
