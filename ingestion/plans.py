"""Which akshare calls a run makes for a source: its parameter sets times the dates it needs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from ingestion.registry import Source
from warehouse.calendar import Week


def planned_calls(source: Source, week: Week | None, today: date | None = None) -> list[dict[str, Any]]:
    """The parameter dicts of every call for ``week`` (``None``: the latest data only)."""
    today = today or datetime.now().date()
    # a day's data exists upstream from day + lag_days (margin data: the next morning); asking
    # for it earlier gets the host's empty answer, on which akshare's parsers crash
    lag = timedelta(days=source.publication.lag_days if source.publication else 0)
    calls: list[dict[str, Any]] = []
    for base in source.call_params():
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
