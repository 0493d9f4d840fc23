{#-
    资金·众寡 summary: one row per week and flow (docs/metrics.md § 4), with the number of the week's
    trading days the figure covers, last week's value and the change. Every flow has a row in every
    week with trading days, from the first week any flow has data up to the cut-off's week: a week
    in which a flow has no data visible says so with days_covered = 0 and a null value (its
    source_name names the source(s) that have nothing), so "no data" differs from "no such week".
-#}
with weekly_flows as (
    select
        week_id,
        flow,
        value,
        days_covered,
        source_name,
        loaded_at,
        is_demo
    from {{ ref('int_fund_flows_weekly_aggregated') }}
),

weeks as (
    select
        week_id,
        week_start,
        week_end,
        trading_days,
        prev_week_id,
        is_started,
        loaded_at,
        is_demo
    from {{ ref('int_trading_weeks_summarized') }}
),

flow_labels as (
    select
        flow,
        flow_name,
        unit,
        sources
    from {{ ref('fund_flows') }}
),

first_week_with_data as (
    select min(weeks.week_start) as week_start
    from weekly_flows
    inner join weeks on weekly_flows.week_id = weeks.week_id
),

reported_weeks as (
    select
        weeks.week_id,
        weeks.week_start,
        weeks.week_end,
        weeks.trading_days,
        weeks.prev_week_id,
        weeks.loaded_at,
        weeks.is_demo
    from weeks
    inner join first_week_with_data on weeks.week_start >= first_week_with_data.week_start
    where weeks.is_started
),

week_flows as (
    select
        reported_weeks.week_id,
        reported_weeks.week_start,
        reported_weeks.week_end,
        reported_weeks.trading_days,
        reported_weeks.prev_week_id,
        reported_weeks.loaded_at as calendar_loaded_at,
        reported_weeks.is_demo as calendar_is_demo,
        flow_labels.flow,
        flow_labels.flow_name,
        flow_labels.unit,
        flow_labels.sources
    from reported_weeks
    cross join flow_labels
)

select
    week_flows.week_id,
    week_flows.week_start,
    week_flows.week_end,
    week_flows.flow,
    week_flows.flow_name,
    weekly_flows.value,
    week_flows.unit,
    week_flows.trading_days,
    coalesce(weekly_flows.days_covered, 0) as days_covered,
    prev_flows.value as prev_value,
    weekly_flows.value - prev_flows.value as change,
    coalesce(weekly_flows.source_name, week_flows.sources) as source_name,
    coalesce(weekly_flows.loaded_at, week_flows.calendar_loaded_at) as loaded_at,
    coalesce(weekly_flows.is_demo, week_flows.calendar_is_demo) as is_demo
from week_flows
left join weekly_flows
    on week_flows.week_id = weekly_flows.week_id
        and week_flows.flow = weekly_flows.flow
left join weekly_flows as prev_flows
    on week_flows.prev_week_id = prev_flows.week_id
        and week_flows.flow = prev_flows.flow
