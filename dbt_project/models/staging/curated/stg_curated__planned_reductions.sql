{#- 拟减持计划 (planned_reductions, curated from cninfo): one row per announcement, stock and shareholder -#}
with landed as (
    select
        cast("公告日期" as date) as announcement_date,
        {{ security_code('"股票代码"') }} as stock_code,
        cast("股票简称" as varchar) as stock_name,
        trim(cast("股东名称" as varchar)) as shareholder_name,
        cast("拟减持股数上限" as double) as max_shares_10k,
        cast("拟减持比例上限" as double) as max_share_pct,
        cast("参考价格" as double) as reference_price,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'planned_reductions') }}
),

visible as (
    {{ visible_versions('landed', 'planned_reductions', key=['announcement_date', 'stock_code', 'shareholder_name'], period='announcement_date', grain='day') }}
)

select
    announcement_date,
    stock_code,
    stock_name,
    shareholder_name,
    max_shares_10k,
    max_share_pct,
    reference_price,
    max_shares_10k * reference_price / 1e4 as planned_amount_cny_100m,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
