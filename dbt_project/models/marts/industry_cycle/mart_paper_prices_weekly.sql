{#-
    中观·景气 paper prices: one row per week and product, the latest price date published by the
    week's report moment (a Friday's price is public the next Monday 10:00), with the previous
    price date's price and the week-on-week change.
-#}
with weeks as (
    select
        week_id,
        week_start,
        report_moment
    from {{ ref('int_trading_weeks_summarized') }}
    where is_started
),

paper_prices as (
    select
        price_date,
        product,
        product_name,
        price,
        unit,
        prev_price_date,
        prev_price,
        wow_pct,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('int_paper_prices_compared') }}
),

products as (
    select
        product,
        min(published_at) as first_published_at
    from paper_prices
    group by product
),

week_products as (
    select
        weeks.week_id,
        weeks.report_moment,
        products.product
    from weeks
    inner join products on weeks.report_moment >= products.first_published_at
)

select
    week_products.week_id,
    paper_prices.price_date,
    week_products.product,
    paper_prices.product_name,
    paper_prices.price,
    paper_prices.unit,
    paper_prices.prev_price_date,
    paper_prices.prev_price,
    paper_prices.wow_pct,
    paper_prices.published_at,
    'paper_prices' as source_name,
    paper_prices.loaded_at,
    paper_prices.is_demo
from week_products
asof inner join paper_prices
    on week_products.product = paper_prices.product
        and week_products.report_moment >= paper_prices.published_at
