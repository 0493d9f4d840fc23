{#-
    东方财富概念板块列表 (stock_board_concept_name_em): one row per board and snapshot day. The list
    carries no date: the snapshot day is the Shanghai day its load was fetched (registry period
    fetched: true), visible from that day's close (15:30).
-#}
with landed as (
    select
        {{ fetched_day('_fetched_at') }} as snapshot_date,
        cast("板块代码" as varchar) as board_code,
        cast("板块名称" as varchar) as board_name,
        cast("排名" as bigint) as change_rank,
        cast("最新价" as double) as latest_level,
        cast("涨跌额" as double) as change_points,
        cast("涨跌幅" as double) as change_pct,
        cast("总市值" as double) / 1e8 as market_value_cny_100m,
        cast("换手率" as double) as turnover_rate_pct,
        cast("上涨家数" as bigint) as stocks_up,
        cast("下跌家数" as bigint) as stocks_down,
        cast("领涨股票" as varchar) as leading_stock,
        cast("领涨股票-涨跌幅" as double) as leading_stock_change_pct,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'stock_board_concept_name_em') }}
),

visible as (
    {{ visible_versions('landed', 'stock_board_concept_name_em', key=['snapshot_date', 'board_code'], period='snapshot_date', grain='day') }}
)

select
    snapshot_date,
    board_code,
    board_name,
    change_rank,
    latest_level,
    change_points,
    change_pct,
    market_value_cny_100m,
    turnover_rate_pct,
    stocks_up,
    stocks_down,
    coalesce(stocks_up, 0) + coalesce(stocks_down, 0) as stocks_moved,
    leading_stock,
    leading_stock_change_pct,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
