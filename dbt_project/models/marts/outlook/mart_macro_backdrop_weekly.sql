{#-
    观策·论市 backdrop: one row per ISO week and indicator, as seen at the week's report moment
    (int_macro_indicators_weekly): gold in USD and CNY, US 2- and 10-year yields, US CPI yoy as
    released by then, the real-rate proxy (10-year yield - that CPI yoy) and the dollar index.
    Level, change against the previous week (prices: in their unit and in %; rates: in pp) and the
    52-week percentile (share of the 52 earlier weeks whose level is <= this week's, in %).
-#}
with weekly as (
    select
        week_id,
        week_start,
        week_end,
        last_trading_day,
        indicator,
        obs_date,
        reference_month,
        value,
        source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('int_macro_indicators_weekly') }}
),

real_rate_proxy as (
    select
        yields.week_id,
        yields.week_start,
        yields.week_end,
        yields.last_trading_day,
        'real_rate_proxy' as indicator,
        yields.obs_date,
        cpi.reference_month,
        yields.value - cpi.value as value,
        'bond_zh_us_rate,macro_usa_cpi_yoy' as source_name,
        greatest(yields.published_at, cpi.published_at) as published_at,
        greatest(yields.loaded_at, cpi.loaded_at) as loaded_at,
        yields.is_demo or cpi.is_demo as is_demo
    from weekly as yields
    inner join weekly as cpi
        on yields.week_id = cpi.week_id
            and yields.indicator = 'us_10y_yield'
            and cpi.indicator = 'us_cpi_yoy'
),

unioned as (
    select
        week_id, week_start, week_end, last_trading_day, indicator, obs_date, reference_month, value,
        source_name, published_at, loaded_at, is_demo
    from weekly
    union all
    select
        week_id, week_start, week_end, last_trading_day, indicator, obs_date, reference_month, value,
        source_name, published_at, loaded_at, is_demo
    from real_rate_proxy
),

labels as (
    select
        indicator_labels.indicator,
        indicator_labels.indicator_name,
        indicator_labels.unit,
        indicator_labels.value_kind,
        indicator_labels.display_order
    from (
        values
        ('gold_usd', 'COMEX黄金', '美元/盎司', 'price', 1),
        ('gold_cny', '上海金Au99.99', '元/克', 'price', 2),
        ('us_10y_yield', '美国10年期国债收益率', '%', 'rate', 3),
        ('us_2y_yield', '美国2年期国债收益率', '%', 'rate', 4),
        ('us_cpi_yoy', '美国CPI同比', '%', 'rate', 5),
        ('real_rate_proxy', '美国实际利率代理(10年期收益率−CPI同比)', '%', 'rate', 6),
        ('dollar_index', '美元指数', '点', 'price', 7)
    ) as indicator_labels (indicator, indicator_name, unit, value_kind, display_order)
),

with_previous as (
    select
        unioned.*,
        lag(unioned.value) over indicator_weeks as prev_value,
        lag(unioned.obs_date) over indicator_weeks as prev_obs_date,
        {{ pctile_52w('unioned.value', 'unioned.indicator', 'unioned.week_end') }} as pctile_52w
    from unioned
    window indicator_weeks as (partition by unioned.indicator order by unioned.week_end)
)

select
    with_previous.week_id,
    with_previous.week_start,
    with_previous.week_end,
    with_previous.last_trading_day,
    with_previous.indicator,
    labels.indicator_name,
    labels.unit,
    labels.value_kind,
    labels.display_order,
    with_previous.obs_date,
    with_previous.reference_month,
    with_previous.value,
    with_previous.prev_value,
    with_previous.prev_obs_date,
    case when labels.value_kind = 'price' then with_previous.value - with_previous.prev_value end as change,
    case when labels.value_kind = 'price' then {{ pct_change('with_previous.value', 'with_previous.prev_value') }} end as change_pct,
    case when labels.value_kind = 'rate' then with_previous.value - with_previous.prev_value end as change_pp,
    with_previous.pctile_52w,
    with_previous.source_name,
    with_previous.published_at,
    with_previous.loaded_at,
    with_previous.is_demo
from with_previous
inner join labels on with_previous.indicator = labels.indicator
