{#-
    出口 trade structure: each partner's share of China's total trade (exports + imports) by year
    and over multi-year windows, with its change in percentage points against a base (the year
    before; a window's base window from the seed trade_structure_windows, e.g. 2021-2022 against
    2018-2019). A window's share = Σ partner trade / Σ total trade over its years (the share of the
    window's average trade), only when every year of the window is present; its amounts are
    yearly averages, 亿美元. The total (总值) is the row whose partner is 'world'.
-#}
with trade as (
    select
        trade_year,
        partner_name,
        trade_usd_100m,
        exports_usd_100m,
        imports_usd_100m,
        published_at,
        loaded_at,
        is_demo
    from {{ ref('stg_curated__customs_trade_by_partner_yearly') }}
),

partners as (
    select
        partner_name,
        partner,
        display_order
    from {{ ref('trade_partners') }}
),

windows as (
    select
        period_label,
        start_year,
        end_year,
        base_period_label
    from {{ ref('trade_structure_windows') }}
),

coded as (
    select
        trade.trade_year,
        trade.partner_name,
        trade.trade_usd_100m,
        trade.exports_usd_100m,
        trade.imports_usd_100m,
        trade.published_at,
        trade.loaded_at,
        trade.is_demo,
        coalesce(partners.partner, trade.partner_name) as partner,
        partners.display_order
    from trade
    left join partners on trade.partner_name = partners.partner_name
),

world as (
    select
        trade_year,
        trade_usd_100m as total_trade_usd_100m
    from coded
    where partner = 'world'
),

years as (
    select
        'year' as period_kind,
        cast(coded.trade_year as varchar) as period_label,
        coded.trade_year as start_year,
        coded.trade_year as end_year,
        cast(coded.trade_year - 1 as varchar) as base_period_label,
        coded.partner,
        coded.partner_name,
        coded.display_order,
        coded.trade_usd_100m,
        coded.exports_usd_100m,
        coded.imports_usd_100m,
        world.total_trade_usd_100m,
        1 as years_covered,
        coded.published_at,
        coded.loaded_at,
        coded.is_demo
    from coded
    inner join world on coded.trade_year = world.trade_year
),

window_sums as (
    select
        'window' as period_kind,
        windows.period_label,
        windows.start_year,
        windows.end_year,
        windows.base_period_label,
        years.partner,
        any_value(years.partner_name) as partner_name,
        any_value(years.display_order) as display_order,
        sum(years.trade_usd_100m) / count(*) as trade_usd_100m,
        sum(years.exports_usd_100m) / count(*) as exports_usd_100m,
        sum(years.imports_usd_100m) / count(*) as imports_usd_100m,
        sum(years.total_trade_usd_100m) / count(*) as total_trade_usd_100m,
        count(*) as years_covered,
        max(years.published_at) as published_at,
        max(years.loaded_at) as loaded_at,
        bool_or(years.is_demo) as is_demo
    from years
    inner join windows on years.start_year between windows.start_year and windows.end_year
    group by windows.period_label, windows.start_year, windows.end_year, windows.base_period_label, years.partner
    having count(*) = windows.end_year - windows.start_year + 1
),

periods as (
    select
        period_kind,
        period_label,
        start_year,
        end_year,
        base_period_label,
        partner,
        partner_name,
        display_order,
        trade_usd_100m,
        exports_usd_100m,
        imports_usd_100m,
        total_trade_usd_100m,
        years_covered,
        published_at,
        loaded_at,
        is_demo
    from years
    union all
    select
        period_kind,
        period_label,
        start_year,
        end_year,
        base_period_label,
        partner,
        partner_name,
        display_order,
        trade_usd_100m,
        exports_usd_100m,
        imports_usd_100m,
        total_trade_usd_100m,
        years_covered,
        published_at,
        loaded_at,
        is_demo
    from window_sums
),

shares as (
    select
        periods.*,
        {{ share_pct('periods.trade_usd_100m', 'periods.total_trade_usd_100m') }} as share_pct,
        {{ share_pct('periods.exports_usd_100m', 'periods.total_trade_usd_100m') }} as exports_share_pct
    from periods
)

select
    shares.period_kind,
    shares.period_label,
    cast(shares.start_year as integer) as start_year,
    cast(shares.end_year as integer) as end_year,
    shares.partner,
    shares.partner_name,
    shares.display_order,
    shares.trade_usd_100m,
    shares.exports_usd_100m,
    shares.imports_usd_100m,
    shares.total_trade_usd_100m,
    shares.share_pct,
    shares.exports_share_pct,
    shares.base_period_label,
    bases.share_pct as base_share_pct,
    shares.share_pct - bases.share_pct as share_change_pp,
    cast(shares.years_covered as integer) as years_covered,
    'customs_trade_by_partner_yearly' as source_name,
    shares.published_at,
    greatest(shares.loaded_at, bases.loaded_at) as loaded_at,
    shares.is_demo
from shares
left join shares as bases
    on shares.base_period_label = bases.period_label
        and shares.partner = bases.partner
