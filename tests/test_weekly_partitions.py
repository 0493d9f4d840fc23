"""The weekly partitions follow the landed calendar: when the calendar's landing step lands new
trading days (here fetched live with akshare's own function over the simulated upstream), their
weeks become partitions of the instance, after the older ones."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
import pytest

from ground.settings import Paths
from simulator import Simulator

from .conftest import land_calendar, trading_calendar_frame

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("prepared_dbt_manifest")]
CALENDAR = "tool_trade_date_hist_sina"


def test_landing_a_longer_calendar_adds_its_new_weeks(warehouse_home: Paths, upstream: Simulator) -> None:
    from orchestration.asset_keys import landing_key
    from orchestration.definitions import defs
    from orchestration.partitions import WEEKS, register_weeks

    land_calendar()  # 2021-01-04 .. 2023-12-29
    upstream.dataset.put(CALENDAR, trading_calendar_frame(end="2024-01-12"))
    with dg.instance_for_test() as instance:
        assert register_weeks(instance)[-1] == "2023-W52"
        result = defs.resolve_job_def("land_sources").execute_in_process(
            instance=instance,
            asset_selection=[landing_key(CALENDAR)],
            run_config={"resources": {"build": {"config": {"as_of": datetime.now(UTC).isoformat(), "live": True}}}},
            raise_on_error=False,
        )
        assert result.success
        [materialization] = [
            event.materialization
            for event in result.get_asset_materialization_events()
            if event.asset_key == landing_key(CALENDAR)
        ]
        assert materialization.metadata["weeks_added"].value == "2024-W01 .. 2024-W02 (2)"
        weeks = instance.get_dynamic_partitions(WEEKS.name)
        assert weeks[-3:] == ["2023-W52", "2024-W01", "2024-W02"]
