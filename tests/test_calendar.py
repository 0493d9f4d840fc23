"""The report's weeks as a user meets them: week ids they type, holiday weeks, report moments.

The rules live once, in ``dbt_project/macros/trading_weeks.sql``; Python runs those macros over
the landed calendar (``ingestion.week_rules``) and the calendar models call them, so the CLI,
the partitions and the marts cannot disagree. These tests run the Python side on the embedded
demo calendar and on small calendar files; the models' own dbt unit tests
(``models/intermediate/calendar/_calendar__unit_tests.yml``) run the dbt side.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from cli.commands import main
from ground.calendar import UnknownWeekError, parse_week_id
from ground.settings import DBT_PROJECT_DIR, DEMO_LANDING, Paths
from ground.time_zone import SHANGHAI
from ingestion.trading_calendar import landed_week, landed_weeks, trading_days
from ingestion.week_rules import MACRO_FILE, weeks_of_calendar_file

from .conftest import land_calendar


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


def test_build_of_a_holiday_week_is_a_one_line_error(warehouse_home: Paths) -> None:
    result = CliRunner().invoke(main, ["build", "--week", "2023-W04"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (
        result.output.splitlines()[-1] == "Error: 2023-W04 has no SSE trading day (a holiday week), so it has no report"
    )


# ------------------------------------------------------------------ weeks of the demo calendar


def test_the_demo_week_is_reported_on_friday_evening_shanghai_time() -> None:
    week = landed_week("2023-W15", DEMO_LANDING)
    assert (week.start, week.end) == (date(2023, 4, 10), date(2023, 4, 16))
    assert week.trading_days == tuple(date(2023, 4, d) for d in (10, 11, 12, 13, 14))
    assert week.report_moment == datetime(2023, 4, 14, 20, 0, tzinfo=SHANGHAI)
    assert week.report_moment.isoformat() == "2023-04-14T20:00:00+08:00"


def test_a_week_traded_monday_to_thursday_is_reported_on_thursday_evening() -> None:
    week = landed_week("2023-W39", DEMO_LANDING)  # Friday 29 September: Mid-Autumn Festival
    assert week.trading_days == tuple(date(2023, 9, d) for d in (25, 26, 27, 28))
    assert week.report_moment.isoformat() == "2023-09-28T20:00:00+08:00"


def test_a_week_with_a_midweek_holiday_keeps_its_other_days() -> None:
    week = landed_week("2023-W14", DEMO_LANDING)  # Wednesday 5 April: Qingming
    assert week.trading_days == tuple(date(2023, 4, d) for d in (3, 4, 6, 7))
    assert week.report_moment.isoformat() == "2023-04-07T20:00:00+08:00"


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2023-W04", "2023-W04 has no SSE trading day (a holiday week), so it has no report"),  # Spring Festival
        ("2023-W40", "2023-W40 has no SSE trading day (a holiday week), so it has no report"),  # National Day
        ("2024-W02", "2024-W02 is beyond the landed trading calendar (last day 2023-12-29)"),
        ("1991-W10", "1991-W10 is before the landed trading calendar (first day 1992-05-04)"),
        ("2023-W54", "2023-W54 does not exist: ISO year 2023 has weeks 01 to 52"),
    ],
)
def test_a_week_without_a_report_says_why(week: str, message: str) -> None:
    with pytest.raises(UnknownWeekError) as raised:
        landed_week(week, DEMO_LANDING)
    assert str(raised.value) == message


def test_holiday_weeks_are_not_partitions_and_every_week_has_a_trading_day() -> None:
    weeks = landed_weeks(since=date(2023, 1, 1), landing=DEMO_LANDING)
    ids = [w.week_id for w in weeks]
    assert ids[0] == "2023-W01" and ids[-1] == "2023-W52"
    assert "2023-W04" not in ids and "2023-W40" not in ids and "2023-W15" in ids
    assert len(ids) == 50 == len(set(ids))
    assert all(w.start <= w.trading_days[0] <= w.last_trading_day <= w.end for w in weeks)
    assert [w.start for w in weeks] == sorted(w.start for w in weeks)


def test_trading_days_are_the_landed_calendar_in_order() -> None:
    days = trading_days(DEMO_LANDING)
    assert days == tuple(sorted(set(days)))
    assert date(2023, 4, 14) in days and date(2023, 4, 5) not in days and date(2023, 1, 24) not in days


# -------------------------------------------------------------------- small calendar files


def _calendar_file(tmp_path: Path, days: list[str]) -> Path:
    path = tmp_path / "calendar.parquet"
    values = ", ".join(f"(date '{d}')" for d in days)
    duckdb.sql(f"copy (select * from (values {values}) as t(trade_date)) to '{path}' (format parquet)")
    return path


def test_a_year_boundary_inside_an_iso_week(tmp_path: Path) -> None:
    """New Year's Day is a holiday: 2020-12-31 (Thursday) ends ISO week 2020-W53, 2021-01-04 starts 2021-W01."""
    weeks = weeks_of_calendar_file(_calendar_file(tmp_path, ["2020-12-30", "2020-12-31", "2021-01-04"]))
    assert [(w.week_id, w.start, w.end, len(w.trading_days)) for w in weeks] == [
        ("2020-W53", date(2020, 12, 28), date(2021, 1, 3), 2),
        ("2021-W01", date(2021, 1, 4), date(2021, 1, 10), 1),
    ]
    assert weeks[0].report_moment.isoformat() == "2020-12-31T20:00:00+08:00"


def test_a_calendar_file_without_trade_dates_is_named(tmp_path: Path) -> None:
    path = tmp_path / "wrong.parquet"
    duckdb.sql(f"copy (select date '2023-04-14' as day) to '{path}' (format parquet)")
    with pytest.raises(ValueError, match=re.escape(f"trading calendar {path}")):
        weeks_of_calendar_file(path)


def test_the_warehouse_calendar_wins_over_the_demo_and_a_new_load_is_read(warehouse_home: Paths) -> None:
    land_calendar(warehouse_home.landing)  # 2021-01-04 .. 2023-12-29
    weeks = landed_weeks(landing=warehouse_home.landing)
    assert weeks[0].week_id == "2021-W01" and weeks[-1].week_id == "2023-W52"
    assert landed_week("2023-W15").report_moment.isoformat() == "2023-04-14T20:00:00+08:00"


# ----------------------------------------------------------------- one implementation of the rules


def test_the_week_rules_exist_once_in_the_dbt_macro_file() -> None:
    """The calendar models call the macros Python runs; no other model or macro repeats a rule."""
    models = DBT_PROJECT_DIR / "models"
    calendar = models / "intermediate" / "calendar"
    assert "{{ trading_days_assigned_to_weeks(" in (calendar / "int_trading_days_assigned_to_weeks.sql").read_text(
        "utf-8"
    )
    assert "{{ trading_weeks(" in (calendar / "int_trading_weeks_summarized.sql").read_text("utf-8")
    assert MACRO_FILE == DBT_PROJECT_DIR / "macros" / "trading_weeks.sql"
    rules = ("'%G-W%V'", "date_trunc('week'", "time '20:00'")
    assert all(rule in MACRO_FILE.read_text("utf-8") for rule in rules)
    sql = [*models.rglob("*.sql"), *(DBT_PROJECT_DIR / "macros").glob("*.sql")]
    elsewhere = [p.name for p in sql if p != MACRO_FILE and any(rule in p.read_text("utf-8") for rule in rules)]
    assert elsewhere == []
