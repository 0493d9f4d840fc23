"""ISO weeks as a new user types them: a week that does not exist is a one-line error."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.commands import main
from ground.calendar import UnknownWeekError, parse_week_id
from ground.settings import Paths


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
