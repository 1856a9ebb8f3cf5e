"""Timing helpers: latency samples and their percentiles."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0-100) by the nearest-rank method; NaN for no samples."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latency:
    """Seconds per operation, as p50/p99/mean over `n` samples."""

    n: int
    p50: float
    p99: float
    mean: float

    @classmethod
    def of(cls, samples: list[float]) -> Latency:
        mean = sum(samples) / len(samples) if samples else math.nan
        return cls(len(samples), percentile(samples, 50), percentile(samples, 99), mean)

    def as_ms(self) -> dict[str, Any]:
        return {"n": self.n, "p50_ms": self.p50 * 1e3, "p99_ms": self.p99 * 1e3,
                "mean_ms": self.mean * 1e3}


def sample(call: Callable[[], object], *, repeat: int, min_seconds: float = 0.0,
           max_seconds: float = 30.0, warmup: int = 2, min_repeat: int = 20) -> Latency:
    """Time `call` `repeat` times and for at least `min_seconds`; a slow call stops after
    `max_seconds` once it has `min_repeat` samples (the sample count is in the result)."""
    for _ in range(warmup):
        call()
    samples: list[float] = []
    started = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        call()
        samples.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
        if len(samples) >= repeat and elapsed >= min_seconds:
            break
        if elapsed >= max_seconds and len(samples) >= min(min_repeat, repeat):
            break
    return Latency.of(samples)
