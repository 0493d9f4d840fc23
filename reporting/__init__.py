"""The weekly report (周度策略数据摘要): every table of the note for a week, as Markdown, HTML and Excel.

Modules, one job each:

* ``weekly``      – the entry point ``render_weekly_summary`` (what Dagster and the CLI call);
* ``queries``     – read-only SQL on the serving database (weekly marts by week, monthly by cut-off);
* ``sections``    – what each section shows: its tables, sentences and charts, in the note's order;
* ``sentences``   – direction words chosen from the numbers and the note's sentence templates;
* ``formatting``  – numbers and dates in the note's style;
* ``provenance``  – sources' freshness, rows, checks, akshare version; demo banner; table flags;
* ``charts``      – matplotlib charts with the CJK font from ``mplfonts`` (``fonts``);
* ``markdown``, ``html`` (+ ``templates/``), ``excel`` – the three renderings of one ``model.Report``;
"""
