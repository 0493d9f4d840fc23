{#-
    股东增减持 (stock_ggcg_em): one row per record (stock, shareholder, direction, change period,
    announcement). 最新价 is the price when a pull ran, so the amount uses the price of the FIRST
    load that contained the record (the price when the announcement was first seen).
-#}
with landed as (
    select
        {{ security_code('"代码"') }} as stock_code,
        cast("名称" as varchar) as stock_name,
        cast("最新价" as double) as price_at_pull,
        cast("涨跌幅" as double) as change_pct_at_pull,
        cast("股东名称" as varchar) as shareholder_name,
        cast("持股变动信息-增减" as varchar) as direction_name,
        cast("持股变动信息-变动数量" as double) as shares_changed_10k,
        cast("持股变动信息-占总股本比例" as double) as change_total_share_pct,
        cast("持股变动信息-占流通股比例" as double) as change_float_share_pct,
        cast("变动后持股情况-持股总数" as double) as shares_after_10k,
        cast("变动后持股情况-占总股本比例" as double) as holding_total_share_pct,
        cast("变动后持股情况-持流通股数" as double) as float_shares_after_10k,
        cast("变动后持股情况-占流通股比例" as double) as holding_float_share_pct,
        cast("变动开始日" as date) as change_start_date,
        cast("变动截止日" as date) as change_end_date,
        cast("公告日" as date) as announcement_date,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_ggcg_em') }}
),

first_seen as (
    select
        *,
        first_value(price_at_pull) over records_by_load as first_seen_price,
        first_value(_available_at) over records_by_load as first_seen_at
    from landed
    window records_by_load as (
        partition by _series, stock_code, shareholder_name, direction_name, change_start_date, change_end_date, announcement_date
        order by _available_at, _load_id
    )
),

visible as (
    {{ visible_versions('first_seen', 'stock_ggcg_em',
        key=['stock_code', 'shareholder_name', 'direction_name', 'change_start_date', 'change_end_date', 'announcement_date'],
        period='announcement_date', grain='day') }}
)

select
    stock_code,
    stock_name,
    shareholder_name,
    direction_name,
    case direction_name when '增持' then 'increase' when '减持' then 'decrease' end as direction,
    shares_changed_10k,
    change_total_share_pct,
    change_float_share_pct,
    shares_after_10k,
    holding_total_share_pct,
    float_shares_after_10k,
    holding_float_share_pct,
    change_start_date,
    change_end_date,
    announcement_date,
    price_at_pull,
    change_pct_at_pull,
    first_seen_price,
    first_seen_at,
    shares_changed_10k * first_seen_price / 1e4 as amount_cny_100m,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
