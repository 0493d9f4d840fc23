{#-
    数据·估值: one row per week and scope. PE (TTM) and PB on the week's last trading day (the
    last day with a value in the week), the change against the previous week's last trading
    day, and the historical percentiles of that day (int_valuations_ranked_daily).
-#}
with weeks as (
    select
        week_id,
        week_start,
        week_end,
        last_trading_day,
        prev_week_last_trading_day
    from {{ ref('int_trading_weeks_summarized') }}
    where is_started
),

valuations as (
    select
        scope,
        scope_code,
        scope_name,
        value_date,
        pe_ttm,
        pb,
        pe_ttm_pctile_all,
        pe_ttm_pctile_10y,
        pb_pctile_all,
        pb_pctile_10y,
        source_name,
        loaded_at,
        is_demo
    from {{ ref('int_valuations_ranked_daily') }}
    where pe_ttm is not null or pb is not null
),

week_values as (
    select
        weeks.week_id,
        weeks.week_end,
        weeks.prev_week_last_trading_day,
        valuations.*
    from valuations
    inner join weeks on valuations.value_date between weeks.week_start and weeks.last_trading_day
    qualify row_number() over (
            partition by weeks.week_id, valuations.scope, valuations.scope_code order by valuations.value_date desc
        ) = 1
),

with_prev as (
    select
        week_values.*,
        case
            when prev_values.value_date > week_values.prev_week_last_trading_day - 7 then prev_values.pe_ttm
        end as pe_ttm_prev,
        case
            when prev_values.value_date > week_values.prev_week_last_trading_day - 7 then prev_values.pb
        end as pb_prev
    from week_values
    asof left join valuations as prev_values
        on week_values.scope = prev_values.scope
            and week_values.scope_code = prev_values.scope_code
            and week_values.prev_week_last_trading_day >= prev_values.value_date
)

select
    week_id,
    week_end,
    value_date,
    scope,
    scope_code,
    scope_name,
    pe_ttm,
    pe_ttm_prev,
    pe_ttm - pe_ttm_prev as pe_ttm_change,
    pe_ttm_pctile_all,
    pe_ttm_pctile_10y,
    pb,
    pb_prev,
    pb - pb_prev as pb_change,
    pb_pctile_all,
    pb_pctile_10y,
    source_name,
    loaded_at,
    is_demo
from with_prev
