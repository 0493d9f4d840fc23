{#-
    观策·论市 backdrop by week: one row per week and indicator, the latest observation published by
    the week's report moment (its last trading day, 20:00 Shanghai): what a strategist saw when the
    week's note was written. A New York day's gold close, yields and the dollar index count from
    the next morning (registry publication), US CPI from its release day at 21:30, so a Friday
    report shows Thursday's US close and the CPI released by then.
      gold_usd      COMEX gold (futures_foreign_hist GC close), 美元/盎司
      gold_cny      SGE Au99.99 (spot_hist_sge close), 元/克
      us_2y_yield   US 2-year Treasury yield (bond_zh_us_rate), %
      us_10y_yield  US 10-year Treasury yield (bond_zh_us_rate), %
      us_cpi_yoy    US CPI yoy of the latest released month (macro_usa_cpi_yoy), %
      dollar_index  US dollar index UDI (index_global_hist_em close)
-#}
with weeks as (
    select
        week_id,
        week_start,
        week_end,
        last_trading_day,
        report_moment
    from {{ ref('int_trading_weeks_summarized') }}
    where is_started
),

gold_usd as (
    select
        'gold_usd' as indicator,
        trade_date as obs_date,
        close_price as value,
        cast(null as date) as reference_month,
        'futures_foreign_hist' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_sina__foreign_futures_daily') }}
    where futures_symbol = 'GC' and close_price is not null
),

gold_cny as (
    select
        'gold_cny' as indicator,
        trade_date as obs_date,
        close_cny_per_g as value,
        cast(null as date) as reference_month,
        'spot_hist_sge' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_sge__gold_prices_daily') }}
    where contract = 'Au99.99' and close_cny_per_g is not null
),

us_2y_yield as (
    select
        'us_2y_yield' as indicator,
        trade_date as obs_date,
        us_2y_yield_pct as value,
        cast(null as date) as reference_month,
        'bond_zh_us_rate' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_eastmoney__treasury_yields_daily') }}
    where us_2y_yield_pct is not null
),

us_10y_yield as (
    select
        'us_10y_yield' as indicator,
        trade_date as obs_date,
        us_10y_yield_pct as value,
        cast(null as date) as reference_month,
        'bond_zh_us_rate' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_eastmoney__treasury_yields_daily') }}
    where us_10y_yield_pct is not null
),

us_cpi_yoy as (
    select
        'us_cpi_yoy' as indicator,
        release_date as obs_date,
        cpi_yoy_pct as value,
        reference_month,
        'macro_usa_cpi_yoy' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_eastmoney__us_cpi_releases') }}
),

dollar_index as (
    select
        'dollar_index' as indicator,
        trade_date as obs_date,
        close_level as value,
        cast(null as date) as reference_month,
        'index_global_hist_em' as source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_eastmoney__global_indices_daily') }}
    where index_code = 'UDI' and close_level is not null
),

observations as (
    select indicator, obs_date, value, reference_month, source_name, published_at, loaded_at, is_demo from gold_usd
    union all
    select indicator, obs_date, value, reference_month, source_name, published_at, loaded_at, is_demo from gold_cny
    union all
    select indicator, obs_date, value, reference_month, source_name, published_at, loaded_at, is_demo from us_2y_yield
    union all
    select indicator, obs_date, value, reference_month, source_name, published_at, loaded_at, is_demo from us_10y_yield
    union all
    select indicator, obs_date, value, reference_month, source_name, published_at, loaded_at, is_demo from us_cpi_yoy
    union all
    select indicator, obs_date, value, reference_month, source_name, published_at, loaded_at, is_demo from dollar_index
),

indicators as (
    select distinct indicator from observations
),

week_indicators as (
    select
        weeks.week_id,
        weeks.week_start,
        weeks.week_end,
        weeks.last_trading_day,
        weeks.report_moment,
        indicators.indicator
    from weeks
    cross join indicators
)

select
    week_indicators.week_id,
    week_indicators.week_start,
    week_indicators.week_end,
    week_indicators.last_trading_day,
    week_indicators.report_moment,
    week_indicators.indicator,
    observations.obs_date,
    observations.reference_month,
    observations.value,
    observations.source_name,
    observations.published_at,
    observations.loaded_at,
    observations.is_demo
from week_indicators
asof inner join observations
    on week_indicators.indicator = observations.indicator
        and week_indicators.report_moment >= observations.published_at
