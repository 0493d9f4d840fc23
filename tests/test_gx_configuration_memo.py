"""The one patch of GX internals (expectations.gx_configuration_memo) is pinned: these tests fail
when the installed Great Expectations is not a version the patch was verified against, or when GX
changes the attribute the patch replaces, so an upgrade cannot silently change what it patches."""

from __future__ import annotations

import great_expectations
import pytest
from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

from expectations.gx_configuration_memo import (
    VERIFIED_GX_VERSIONS,
    configurations_memoized,
    memo_active,
    patch_applies,
)


def test_installed_gx_is_a_version_the_patch_was_verified_against() -> None:
    assert great_expectations.__version__ in VERIFIED_GX_VERSIONS, (
        f"great_expectations {great_expectations.__version__} is installed; the configuration memo was verified "
        f"against {VERIFIED_GX_VERSIONS}: rerun tests/test_quality_adapter.py and add the version"
    )


def test_the_patched_attribute_is_still_a_read_only_property_returning_a_configuration() -> None:
    # GX's own property (or the memo's wrapper, installed with the same shape)
    attribute = Expectation.__dict__["configuration"]
    assert isinstance(attribute, property) and attribute.fget is not None and attribute.fset is None
    expectation = great_expectations.expectations.ExpectColumnToExist(column="x")
    configuration = expectation.configuration
    assert isinstance(configuration, ExpectationConfiguration)
    assert configuration.type == "expect_column_to_exist" and configuration.kwargs["column"] == "x"
    assert patch_applies(great_expectations.__version__, Expectation)


def test_the_patch_is_refused_for_another_version_or_another_attribute() -> None:
    assert not patch_applies("99.0.0", Expectation)

    class Changed:
        configuration = None  # no longer a property

    assert not patch_applies(VERIFIED_GX_VERSIONS[0], Changed)


def test_inside_a_validation_configurations_are_reused_and_outside_gx_builds_them() -> None:
    expectation = great_expectations.expectations.ExpectColumnToExist(column="x")
    assert not memo_active()
    with configurations_memoized():
        assert memo_active()
        assert expectation.configuration is expectation.configuration
    assert not memo_active()
    assert expectation.configuration is not expectation.configuration  # GX's own: a new object per read
    assert expectation.configuration == expectation.configuration


@pytest.mark.parametrize("result_format", ["BOOLEAN_ONLY", "COMPLETE"])
def test_a_validation_through_the_adapter_returns_gx_s_result_type(result_format: str) -> None:
    import pandas as pd

    from expectations.gx_validation import gx_validate
    from expectations.suites import read_suite, suite_hash

    name = "macro_china_hgjck"
    frame = pd.DataFrame({"月份": ["2023年03月份"]})
    result = gx_validate(name, suite_hash(read_suite(name)), frame, None, result_format)
    assert isinstance(result, ExpectationSuiteValidationResult)
    assert not result.success  # the other columns are missing
