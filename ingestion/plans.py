"""Which akshare calls a run makes for a source: its parameter sets times the dates it needs."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from ground.calendar import Week
from ingestion.landing import list_loads, read_load
from ingestion.registry import Source, get_source

log = logging.getLogger(__name__)


def derived_values(source: Source, landing: Path | None = None) -> list[str] | None:
    """The values a ``param_sets_from`` source takes its parameter sets from: the distinct values of
    the named column in the newest load of the origin source (e.g. every board code of today's board
    list). None when the origin source has no load yet."""
    origin = source.param_sets_from
    assert origin is not None
    loads = [ld for ld in list_loads(landing, origin.source) if ld.rows > 0]
    if not loads:
        return None
    column = read_load(loads[-1])[origin.column].dropna().astype(str)
    return sorted(set(column))


def planned_calls(
    source: Source, week: Week | None, today: date | None = None, landing: Path | None = None
) -> list[dict[str, Any]]:
    """The parameter dicts of every call for ``week`` (``None``: the latest data only).

    A source whose parameter sets come from another source's landed column plans none while that
    source has no load (the warning names it; its landing asset lands it on the same run, the next
    run then plans these calls).
    """
    today = today or datetime.now().date()
    # a day's data exists upstream from day + lag_days (margin data: the next morning); asking
    # for it earlier gets the host's empty answer, on which akshare's parsers crash
    lag = timedelta(days=source.publication.lag_days if source.publication else 0)
    if source.param_sets_from is not None:
        values = derived_values(source, landing)
        if values is None:
            origin = get_source(source.param_sets_from.source)
            log.warning(
                "%s: no call planned: its parameter sets are the %s values of %s, which has no load yet",
                source.name,
                source.param_sets_from.column,
                origin.name,
            )
            return []
        bases = source.call_params(values)
    else:
        bases = source.call_params()
    calls: list[dict[str, Any]] = []
    for base in bases:
        if source.call == "once":
            calls.append(base)
        elif source.call == "per_date":
            assert source.date_param is not None
            days = [d for d in week.trading_days if d + lag <= today] if week else [today - lag]
            calls += [{**base, source.date_param.name: d.strftime(source.date_param.format)} for d in days]
        elif source.call == "per_week":
            assert source.date_param is not None
            day = week.last_trading_day if week else today - lag
            if day + lag <= today:
                calls.append({**base, source.date_param.name: day.strftime(source.date_param.format)})
        elif source.call == "per_range":
            assert source.range_params is not None
            rp = source.range_params
            start = week.start - timedelta(days=7) if week else today - timedelta(days=14)
            end = min(week.end, today) if week else today
            while start <= end:
                chunk_end = min(end, start + timedelta(days=rp.max_days - 1))
                calls.append({**base, rp.start: start.strftime(rp.format), rp.end: chunk_end.strftime(rp.format)})
                start = chunk_end + timedelta(days=1)
    return calls
