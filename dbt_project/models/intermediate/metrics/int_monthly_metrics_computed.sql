{{ config(materialized='table') }}
{#-
    The metric macros applied to every monthly series (int_monthly_indicators_unioned): one row
    per indicator and month. Level series get mom, yoy (published where the publisher gives one,
    the computed one beside it), yoy_3m, ytd and ytd yoy (likewise published where given, the
    computed one beside it); share series (ratios in %) get their change against a year earlier
    in pp. yoy_change_pp of a level series is this month's yoy minus the previous month's. Every
    published yoy more than 0.5 pp away from the computed one is flagged (report_spec): the
    monthly one in yoy_disagrees, the cumulative one in ytd_yoy_disagrees.
-#}
with indicators as (
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
    from {{ ref('int_monthly_indicators_unioned') }}
),

level_metrics as (
    select
        indicators.*,
        case when value_kind = 'level' then {{ mom_pct('value', 'category, indicator') }} end as mom_pct,
        case when value_kind = 'level' then {{ yoy_pct('value', 'category, indicator') }} end as yoy_pct_computed,
        case when value_kind = 'level' then {{ yoy_3m_pct('value', 'category, indicator') }} end as yoy_3m_pct,
        case when value_kind = 'level' then {{ ytd_value('value', 'category, indicator') }} end as ytd_value_computed,
        {{ months_ago('value', 12, 'category, indicator') }} as value_year_ago
    from indicators
),

yoy_metrics as (
    select
        level_metrics.*,
        {{ ytd_yoy_pct('ytd_value_computed', 'category, indicator') }} as ytd_yoy_pct_computed,
        coalesce(yoy_pct_published, yoy_pct_computed) as yoy_pct
    from level_metrics
),

previous_yoy as (
    select
        yoy_metrics.*,
        {{ months_ago('yoy_pct', 1, 'category, indicator') }} as yoy_pct_prev
    from yoy_metrics
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
    mom_pct,
    yoy_pct,
    yoy_pct_prev,
    case
        when value_kind = 'share' then value - value_year_ago
        else yoy_pct - yoy_pct_prev
    end as yoy_change_pp,
    yoy_3m_pct,
    coalesce(ytd_value_computed, ytd_value_published) as ytd_value,
    coalesce(ytd_yoy_pct_published, ytd_yoy_pct_computed) as ytd_yoy_pct,
    ytd_value_computed,
    ytd_yoy_pct_published,
    ytd_yoy_pct_computed,
    coalesce(abs(ytd_yoy_pct_published - ytd_yoy_pct_computed) > 0.5, false) as ytd_yoy_disagrees,
    yoy_pct_published,
    yoy_pct_computed,
    coalesce(abs(yoy_pct_published - yoy_pct_computed) > 0.5, false) as yoy_disagrees,
    value_year_ago,
    source_name,
    published_at,
    loaded_at,
    is_demo
from previous_yoy
