"""The embedded demo snapshot: a deterministic generator of a complete landing zone.

``python -m ingestion.demo`` deletes and rewrites ``data/demo/landing`` (one folder per
registered source, loads written through :func:`ingestion.landing.land_frame` with
``origin="demo"``), ``data/demo/published_figures.json`` and ``data/demo/MANIFEST.md``.
Loads take the path real data takes: akshare sources are fetched with their akshare functions over
the simulated upstream serving the generated series (``upstream.py``), curated sources are read from
CSV files with the parser of ``warehouse ingest`` (``curated_files.py``).
The data is synthetic; around the demo week 2023-W15 it is pinned so that the note's
published figures come out of the marts exactly (see ``figures.py``).
"""
