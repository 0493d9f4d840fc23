"""The live path: every registered akshare function, run by akshare's own code over the simulated
upstream, then Fetcher -> landing -> the source's blocking check.

The simulator serves the upstream state of the demo week's report moment (from the demo
snapshot); each source is fetched with every parameter set the weekly plan of 2023-W15 uses.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from expectations.adapter import check_source
from ground.settings import DEMO_LANDING, Paths
from ingestion.fetching import Fetcher
from ingestion.landing import land_frame, list_loads
from ingestion.plans import planned_calls
from ingestion.registry import registry
from ingestion.trading_calendar import landed_week
from simulator.wire import FUNCTIONS

from .conftest import DEMO_AS_OF, DEMO_WEEK
from .upstream_state import fill_from_landing

pytestmark = pytest.mark.integration

AKSHARE_SOURCES = sorted(s.name for s in registry().values() if s.kind == "akshare")


def fetcher() -> Fetcher:
    return Fetcher(deadline_seconds=60, max_attempts=1, min_interval_seconds=0, backoff_base=0)


@pytest.mark.parametrize("name", AKSHARE_SOURCES)
def test_source_lands_and_passes_its_check_over_the_simulator(name: str, upstream, warehouse_home: Paths) -> None:
    source = registry()[name]
    assert source.function in FUNCTIONS, f"{source.function} has no simulated upstream"
    fill_from_landing(upstream.dataset, DEMO_LANDING, DEMO_AS_OF, [name])
    calls = planned_calls(source, landed_week(DEMO_WEEK), today=date(2023, 4, 14), landing=DEMO_LANDING)
    assert calls, f"the weekly plan makes no call of {name}"
    loads = []
    for params in calls:
        frame = fetcher().fetch(source, params)
        assert len(frame) > 0
        loads.append(land_frame(source, frame, params, origin="akshare", fetched_at=DEMO_AS_OF).load)
    called = {r.host for r in upstream.requests()}
    assert called <= set(source.hosts), f"{name} called hosts the registry does not list: {called - set(source.hosts)}"
    bad = [r for r in upstream.requests() if r.status is None or r.status >= 400]
    assert not bad, f"requests the simulator could not answer: {bad[:3]}"
    with duckdb.connect(str(warehouse_home.working_db)) as con:
        outcome = check_source(source, list_loads(source=name), con=con, reference=DEMO_AS_OF, as_of=DEMO_AS_OF)
    critical = [f.sentence() for f in outcome.failures if f.critical]
    assert not critical, f"{name}: the landed answer fails its blocking check: {critical}"
