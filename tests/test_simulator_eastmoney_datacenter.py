"""datacenter-web.eastmoney.com over the simulator: akshare's own functions get back the tables served.

Each test puts a table in the shape the akshare function returns, calls the real akshare 1.19.5
function over the simulated host and compares what it returns with the table: column names and
order, values (akshare divides some amounts by 100 or 1e6; the host sends them unscaled) and the
dtypes akshare really returns (dates as ``datetime.date`` objects, text as ``str``). Paging runs
akshare's own loop; the empty answer is the host's ``result: null`` (code 9201), on which these
functions crash with ``TypeError`` (recorded here, turned into typed errors by the fetcher).
"""

from __future__ import annotations

from datetime import date

import akshare as ak
import numpy as np
import pandas as pd
import pytest

from simulator import Simulator
from simulator.hosts.eastmoney_datacenter import HOST, HSGT_MUTUAL_TYPES, hsgt_index_name

from .conftest import REALDATA


def trading_days(n: int, end: str = "2023-04-14") -> list[date]:
    return [d.date() for d in pd.bdate_range(end=end, periods=n)]


def pages_asked(upstream: Simulator, report: str) -> list[str]:
    return [r.query["pageNumber"] for r in upstream.requests(HOST) if r.query.get("reportName") == report]


def same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal names, order, dtypes and values (floats to 1e-12: a scaled amount may differ in its last bit)."""
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True), rtol=1e-12)


# ------------------------------------------------------------------------------ macro_china_hgjck


def test_customs_realdata_comes_back_as_recorded(upstream: Simulator) -> None:
    path = REALDATA / "trade" / "macro_china_hgjck.csv"
    if not path.exists():
        pytest.skip(f"recorded data {path} is absent (/work/shared/realdata not mounted)")
    recorded = pd.read_csv(path)
    upstream.dataset.put("macro_china_hgjck", recorded)
    got = ak.macro_china_hgjck()
    same(got, recorded)
    assert got.loc[got["月份"] == "2023年03月份", "当月出口额-同比增长"].item() == 10.9


# ----------------------------------------------------------------------------- stock_hsgt_hist_em


def hsgt_frame(symbol: str, n: int) -> pd.DataFrame:
    """A stock_hsgt_hist_em table, oldest day first (akshare sorts it so)."""
    index = hsgt_index_name(symbol)
    rng = np.random.default_rng(len(symbol) * 1000 + n)
    net = rng.normal(0, 50, n).round(2)
    net[-3:] = np.nan  # the 2024 disclosure change: no daily net buy any more
    cumulative = (
        (net.cumsum() / 10000 + 1.5).round(4) if symbol in ("北向资金", "南向资金") else (net.cumsum() + 8000).round(2)
    )
    return pd.DataFrame(
        {
            "日期": trading_days(n),
            "当日成交净买额": net,
            "买入成交额": rng.uniform(400, 900, n).round(2),
            "卖出成交额": rng.uniform(400, 900, n).round(2),
            "历史累计净买额": cumulative,
            "当日资金流入": rng.normal(0, 50, n).round(2),
            "当日余额": rng.uniform(400, 600, n).round(2),
            "持股市值": rng.uniform(2e12, 2.5e12, n).round(-6),
            "领涨股": [f"股票{i % 7}" for i in range(n)],
            "领涨股-涨跌幅": rng.uniform(5, 20, n).round(2),
            index: rng.uniform(3000, 4000, n).round(2),
            f"{index}-涨跌幅": rng.normal(0, 1, n).round(2),
            "领涨股-代码": [f"60{i % 10000:04d}.SH" for i in range(n)],
        }
    )


@pytest.mark.parametrize("symbol", ["北向资金", "沪股通", "深股通", "南向资金"])
def test_hsgt_history_round_trip_with_akshares_scaling(upstream: Simulator, symbol: str) -> None:
    table = hsgt_frame(symbol, 30)
    upstream.dataset.put("stock_hsgt_hist_em", table, symbol=symbol)
    got = ak.stock_hsgt_hist_em(symbol=symbol)
    same(got, table)
    assert got["日期"].map(type).eq(date).all() and got["领涨股"].dtype == "str"
    first = upstream.requests(HOST)[0]
    assert first.query["filter"] == f'(MUTUAL_TYPE="{HSGT_MUTUAL_TYPES[symbol]}")'


def test_hsgt_history_pages_by_1000_days(upstream: Simulator) -> None:
    table = hsgt_frame("北向资金", 1500)
    upstream.dataset.put("stock_hsgt_hist_em", table, symbol="北向资金")
    got = ak.stock_hsgt_hist_em(symbol="北向资金")
    same(got, table)
    assert pages_asked(upstream, "RPT_MUTUAL_DEAL_HISTORY") == ["1", "1", "2"]  # akshare reads page 1 twice


def test_hsgt_history_empty_answer_crashes_akshare(upstream: Simulator) -> None:
    upstream.dataset.put("stock_hsgt_hist_em", hsgt_frame("沪股通", 3).iloc[0:0], symbol="沪股通")
    with pytest.raises(TypeError, match="'NoneType' object is not subscriptable"):
        ak.stock_hsgt_hist_em(symbol="沪股通")


# ------------------------------------------------------------------------- stock_hsgt_hold_stock_em

CODES = ["601919", "000333", "688111", "300750", "600519", "002594", "601318", "000858"]


def hold_frame(day: date, indicator: str = "今日排行") -> pd.DataFrame:
    """A stock_hsgt_hold_stock_em table: ranked by the estimated added value, 序号 1..n."""
    added = indicator.split("排")[0]
    n = len(CODES)
    value = np.linspace(20000, -5000, n).round(2)  # descending: the host's order
    return pd.DataFrame(
        {
            "序号": np.arange(1, n + 1),
            "代码": CODES,
            "名称": [f"名称{c}" for c in CODES],
            "今日收盘价": np.linspace(10, 300, n).round(2),
            "今日涨跌幅": np.linspace(-3, 3, n).round(2),
            "今日持股-股数": np.linspace(1000, 30000, n).round(2),
            "今日持股-市值": np.linspace(100000, 400000, n).round(2),
            "今日持股-占流通股比": np.linspace(1, 8, n).round(2),
            "今日持股-占总股本比": np.linspace(0.5, 6, n).round(2),
            f"{added}增持估计-股数": np.linspace(500, -100, n).round(2),
            f"{added}增持估计-市值": value,
            f"{added}增持估计-市值增幅": np.linspace(5, -2, n).round(2),
            f"{added}增持估计-占流通股比": np.linspace(1.5, -0.3, n).round(2),
            f"{added}增持估计-占总股本比": np.linspace(1.0, -0.2, n).round(2),
            "所属板块": ["航运港口", "家电行业", "软件开发", "电池", "酿酒行业", "汽车整车", "保险", "酿酒行业"],
            "日期": [day] * n,
        }
    )


def test_northbound_holdings_of_the_pages_date_round_trip(upstream: Simulator) -> None:
    table = hold_frame(date(2023, 4, 14))
    upstream.dataset.put("stock_hsgt_hold_stock_em", table, market="北向", indicator="今日排行")
    got = ak.stock_hsgt_hold_stock_em(market="北向", indicator="今日排行")
    same(got, table)
    assert got["序号"].dtype == "int64" and got["日期"].map(type).eq(date).all()
    api = upstream.requests(HOST)[0]
    assert api.query["filter"] == "(TRADE_DATE='2023-04-14')(INTERVAL_TYPE=\"1\")"


def test_shanghai_connect_is_a_filter_of_the_northbound_table_and_akshare_renumbers(upstream: Simulator) -> None:
    table = hold_frame(date(2023, 4, 14))
    upstream.dataset.put("stock_hsgt_hold_stock_em", table, indicator="今日排行")
    got = ak.stock_hsgt_hold_stock_em(market="沪股通", indicator="今日排行")
    shanghai = table[table["代码"].str.startswith("6")].assign(序号=lambda f: np.arange(1, len(f) + 1))
    same(got, shanghai)
    shenzhen = ak.stock_hsgt_hold_stock_em(market="深股通", indicator="今日排行")
    assert sorted(shenzhen["代码"]) == sorted(c for c in CODES if not c.startswith("6"))


def test_other_rankings_carry_their_prefix(upstream: Simulator) -> None:
    table = hold_frame(date(2023, 4, 14), indicator="5日排行")
    upstream.dataset.put("stock_hsgt_hold_stock_em", table, indicator="5日排行")
    got = ak.stock_hsgt_hold_stock_em(market="北向", indicator="5日排行")
    same(got, table)
    assert "5日增持估计-市值" in got.columns


def test_holdings_empty_answer_crashes_akshare(upstream: Simulator) -> None:
    upstream.dataset.put("stock_hsgt_hold_stock_em", hold_frame(date(2023, 4, 14)).iloc[0:0], indicator="今日排行")
    with pytest.raises(TypeError, match="'NoneType' object is not subscriptable"):
        ak.stock_hsgt_hold_stock_em(market="北向", indicator="今日排行")


# ------------------------------------------------------------------------ stock_margin_account_info

MARGIN_COLUMNS = [
    "融资余额",
    "融券余额",
    "融资买入额",
    "融券卖出额",
    "证券公司数量",
    "营业部数量",
    "个人投资者数量",
    "机构投资者数量",
    "参与交易的投资者数量",
    "有融资融券负债的投资者数量",
    "担保物总价值",
    "平均维持担保比例",
]


def margin_frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(n)
    frame = pd.DataFrame({name: rng.uniform(10, 20000, n).round(2) for name in MARGIN_COLUMNS})
    frame.loc[n // 2, "融券卖出额"] = np.nan
    frame.insert(0, "日期", trading_days(n))
    return frame


def test_margin_accounts_page_by_500_and_come_back_oldest_first(upstream: Simulator) -> None:
    table = margin_frame(1100)
    upstream.dataset.put("stock_margin_account_info", table)
    got = ak.stock_margin_account_info()
    same(got, table)
    assert pages_asked(upstream, "RPTA_WEB_MARGIN_DAILYTRADE") == ["1", "1", "2", "3"]


def test_margin_accounts_realdata_comes_back_as_recorded(upstream: Simulator) -> None:
    path = REALDATA / "margin" / "margin.csv"
    if not path.exists():
        pytest.skip(f"recorded data {path} is absent (/work/shared/realdata not mounted)")
    recorded = pd.read_csv(path)  # two-market series in 亿元: date, fin_balance, fin_buy
    table = pd.DataFrame(
        {
            "日期": pd.to_datetime(recorded["date"]).dt.date,
            "融资余额": recorded["fin_balance"],
            "融资买入额": recorded["fin_buy"],
        }
    )
    upstream.dataset.put("stock_margin_account_info", table)
    got = ak.stock_margin_account_info()
    assert list(got.columns) == ["日期", *MARGIN_COLUMNS]
    same(got[["日期", "融资余额", "融资买入额"]], table)
    week = got[(got["日期"] >= date(2023, 4, 10)) & (got["日期"] <= date(2023, 4, 14))]
    assert week["融资余额"].tolist()[:2] == [15321.12, 15333.78]
    assert got["融券余额"].isna().all()  # fields the recording lacks arrive as null


def test_margin_accounts_empty_answer_crashes_akshare(upstream: Simulator) -> None:
    upstream.dataset.put("stock_margin_account_info", margin_frame(2).iloc[0:0])
    with pytest.raises(TypeError, match="'NoneType' object is not subscriptable"):
        ak.stock_margin_account_info()


# ------------------------------------------------------------------------------------ stock_ggcg_em


def ggcg_frame(n: int) -> pd.DataFrame:
    """A stock_ggcg_em table in the host's order: 变动截止日, then 代码, descending."""
    rng = np.random.default_rng(n)
    ends = [d for d in trading_days(40) for _ in range(n // 40 + 1)][:n]
    codes = [f"{rng.choice(['600', '000', '300', '688'])}{i:03d}" for i in range(n)]
    frame = pd.DataFrame(
        {
            "代码": codes,
            "名称": [f"公司{c}" for c in codes],
            "最新价": rng.uniform(3, 80, n).round(2),
            "涨跌幅": rng.normal(0, 2, n).round(2),
            "股东名称": [f"股东{i}" for i in range(n)],
            "持股变动信息-增减": rng.choice(["增持", "减持"], n),
            "持股变动信息-变动数量": rng.uniform(1, 5000, n).round(2),
            "持股变动信息-占总股本比例": rng.uniform(0, 5, n).round(2),
            "持股变动信息-占流通股比例": rng.uniform(0, 8, n).round(2),
            "变动后持股情况-持股总数": rng.uniform(100, 50000, n).round(2),
            "变动后持股情况-占总股本比例": rng.uniform(0, 30, n).round(2),
            "变动后持股情况-持流通股数": rng.uniform(100, 50000, n).round(2),
            "变动后持股情况-占流通股比例": rng.uniform(0, 30, n).round(2),
            "变动开始日": [d - pd.Timedelta(days=10) for d in ends],
            "变动截止日": ends,
            "公告日": ends,
        }
    )
    frame.loc[3, ["最新价", "涨跌幅"]] = np.nan  # no quote: the host sends "-"
    frame["持股变动信息-增减"] = frame["持股变动信息-增减"].astype(object).astype("str")
    order = frame.sort_values(["变动截止日", "代码"], ascending=False, kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def test_shareholder_changes_page_by_500_in_the_hosts_order(upstream: Simulator) -> None:
    table = ggcg_frame(1234)
    upstream.dataset.put("stock_ggcg_em", table, symbol="全部")
    got = ak.stock_ggcg_em(symbol="全部")
    same(got, table)
    assert pages_asked(upstream, "RPT_SHARE_HOLDER_INCREASE") == ["1", "1", "2", "3"]
    assert got["最新价"].isna().sum() == got["涨跌幅"].isna().sum() == 1  # the row without a quote


@pytest.mark.parametrize(("symbol", "direction"), [("股东增持", "增持"), ("股东减持", "减持")])
def test_shareholder_changes_direction_is_the_hosts_filter(upstream: Simulator, symbol: str, direction: str) -> None:
    table = ggcg_frame(120)
    upstream.dataset.put("stock_ggcg_em", table)
    got = ak.stock_ggcg_em(symbol=symbol)
    same(got, table[table["持股变动信息-增减"] == direction])


def test_shareholder_changes_empty_answer_crashes_akshare(upstream: Simulator) -> None:
    upstream.dataset.put("stock_ggcg_em", ggcg_frame(50).iloc[0:0])
    with pytest.raises(TypeError, match="'NoneType' object is not subscriptable"):
        ak.stock_ggcg_em(symbol="全部")


# ------------------------------------------------------------------------------ macro_usa_cpi_yoy


def usa_cpi(months: int) -> pd.DataFrame:
    """US CPI yoy by reference month, the next release scheduled with no value yet (as Eastmoney lists it)."""
    firsts = [d.date() for d in pd.date_range(end="2023-04-01", periods=months, freq="MS")]
    rng = np.random.default_rng(months)
    values = (3 + rng.normal(0, 0.3, months).cumsum()).round(1)
    released = [(pd.Timestamp(m) + pd.DateOffset(months=1, days=11)).date() for m in firsts]
    frame = pd.DataFrame(
        {"时间": firsts, "发布日期": released, "现值": values, "前值": np.concatenate([[np.nan], values[:-1]])}
    )
    frame.loc[months - 1, "现值"] = np.nan
    return frame


def test_us_cpi_comes_back_whole_in_one_request_oldest_first(upstream: Simulator) -> None:
    table = usa_cpi(180)
    upstream.dataset.put("macro_usa_cpi_yoy", table.iloc[::-1].reset_index(drop=True))
    got = ak.macro_usa_cpi_yoy()
    same(got, table)
    assert got["时间"].map(type).eq(date).all() and got["发布日期"].map(type).eq(date).all()
    assert np.isnan(got["现值"].iloc[-1])  # the scheduled release
    [request] = upstream.requests(HOST)
    assert request.query["filter"] == '(INDICATOR_ID="EMG00000733")' and "pageSize" not in request.query


def test_another_us_indicator_is_the_empty_answer(upstream: Simulator) -> None:
    upstream.dataset.put("macro_usa_cpi_yoy", usa_cpi(12))
    with pytest.raises(TypeError):
        ak.macro_usa_phs()
