"""ISO weeks as a new user types them: a week that does not exist is a one-line error."""

from __future__ import annotations

from datetime import UTC

import duckdb
import pytest
from click.testing import CliRunner

from cli.commands import main
from ground.calendar import UnknownWeekError, parse_week_id, weeks
from ground.settings import Paths
from ingestion.trading_calendar import trading_days


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2023-W53", "2023-W53 does not exist: ISO year 2023 has weeks 01 to 52"),
        ("2023-W00", "2023-W00 does not exist: ISO year 2023 has weeks 01 to 52"),
        ("2023-15", "'2023-15' is not an ISO week such as 2023-W15"),
    ],
)
def test_a_week_that_does_not_exist_is_named(week: str, message: str) -> None:
    with pytest.raises(UnknownWeekError) as raised:
        parse_week_id(week)
    assert str(raised.value) == message


def test_a_year_with_53_weeks_has_week_53() -> None:
    assert str(parse_week_id("2020-W53")[0]) == "2020-12-28"


def test_build_of_week_53_of_a_52_week_year_is_a_one_line_error(warehouse_home: Paths) -> None:
    result = CliRunner().invoke(main, ["build", "--week", "2023-W53"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert result.output.splitlines()[-1] == "Error: 2023-W53 does not exist: ISO year 2023 has weeks 01 to 52"


@pytest.mark.slow
def test_python_and_dbt_make_the_same_weeks_from_the_landed_calendar(demo_warehouse: Paths) -> None:
    """``ground.calendar`` (the CLI, partitions, the report) and dbt's ``int_trading_weeks_summarized``
    (the marts) apply the same rules to the same landed calendar: same weeks, trading days, last
    trading day and report moment, holiday weeks absent from both."""
    days = trading_days(demo_warehouse.landing)
    python_weeks = {
        w.week_id: (w.start, w.end, len(w.trading_days), w.last_trading_day, w.report_moment.astimezone(UTC))
        for w in weeks(days)
    }
    con = duckdb.connect(str(demo_warehouse.working_db), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        rows = con.execute(
            "select week_id, week_start, week_end, trading_days, last_trading_day, report_moment "
            "from intermediate.int_trading_weeks_summarized"
        ).fetchall()
    finally:
        con.close()
    dbt_weeks = {r[0]: (r[1], r[2], r[3], r[4], r[5].astimezone(UTC)) for r in rows}
    assert len(dbt_weeks) > 100 and "2023-W04" not in dbt_weeks  # Spring Festival 2023: no trading day
    assert dbt_weeks == python_weeks
