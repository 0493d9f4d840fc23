"""CPCA's wire format: akshare's car_market_total_cpca and car_market_fuel_cpca over the simulated host."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import requests

from simulator import Fault, Simulator

SYMBOLS = ("狭义乘用车", "广义乘用车")
INDICATORS = ("产量", "批发", "零售", "出口")


def cpca_table(seed: int, months_reached: int) -> pd.DataFrame:
    """A CPCA wide table as akshare returns it: 月份 (1月..12月), the previous year, the current year
    (万辆, NaN for the months not reached yet)."""
    rng = np.random.default_rng(seed)
    current = np.round(rng.uniform(20, 230, 12), 2)
    current[months_reached:] = np.nan
    return pd.DataFrame(
        {
            "月份": [f"{m}月" for m in range(1, 13)],
            "2022年": np.round(rng.uniform(20, 230, 12), 2),
            "2023年": current,
        }
    )


def put_total(upstream: Simulator, months_reached: int = 3) -> dict[tuple[str, str], pd.DataFrame]:
    tables = {}
    for k, (symbol, indicator) in enumerate((s, i) for s in SYMBOLS for i in INDICATORS):
        tables[symbol, indicator] = cpca_table(k, months_reached)
        upstream.dataset.put("car_market_total_cpca", tables[symbol, indicator], symbol=symbol, indicator=indicator)
    return tables


def test_every_symbol_and_indicator_comes_back_from_one_chart_answer(upstream: Simulator) -> None:
    import akshare as ak

    tables = put_total(upstream)
    tables["广义乘用车", "出口"].loc[1, "2023年"] = np.nan  # a gap inside the reached months stays a gap

    for (symbol, indicator), table in tables.items():
        upstream.dataset.put("car_market_total_cpca", table, symbol=symbol, indicator=indicator)
        frame = ak.car_market_total_cpca(symbol=symbol, indicator=indicator)
        pd.testing.assert_frame_equal(frame, table, obj=f"{symbol}/{indicator}")

    assert {r.query["charttype"] for r in upstream.requests()} == {"1"}
    assert len(upstream.requests()) == len(tables)


def test_the_current_year_key_comes_first_and_only_for_months_reached(upstream: Simulator) -> None:
    tables = put_total(upstream, months_reached=2)
    narrow, broad = requests.get("http://data.cpcadata.com/api/chartlist", params={"charttype": "1"}, timeout=5).json()
    assert list(narrow["dataList"][0]) == ["month", "2023年", "2022年"]
    assert list(narrow["dataList"][2]) == ["month", "2022年"]
    assert broad["dataList"][0]["2023年"] == [tables["广义乘用车", i].loc[0, "2023年"] for i in INDICATORS]


def test_the_new_energy_market_comes_back(upstream: Simulator) -> None:
    import akshare as ak

    table = cpca_table(11, 3)
    upstream.dataset.put("car_market_fuel_cpca", table, symbol="整体市场")

    frame = ak.car_market_fuel_cpca(symbol="整体市场")

    pd.testing.assert_frame_equal(frame, table)
    (served,) = upstream.requests()
    assert served.query == {"charttype": "6"}


@pytest.mark.parametrize(
    ("function", "params"),
    [
        ("car_market_total_cpca", {"symbol": "狭义乘用车", "indicator": "批发"}),
        ("car_market_total_cpca", {"symbol": "广义乘用车", "indicator": "零售"}),
        ("car_market_fuel_cpca", {"symbol": "整体市场"}),
    ],
)
def test_early_january_without_a_current_year_value_makes_akshare_raise_indexerror(
    upstream: Simulator, function: str, params: dict[str, str]
) -> None:
    """A known akshare crash: the chart items carry only the previous year, ``temp_df.columns[2]`` fails."""
    import akshare as ak

    put_total(upstream, months_reached=0)
    upstream.dataset.put("car_market_fuel_cpca", cpca_table(11, 0), symbol="整体市场")
    with pytest.raises(IndexError):
        getattr(ak, function)(**params)


def test_an_http_error_page_surfaces_as_a_json_decode_error(upstream: Simulator) -> None:
    import akshare as ak

    put_total(upstream)
    with upstream.fault(Fault("status", status=503)), pytest.raises(requests.exceptions.JSONDecodeError):
        ak.car_market_total_cpca(symbol="狭义乘用车", indicator="产量")
