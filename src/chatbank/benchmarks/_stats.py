"""Percentiles and ratios shared by the payments, assistant and nlu benchmarks."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (`fraction` in 0..1) of non-empty `samples`."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50, p99, mean and max in milliseconds, and how many samples they come from."""
    if not seconds:
        nan = float("nan")
        return {"n": 0, "p50_ms": nan, "p99_ms": nan, "mean_ms": nan, "max_ms": nan}
    return {"n": len(seconds), "p50_ms": round(1000 * percentile(seconds, 0.50), 3),
            "p99_ms": round(1000 * percentile(seconds, 0.99), 3),
            "mean_ms": round(1000 * sum(seconds) / len(seconds), 3),
            "max_ms": round(1000 * max(seconds), 3)}


def ratio(ours: float, baseline: float) -> float:
    """`ours / baseline`, NaN when either is missing or the baseline is zero."""
    if baseline == 0 or math.isnan(baseline) or math.isnan(ours):
        return float("nan")
    return round(ours / baseline, 4)
