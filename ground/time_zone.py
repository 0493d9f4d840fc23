"""The warehouse's time zone: the Shanghai exchanges' (UTC+8, no daylight saving).

Publication moments, report moments and "the day a list was fetched" are Shanghai times; the
databases store UTC (``ground.database`` sets DuckDB's ``TimeZone`` to UTC).
"""

from datetime import timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
