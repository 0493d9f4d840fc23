{{ config(materialized='table') }}
{#-
    Point-in-time Shenwan level-1 membership: one row per stock and classification period.
    A classification is valid from its start_date until the stock's next record (valid_to,
    exclusive; null = still valid). Level 1 = first two digits of the level-3 code + '0000'.
-#}
with classifications as (
    select
        stock_code,
        start_date,
        industry_code_l3,
        industry_code_l1,
        loaded_at,
        is_demo
    from {{ ref('stg_shenwan__stock_industry_history') }}
),

industries as (
    select
        industry_code,
        industry_index_code,
        industry_name
    from {{ ref('shenwan_industries') }}
)

select
    classifications.stock_code,
    classifications.industry_code_l3,
    classifications.industry_code_l1 as industry_code,
    industries.industry_index_code,
    industries.industry_name,
    classifications.start_date as valid_from,
    lead(classifications.start_date) over (
        partition by classifications.stock_code order by classifications.start_date
    ) as valid_to,
    classifications.loaded_at,
    classifications.is_demo
from classifications
left join industries on classifications.industry_code_l1 = industries.industry_code
