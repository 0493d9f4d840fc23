{#-
    主题·风向 concept boards: one row per week and Eastmoney concept board with a close in the week.
    weekly return = the board's close on its last trading day of the week / its close on the
    previous week's last trading day - 1 (stock_board_concept_hist_em 收盘), rank 1 = best of the
    week. Name and constituents come from the board list of the week (the newest list taken on or
    before the week's last trading day; before the first list, the name of the first one).
-#}
with weeks as (
    select
        week_id,
        week_start,
        week_end,
        last_trading_day,
        prev_week_id,
        prev_week_last_trading_day
    from {{ ref('int_trading_weeks_summarized') }}
    where is_started
),

board_prices as (
    select
        board_code,
        trade_date,
        close_level,
        loaded_at,
        is_demo
    from {{ ref('stg_eastmoney__concept_board_prices_daily') }}
    where close_level is not null
),

board_lists as (
    select
        board_code,
        snapshot_date,
        board_name,
        stocks_up,
        stocks_down,
        stocks_moved,
        loaded_at,
        is_demo
    from {{ ref('stg_eastmoney__concept_boards') }}
),

first_names as (
    select
        board_code,
        arg_min(board_name, snapshot_date) as board_name
    from board_lists
    group by board_code
),

week_closes as (
    select
        weeks.week_id,
        weeks.week_start,
        weeks.week_end,
        weeks.last_trading_day,
        weeks.prev_week_id,
        weeks.prev_week_last_trading_day,
        board_prices.board_code,
        max(board_prices.trade_date) as close_date,
        arg_max(board_prices.close_level, board_prices.trade_date) as close_level,
        max(board_prices.loaded_at) as loaded_at,
        bool_or(board_prices.is_demo) as is_demo
    from board_prices
    inner join weeks
        on board_prices.trade_date between weeks.week_start and weeks.last_trading_day
    group by all
),

with_prev_close as (
    select
        week_closes.*,
        case
            when prev_prices.trade_date > week_closes.prev_week_last_trading_day - 7 then prev_prices.close_level
        end as prev_close_level
    from week_closes
    asof left join board_prices as prev_prices
        on week_closes.board_code = prev_prices.board_code
            and week_closes.prev_week_last_trading_day >= prev_prices.trade_date
),

with_list as (
    select
        with_prev_close.*,
        board_lists.snapshot_date,
        board_lists.board_name as listed_name,
        board_lists.stocks_moved,
        board_lists.loaded_at as list_loaded_at,
        board_lists.is_demo as list_is_demo
    from with_prev_close
    asof left join board_lists
        on with_prev_close.board_code = board_lists.board_code
            and with_prev_close.last_trading_day >= board_lists.snapshot_date
),

weekly_returns as (
    select
        with_list.*,
        {{ pct_change('close_level', 'prev_close_level') }} as weekly_return_pct
    from with_list
),

ranked as (
    select
        weekly_returns.*,
        case
            when weekly_return_pct is not null
                then rank() over (partition by week_id, weekly_return_pct is null order by weekly_return_pct desc)
        end as rank_desc,
        count(weekly_return_pct) over (partition by week_id) as boards_ranked
    from weekly_returns
)

select
    ranked.week_id,
    ranked.week_start,
    ranked.week_end,
    ranked.last_trading_day,
    ranked.board_code,
    coalesce(ranked.listed_name, first_names.board_name, ranked.board_code) as board_name,
    ranked.close_date,
    ranked.close_level as close,
    ranked.prev_close_level as prev_close,
    ranked.weekly_return_pct,
    prev_returns.weekly_return_pct as prev_weekly_return_pct,
    ranked.rank_desc,
    ranked.boards_ranked,
    ranked.stocks_moved as constituents,
    ranked.snapshot_date as list_date,
    'stock_board_concept_hist_em,stock_board_concept_name_em' as source_name,
    greatest(ranked.loaded_at, ranked.list_loaded_at) as loaded_at,
    ranked.is_demo or coalesce(ranked.list_is_demo, false) as is_demo
from ranked
left join first_names on ranked.board_code = first_names.board_code
left join weekly_returns as prev_returns
    on ranked.board_code = prev_returns.board_code
        and ranked.prev_week_id = prev_returns.week_id
