{#- 新成立基金 (fund_new_found_em): one row per newly established fund (snapshots accumulate) -#}
with landed as (
    select
        {{ security_code('"基金代码"') }} as fund_code,
        cast("基金简称" as varchar) as fund_name,
        cast("发行公司" as varchar) as fund_company,
        cast("基金类型" as varchar) as fund_type,
        cast("集中认购期" as varchar) as subscription_period,
        cast("募集份额" as double) as shares_raised_100m,
        cast("成立日期" as date) as established_date,
        cast("成立来涨幅" as double) as return_since_inception_pct,
        cast("基金经理" as varchar) as fund_manager,
        cast("申购状态" as varchar) as subscription_status,
        cast("优惠费率" as double) as discounted_fee_pct,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'fund_new_found_em') }}
),

visible as (
    {{ visible_versions('landed', 'fund_new_found_em', key=['fund_code'], period='established_date', grain='day') }}
)

select
    fund_code,
    fund_name,
    fund_company,
    fund_type,
    coalesce(fund_type in ('股票型', '混合型-偏股', '混合型-灵活', '指数型-股票'), false) as is_equity_fund,
    subscription_period,
    shares_raised_100m,
    established_date,
    return_since_inception_pct,
    fund_manager,
    subscription_status,
    discounted_fee_pct,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
