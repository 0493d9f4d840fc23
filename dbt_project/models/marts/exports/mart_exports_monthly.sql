{#-
    出口: one row per month, dimension and member. Headline exports, imports and trade balance
    (macro_china_hgjck, 千美元 -> 亿美元), exports by partner and by product (curated customs tables,
    万美元 -> 亿美元). yoy is the published one where the publisher gives one (balance: computed);
    share_pct = value / the month's headline exports.
-#}
with monthly_metrics as (
    select
        category,
        indicator,
        indicator_name,
        month,
        value,
        yoy_pct,
        yoy_pct_prev,
        yoy_change_pp,
        yoy_pct_published,
        yoy_pct_computed,
        yoy_disagrees,
        source_name,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('int_monthly_metrics_computed') }}
    where category in ('customs_total', 'customs_partner', 'customs_product')
),

headline_exports as (
    select
        month,
        value as exports_usd_100m
    from monthly_metrics
    where category = 'customs_total' and indicator = 'exports'
)

select
    monthly_metrics.month,
    case monthly_metrics.category
        when 'customs_total' then 'total'
        when 'customs_partner' then 'partner'
        when 'customs_product' then 'product'
    end as dimension,
    monthly_metrics.indicator as member,
    monthly_metrics.indicator_name as member_name,
    monthly_metrics.value as value_usd_100m,
    monthly_metrics.yoy_pct,
    monthly_metrics.yoy_pct_prev,
    monthly_metrics.yoy_change_pp,
    case
        when monthly_metrics.category = 'customs_total' and monthly_metrics.indicator <> 'exports' then null
        else monthly_metrics.value / nullif(headline_exports.exports_usd_100m, 0) * 100
    end as share_pct,
    monthly_metrics.yoy_pct_published,
    monthly_metrics.yoy_pct_computed,
    monthly_metrics.yoy_disagrees,
    monthly_metrics.published_at,
    monthly_metrics.source_name,
    monthly_metrics.loaded_at,
    monthly_metrics.is_demo
from monthly_metrics
left join headline_exports on monthly_metrics.month = headline_exports.month
