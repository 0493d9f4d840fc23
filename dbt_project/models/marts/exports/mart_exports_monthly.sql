with customs as (
    select * from {{ ref('stg_eastmoney__customs_trade_monthly') }}
),

headline as (
    select
        month, 'total' as dimension, 'exports' as member, '出口' as member_name,
        exports_usd_100m as value_usd_100m, exports_yoy_pct_published as yoy_pct_published,
        'macro_china_hgjck' as source_name, loaded_at, published_at, is_demo
    from customs
    union all
    select
        month, 'total', 'imports', '进口',
        imports_usd_100m, imports_yoy_pct_published,
        'macro_china_hgjck', loaded_at, published_at, is_demo
    from customs
    union all
    select
        month, 'total', 'trade_balance', '贸易差额',
        exports_usd_100m - imports_usd_100m, cast(null as double),
        'macro_china_hgjck', loaded_at, published_at, is_demo
    from customs
),

exports_total as (
    select month, value_usd_100m as total_exports_usd_100m
    from headline
    where member = 'exports'
),

with_yoy as (
    select
        headline.*,
        {{ yoy_pct('value_usd_100m', 'dimension, member') }} as yoy_pct_computed
    from headline
),

with_prev as (
    select
        with_yoy.*,
        coalesce(yoy_pct_published, yoy_pct_computed) as yoy_pct,
        {{ months_ago('coalesce(yoy_pct_published, yoy_pct_computed)', 1, 'dimension, member') }} as yoy_pct_prev
    from with_yoy
)

select
    with_prev.month,
    with_prev.dimension,
    with_prev.member,
    with_prev.member_name,
    with_prev.value_usd_100m,
    with_prev.yoy_pct,
    with_prev.yoy_pct_prev,
    with_prev.yoy_pct - with_prev.yoy_pct_prev as yoy_change_pp,
    case when with_prev.dimension = 'total' and with_prev.member <> 'exports' then null
         else with_prev.value_usd_100m / nullif(exports_total.total_exports_usd_100m, 0) * 100 end as share_pct,
    with_prev.yoy_pct_published,
    with_prev.yoy_pct_computed,
    coalesce(abs(with_prev.yoy_pct_published - with_prev.yoy_pct_computed) > 0.5, false) as yoy_disagrees,
    with_prev.source_name,
    with_prev.loaded_at,
    with_prev.published_at,
    with_prev.is_demo
from with_prev
left join exports_total on with_prev.month = exports_total.month
