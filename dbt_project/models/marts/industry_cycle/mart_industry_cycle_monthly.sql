{#-
    中观·景气: one row per month and indicator. CAAM autos, CCMA machinery, SIA semiconductors,
    IC trade, Taiwan monthly revenue and the CPCA cross-check, with the metrics of
    int_monthly_metrics_computed (published yoy where the publisher gives one; a published monthly
    or cumulative yoy more than 0.5 pp from the computed one is flagged).
-#}
with monthly_metrics as (
    select
        category,
        indicator,
        indicator_name,
        segment,
        month,
        value,
        unit,
        mom_pct,
        yoy_pct,
        yoy_pct_prev,
        yoy_change_pp,
        yoy_3m_pct,
        ytd_value,
        ytd_yoy_pct,
        yoy_pct_published,
        yoy_pct_computed,
        yoy_disagrees,
        ytd_yoy_pct_published,
        ytd_yoy_pct_computed,
        ytd_yoy_disagrees,
        published_at,
        source_name,
        loaded_at,
        is_demo
    from {{ ref('int_monthly_metrics_computed') }}
    where category in ('autos', 'machinery', 'semiconductors', 'ic_trade', 'taiwan_revenue', 'cpca')
)

select
    month,
    category,
    indicator,
    indicator_name,
    segment,
    value,
    unit,
    mom_pct,
    yoy_pct,
    yoy_pct_prev,
    yoy_change_pp,
    yoy_3m_pct,
    ytd_value,
    ytd_yoy_pct,
    yoy_pct_published,
    yoy_pct_computed,
    yoy_disagrees,
    ytd_yoy_pct_published,
    ytd_yoy_pct_computed,
    ytd_yoy_disagrees,
    published_at,
    source_name,
    loaded_at,
    is_demo
from monthly_metrics
