{#-
    资金·众寡 summary: one row per week and flow (docs/metrics.md § 4), with the number of the week's
    trading days the figure covers, last week's value and the change.
-#}
with weekly_flows as (
    select
        week_id,
        week_start,
        week_end,
        trading_days,
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
        prev_week_id
    from {{ ref('int_trading_weeks_summarized') }}
),

flow_labels as (
    select
        flow,
        flow_name,
        unit
    from {{ ref('fund_flows') }}
)

select
    weekly_flows.week_id,
    weekly_flows.week_start,
    weekly_flows.week_end,
    weekly_flows.flow,
    flow_labels.flow_name,
    weekly_flows.value,
    flow_labels.unit,
    weekly_flows.trading_days,
    weekly_flows.days_covered,
    prev_flows.value as prev_value,
    weekly_flows.value - prev_flows.value as change,
    weekly_flows.source_name,
    weekly_flows.loaded_at,
    weekly_flows.is_demo
from weekly_flows
inner join weeks on weekly_flows.week_id = weeks.week_id
left join weekly_flows as prev_flows
    on weeks.prev_week_id = prev_flows.week_id
        and weekly_flows.flow = prev_flows.flow
left join flow_labels on weekly_flows.flow = flow_labels.flow
