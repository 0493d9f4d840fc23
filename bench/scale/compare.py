"""Do two answers to the by-industry question agree? (same rows, same values within a tolerance)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd

KEY = ["week_id", "flow", "industry_code"]
EXACT = ["industry_index_code", "industry_name", "days_covered", "stocks_covered"]


def load(path: Path | str) -> pd.DataFrame:
    frame = pd.read_parquet(path)
    for column in ("days_covered", "stocks_covered", "rank_desc"):
        frame[column] = frame[column].astype("int64")
    for column in (*KEY, "industry_index_code", "industry_name"):
        frame[column] = frame[column].astype("string")
    return frame


def differences(left: pd.DataFrame, right: pd.DataFrame, *, rel: float = 1e-9, abs_: float = 1e-9) -> list[str]:
    """Human-readable differences (empty when the answers agree).

    Values are sums of floats in different orders, so they match within a tolerance; a rank may
    differ only where the two values it orders are equal within that tolerance.
    """
    problems: list[str] = []
    merged = left.merge(right, on=KEY, how="outer", suffixes=("_l", "_r"), indicator=True)
    only = merged[merged["_merge"] != "both"]
    if len(only):
        sample = only[[*KEY, "_merge"]].head(5).to_dict("records")
        problems.append(f"{len(only)} rows only on one side, e.g. {sample}")
    both = merged[merged["_merge"] == "both"]
    for column in EXACT:
        bad = both[
            both[f"{column}_l"].astype("string").fillna("<NA>") != both[f"{column}_r"].astype("string").fillna("<NA>")
        ]
        if len(bad):
            problems.append(
                f"{column} differs in {len(bad)} rows, e.g. {bad[[*KEY, f'{column}_l', f'{column}_r']].head(3).to_dict('records')}"
            )
    diff = (both["value_l"] - both["value_r"]).abs()
    limit = abs_ + rel * both[["value_l", "value_r"]].abs().max(axis=1)
    bad = both[diff > limit]
    if len(bad):
        problems.append(
            f"value differs in {len(bad)} rows (max |Δ| {diff.max():.3g}), e.g. "
            f"{bad[[*KEY, 'value_l', 'value_r']].head(3).to_dict('records')}"
        )
    rank_bad = both[both["rank_desc_l"] != both["rank_desc_r"]]
    if len(rank_bad):
        # a tie within the tolerance may be ordered either way
        tied = set()
        for (week, flow), group in both.groupby(["week_id", "flow"]):
            values = group["value_l"].sort_values().to_numpy()
            if any(abs(b - a) <= abs_ + rel * max(abs(a), abs(b)) for a, b in itertools.pairwise(values)):
                tied.add((week, flow))
        real = rank_bad[[(w, f) not in tied for w, f in zip(rank_bad["week_id"], rank_bad["flow"], strict=True)]]
        if len(real):
            problems.append(
                f"rank_desc differs in {len(real)} rows, e.g. {real[[*KEY, 'rank_desc_l', 'rank_desc_r']].head(3).to_dict('records')}"
            )
    return problems


def agree(left: Path | str, right: Path | str) -> list[str]:
    return differences(load(left), load(right))
