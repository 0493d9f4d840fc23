{#- 申万一级行业日报表 (index_analysis_daily_sw, 一级行业): one row per Shenwan level-1 index and trade date (涨跌幅 = daily change) -#}
with landed as (
    select
        {{ security_code('"指数代码"') }} as industry_index_code,
        cast("指数名称" as varchar) as industry_name,
        cast("发布日期" as date) as trade_date,
        cast("收盘指数" as double) as close_index,
        cast("成交量" as double) as volume_100m_shares,
        cast("涨跌幅" as double) as change_pct,
        cast("换手率" as double) as turnover_rate_pct,
        cast("市盈率" as double) as pe,
        cast("市净率" as double) as pb,
        cast("均价" as double) as average_price,
        cast("成交额占比" as double) as turnover_share_pct,
        cast("流通市值" as double) as float_market_value_cny_100m,
        cast("平均流通市值" as double) as average_float_market_value_cny_100m,
        cast("股息率" as double) as dividend_yield_pct,
        _series,
        _load_id,
        _available_at,
        _demo
    from {{ source('landing', 'index_analysis_daily_sw') }}
),

visible as (
    {{ visible_versions('landed', 'index_analysis_daily_sw', key=['trade_date', 'industry_index_code'], period='trade_date', grain='day') }}
)

select
    industry_index_code,
    industry_name,
    trade_date,
    close_index,
    volume_100m_shares,
    change_pct,
    turnover_rate_pct,
    pe,
    pb,
    average_price,
    turnover_share_pct,
    float_market_value_cny_100m,
    average_float_market_value_cny_100m,
    dividend_yield_pct,
    published_at,
    _load_id as load_id,
    _available_at as loaded_at,
    _demo as is_demo
from visible
