{#-
    复盘·内观 Shenwan level-1 industries: one row per week and industry, from the weekly
    cross-section (index_analysis_weekly_sw) dated the week's last trading day (else the latest
    one dated within the week); 涨跌幅 is the weekly return, rank 1 = best.
-#}
with weeks as (
    select
        week_id,
        week_start,
        week_end,
        last_trading_day
    from {{ ref('int_trading_weeks_summarized') }}
    where is_started
),

cross_sections as (
    select
        industry_index_code,
        industry_name,
        publish_date,
        close_index,
        weekly_change_pct,
        turnover_rate_pct,
        pe,
        pb,
        loaded_at,
        is_demo
    from {{ ref('stg_shenwan__industry_indices_weekly') }}
),

week_cross_sections as (
    select
        weeks.week_id,
        weeks.week_end,
        cross_sections.*,
        max(cross_sections.publish_date) over (partition by weeks.week_id) as latest_publish_date
    from cross_sections
    inner join weeks on cross_sections.publish_date between weeks.week_start and weeks.week_end
)

select
    week_id,
    week_end,
    publish_date,
    industry_index_code as industry_code,
    industry_name,
    close_index as close,
    weekly_change_pct as weekly_return_pct,
    rank() over (partition by week_id order by weekly_change_pct desc nulls last) as rank_desc,
    count(*) over (partition by week_id) as industries,
    turnover_rate_pct,
    pe,
    pb,
    'index_analysis_weekly_sw' as source_name,
    loaded_at,
    is_demo
from week_cross_sections
where publish_date = latest_publish_date
