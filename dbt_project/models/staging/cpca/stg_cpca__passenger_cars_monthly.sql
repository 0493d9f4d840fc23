{#-
    乘联会乘用车总体 (car_market_total_cpca): the wide table (月份 × one column per year, names change
    every January) unpivoted to one row per series (symbol × indicator), month and value.
-#}
with landed_wide as (
    select
        *,
        -- a placeholder year column: the UNPIVOT pattern always matches at least one column
        -- (an empty landing view has no year column); UNPIVOT drops its nulls
        cast(null as double) as "0000年"
    from {{ source('landing', 'car_market_total_cpca') }}
),

landed_long as (
    unpivot landed_wide
    on columns('^\d{4}年$')
    into name year_column value value_10k_units
),

landed as (
    select
        {{ param('symbol') }} as market_scope_name,
        {{ param('indicator') }} as measure_name,
        {{ cpca_month('year_column', '"月份"') }} as month,
        cast(value_10k_units as double) as value_10k_units,
        _series,
        _load_id,
        _available_at,
        _demo
    from landed_long
    where year_column <> '0000年'
),

visible as (
    {{ visible_versions('landed', 'car_market_total_cpca', key=['month'], period='month', grain='month') }}
),

coded as (
    select
        *,
        case market_scope_name when '狭义乘用车' then 'narrow' when '广义乘用车' then 'broad' end as market_scope,
        case measure_name
            when '产量' then 'production'
            when '批发' then 'wholesale'
            when '零售' then 'retail'
            when '出口' then 'exports'
        end as measure
    from visible
)

select
    'cpca_' || market_scope || '_' || measure as series,
    market_scope,
    market_scope_name,
    measure,
    measure_name,
    month,
    value_10k_units,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from coded
