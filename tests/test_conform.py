"""Landing's type rule: representations conform to the registry's logical types, losslessly, recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

from ground.settings import Paths
from ingestion.conform import conform
from ingestion.landing import land_frame, read_load
from ingestion.registry import get_source

INDEX = get_source("index_zh_a_hist")
SSE = get_source("stock_sse_deal_daily")


def bars(days: list) -> pd.DataFrame:
    n = len(days)
    frame = pd.DataFrame({c.name: [1.0] * n for c in INDEX.columns if c.name != "日期"})
    frame.insert(0, "日期", days)
    return frame


def test_iso_text_dates_become_dates_and_the_manifest_says_so(warehouse_home: Paths) -> None:
    load = land_frame(INDEX, bars(["2023-04-13", "2023-04-14"]), {"symbol": "000001"}, origin="test").load
    assert load.conversions == [{"column": "日期", "returned": "str", "stored": "date"}]
    assert list(read_load(load)["日期"]) == [date(2023, 4, 13), date(2023, 4, 14)]
    assert load.period_min == "2023-04-13" and load.period_max == "2023-04-14"


def test_a_column_that_is_not_all_dates_is_left_as_returned_for_the_check_to_name() -> None:
    frame, conversions = conform(INDEX, bars(["2023-04-13", "2023年4月14日"]))
    assert conversions == [] and list(frame["日期"]) == ["2023-04-13", "2023年4月14日"]


def test_datetimes_at_midnight_become_dates_but_times_of_day_are_kept() -> None:
    midnight = bars(list(pd.to_datetime(["2023-04-13", "2023-04-14"])))
    frame, conversions = conform(INDEX, midnight)
    assert [c.stored for c in conversions] == ["date"] and frame["日期"][0] == date(2023, 4, 13)
    with_time = bars(list(pd.to_datetime(["2023-04-13 09:30", "2023-04-14 00:00"])))
    assert conform(INDEX, with_time)[1] == []


def test_already_dates_are_not_a_conversion() -> None:
    assert conform(INDEX, bars([date(2023, 4, 13)]))[1] == []


def test_a_categorical_is_stored_as_its_text(warehouse_home: Paths) -> None:
    labels = ["挂牌数", "市价总值", "流通市值", "成交金额", "成交量", "平均市盈率", "换手率", "流通换手率"]
    frame = pd.DataFrame({"单日情况": pd.Categorical(labels, categories=labels, ordered=True)})
    for column in ("股票", "主板A", "主板B", "科创板", "股票回购"):
        frame[column] = 1.0
    load = land_frame(
        SSE, frame, {"date": "20230414"}, origin="test", fetched_at=datetime(2023, 4, 14, tzinfo=UTC)
    ).load
    assert load.conversions == [{"column": "单日情况", "returned": "category", "stored": "string"}]
    back = read_load(load)
    assert not isinstance(back["单日情况"].dtype, pd.CategoricalDtype) and list(back["单日情况"]) == labels


def test_whole_numbers_in_a_float_column_are_stored_as_doubles_when_exact() -> None:
    frame = bars(["2023-04-14"])
    frame["成交量"] = pd.Series([15643711], dtype="int64")
    conformed, conversions = conform(INDEX, frame)
    assert conformed["成交量"].dtype == "float64" and conformed["成交量"][0] == 15643711.0
    assert {"column": "成交量", "returned": "int64", "stored": "float"} in [c.as_dict() for c in conversions]
    frame["成交量"] = pd.Series([2**53 + 1], dtype="int64")
    assert conform(INDEX, frame)[0]["成交量"].dtype == "int64"
