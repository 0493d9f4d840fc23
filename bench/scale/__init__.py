"""Benchmark 4: the per-stock fund-flow sources at scale (generator, three contenders, runner)."""
