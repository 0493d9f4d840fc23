{#- 中美国债收益率 (bond_zh_us_rate): one row per day; yields and spreads in percent -#}
with landed as (
    select
        cast("日期" as date) as trade_date,
        cast("中国国债收益率2年" as double) as cn_2y_yield_pct,
        cast("中国国债收益率5年" as double) as cn_5y_yield_pct,
        cast("中国国债收益率10年" as double) as cn_10y_yield_pct,
        cast("中国国债收益率30年" as double) as cn_30y_yield_pct,
        cast("中国国债收益率10年-2年" as double) as cn_10y_2y_spread_pp,
        cast("中国GDP年增率" as double) as cn_gdp_growth_pct,
        cast("美国国债收益率2年" as double) as us_2y_yield_pct,
        cast("美国国债收益率5年" as double) as us_5y_yield_pct,
        cast("美国国债收益率10年" as double) as us_10y_yield_pct,
        cast("美国国债收益率30年" as double) as us_30y_yield_pct,
        cast("美国国债收益率10年-2年" as double) as us_10y_2y_spread_pp,
        cast("美国GDP年增率" as double) as us_gdp_growth_pct,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'bond_zh_us_rate') }}
),

visible as (
    {{ visible_versions('landed', 'bond_zh_us_rate', key=['trade_date'], period='trade_date', grain='day') }}
)

select
    trade_date,
    cn_2y_yield_pct,
    cn_5y_yield_pct,
    cn_10y_yield_pct,
    cn_30y_yield_pct,
    cn_10y_2y_spread_pp,
    cn_gdp_growth_pct,
    us_2y_yield_pct,
    us_5y_yield_pct,
    us_10y_yield_pct,
    us_30y_yield_pct,
    us_10y_2y_spread_pp,
    us_gdp_growth_pct,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
