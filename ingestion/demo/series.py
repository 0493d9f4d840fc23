"""Building blocks for synthetic series that pass exactly through anchor values."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from datetime import date

import numpy as np


def bridge(days: Sequence[date], anchors: dict[date, float], vol: float, g: np.random.Generator) -> np.ndarray:
    """A random walk in logs over ``days`` through every anchor (the first day must be one)."""
    index = {d: i for i, d in enumerate(days)}
    n = len(days)
    steps = g.normal(0.0, vol, n)
    points = sorted((index[d], math.log(v)) for d, v in anchors.items())
    if points[0][0] != 0:
        raise ValueError("the first day needs an anchor")
    logs = np.empty(n)
    logs[0] = points[0][1]
    for (i0, l0), (i1, l1) in itertools.pairwise(points):
        segment = steps[i0 + 1 : i1 + 1]
        drift = (l1 - l0 - segment.sum()) / len(segment)
        logs[i0 + 1 : i1 + 1] = l0 + np.cumsum(segment + drift)
    last_i, last_l = points[-1]
    if last_i < n - 1:
        logs[last_i + 1 :] = last_l + np.cumsum(steps[last_i + 1 :])
    values = np.exp(logs)
    for i, value in ((index[d], v) for d, v in anchors.items()):
        values[i] = value
    return values


def ar1(n: int, g: np.random.Generator, sigma: float, phi: float = 0.9) -> np.ndarray:
    """A mean-zero AR(1) noise series."""
    out = np.zeros(n)
    shocks = g.normal(0.0, sigma, n)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + shocks[i]
    return out


def split_total(total: float, weights: Sequence[float], digits: int = 2) -> list[float]:
    """``total`` split by ``weights`` into rounded parts that add up exactly (after rounding)."""
    w = np.asarray(weights, dtype=float)
    parts = [round(total * x / w.sum(), digits) for x in w]
    parts[-1] = round(total - sum(parts[:-1]), digits)
    return parts


def pct(a: float, b: float) -> float:
    """(a / b - 1) in percent."""
    return (a / b - 1.0) * 100.0
