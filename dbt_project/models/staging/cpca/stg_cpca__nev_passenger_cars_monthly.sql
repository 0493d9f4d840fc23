{#-
    乘联会新能源乘用车 (car_market_fuel_cpca, 整体市场): the wide table (月份 × one column per year)
    unpivoted to one row per series, month and value.
-#}
with landed_wide as (
    select
        *,
        -- a placeholder year column: the UNPIVOT pattern always matches at least one column
        cast(null as double) as "0000年"
    from {{ source('landing', 'car_market_fuel_cpca') }}
),

landed_long as (
    unpivot landed_wide
    on columns('^\d{4}年$')
    into name year_column value value_10k_units
),

landed as (
    select
        {{ param('symbol') }} as market_scope_name,
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
    {{ visible_versions('landed', 'car_market_fuel_cpca', key=['month'], period='month', grain='month') }}
)

select
    'cpca_nev_' || case market_scope_name when '整体市场' then 'total' else 'other' end as series,
    market_scope_name,
    month,
    value_10k_units,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
