"""Great Expectations itself: one ephemeral context and pandas batch definition per process, the
source's suite as a GX ``ExpectationSuite`` (patterns expanded), and one validation of a frame.

GX is imported lazily, at the first validation: importing it costs seconds, and the code location
and the CLI load without it.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from typing import Any

import pandas as pd

from expectations.gx_configuration_memo import configurations_memoized
from expectations.suites import expand_patterns, read_suite

GX_MODE_ENV = "WAREHOUSE_GX_MODE"


def gx_mode() -> str:
    """``always`` (default: GX validates every group) or ``screen`` (GX validates what the screen cannot clear)."""
    mode = os.environ.get(GX_MODE_ENV, "always").strip().lower() or "always"
    if mode not in ("screen", "always"):
        raise ValueError(f"{GX_MODE_ENV} must be 'screen' or 'always', not {mode!r}")
    return mode


@cache
@cache
def gx_batch_definition() -> Any:
    """One ephemeral GX context and pandas batch definition per process (GX is imported here)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    source = context.data_sources.add_pandas("landing")
    return source.add_dataframe_asset("load").add_batch_definition_whole_dataframe("whole")


@cache
def gx_suite(source_name: str, digest: str, columns: tuple[str, ...], selected: tuple[int, ...] | None) -> Any:
    """The source's suite for a frame with ``columns`` (patterns expanded), or the ``selected`` part."""
    import great_expectations as gx

    suite = read_suite(source_name)
    expanded = expand_patterns(suite["expectations"], list(columns))
    # meta.position: where the expectation stands in the expanded suite (screen flags use it too)
    expectations = [
        {**e, "meta": {**(e.get("meta") or {}), "position": i}}
        for i, e in enumerate(expanded)
        if selected is None or i in selected
    ]
    return gx.ExpectationSuite(
        name=f"{source_name}-{digest}-{abs(hash((columns, selected))) % 10**10}",
        expectations=expectations,
        meta=suite.get("meta", {}),
    )


def gx_validate(
    source_name: str,
    digest: str,
    frame: pd.DataFrame,
    selected: tuple[int, ...] | None = None,
    result_format: str = "COMPLETE",
) -> Any:
    """GX's validation result for ``frame`` under the source's suite (or its ``selected`` expectations)."""
    suite = gx_suite(source_name, digest, tuple(str(c) for c in frame.columns), selected)
    batch = gx_batch_definition().get_batch(batch_parameters={"dataframe": frame})
    with configurations_memoized():
        return batch.validate(suite, result_format={"result_format": result_format, "partial_unexpected_count": 20})
