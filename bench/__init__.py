"""Benchmarks of the warehouse (ratios, not timed tests): `python -m bench --help`, bench/README.md."""
