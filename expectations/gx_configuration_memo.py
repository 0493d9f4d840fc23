"""The one patch of GX internals: ``Expectation.configuration`` memoised inside a validation.

GX 1.x rebuilds an expectation's configuration each time the property is read (see
:func:`_install_configuration_memo`); keeping the first value per expectation while one
validation runs makes a validation about five times faster on our suites. The patch is pinned:
it is installed only for the GX versions it was verified against (:data:`VERIFIED_GX_VERSIONS`)
and only while ``Expectation.configuration`` is a plain property; any other GX validates with its
own property (slower, same results) and logs a warning. ``tests/test_gx_configuration_memo.py``
fails when the installed GX leaves the verified versions or changes the patched attribute, and
``tests/test_quality_adapter.py`` checks the results are identical with and without the memo.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from functools import cache
from typing import Any

log = logging.getLogger(__name__)

# GX releases (major.minor.patch) whose Expectation.configuration this patch was verified against;
# a new GX: rerun tests/test_quality_adapter.py::test_memoized_configurations_give_gx_s_own_results
# and tests/test_gx_configuration_memo.py, then add the version here
VERIFIED_GX_VERSIONS = ("1.24.1",)

# inside configurations_memoized(): expectation id -> (the expectation, its configuration)
_memo: dict[int, tuple[Any, Any]] | None = None


def patch_applies(version: str, expectation_class: Any) -> bool:
    """The patch may be installed: a verified GX version whose ``Expectation.configuration`` is a
    property with a getter and no setter (what the memo replaces)."""
    attribute = expectation_class.__dict__.get("configuration")
    return (
        version in VERIFIED_GX_VERSIONS
        and isinstance(attribute, property)
        and attribute.fget is not None
        and attribute.fset is None
    )


def memo_active() -> bool:
    """True inside :func:`configurations_memoized` (a validation of the adapter)."""
    return _memo is not None


@cache
def _install_configuration_memo() -> None:
    """Let ``Expectation.configuration`` reuse its value inside one validation.

    GX 1.x rebuilds an expectation's configuration (a pydantic ``.dict()`` and a new
    ``ExpectationConfiguration``) each time the property is read, about 13 times per expectation
    and metric during one validation: 80 % of a validation's time on our suites. The expectations
    do not change while a validation runs, so inside :func:`gx_validate` the first value is kept
    per expectation object; outside it (and in any other caller) the property is GX's own.
    ``tests/test_quality_adapter.py`` checks that the results are identical either way.
    """
    import great_expectations
    from great_expectations.expectations.expectation import Expectation

    if not patch_applies(great_expectations.__version__, Expectation):
        log.warning(
            "great_expectations %s is not a version the configuration memo was verified against (%s) "
            "or its Expectation.configuration is no longer a property: validating without the memo (slower)",
            great_expectations.__version__,
            ", ".join(VERIFIED_GX_VERSIONS),
        )
        return
    original = Expectation.configuration.fget

    def configuration(self: Any) -> Any:
        if _memo is None:
            return original(self)
        hit = _memo.get(id(self))
        if hit is None or hit[0] is not self:
            hit = (self, original(self))
            _memo[id(self)] = hit
        return hit[1]

    Expectation.configuration = property(configuration, doc=Expectation.configuration.__doc__)


@contextlib.contextmanager
def configurations_memoized() -> Iterator[None]:
    global _memo
    _install_configuration_memo()
    _memo = {}
    try:
        yield
    finally:
        _memo = None
