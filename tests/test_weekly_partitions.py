"""The weekly partitions follow the landed calendar: when the calendar's landing step lands new
trading days (here fetched live with akshare's own function over the simulated upstream), their
weeks become partitions of the instance, after the older ones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import dagster as dg
import pytest

from ground.calendar import week_id_of
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
    # Sina's calendar runs to the end of the current year (a stale one would rightly fail its check)
    year_end = date(datetime.now(UTC).year, 12, 31)
    served = trading_calendar_frame(end=year_end.isoformat())
    upstream.dataset.put(CALENDAR, served)
    last = week_id_of(served["trade_date"].iloc[-1])
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
        added = materialization.metadata["weeks_added"].value
        assert added.startswith(f"2024-W01 .. {last} (")
        weeks = instance.get_dynamic_partitions(WEEKS.name)
        assert weeks[weeks.index("2023-W52") :][:3] == ["2023-W52", "2024-W01", "2024-W02"]
        assert weeks[-1] == last and weeks == sorted(weeks)
