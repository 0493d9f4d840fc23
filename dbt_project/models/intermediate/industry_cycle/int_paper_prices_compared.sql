{#- Paper prices with the previous price date's price and the week-on-week change (wow_pct): one row per product and price date -#}
with paper_prices as (
    select
        price_date,
        product,
        product_name,
        price,
        unit,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_curated__paper_prices') }}
    where product is not null and price is not null
)

select
    price_date,
    product,
    product_name,
    price,
    unit,
    lag(price_date) over (partition by product order by price_date) as prev_price_date,
    lag(price) over (partition by product order by price_date) as prev_price,
    {{ wow_pct('price', 'product', 'price_date') }} as wow_pct,
    published_at,
    loaded_at,
    is_demo
from paper_prices
