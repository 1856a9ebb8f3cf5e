"""The memory figures: a size measured beside a tenth of it carries the growth ratio."""

from __future__ import annotations

import pytest

from bench.measure.memory import NAME, memory_ratios
from bench.report import Figure


def figure(size: int, command: str, mib: float) -> Figure:
    return Figure(size, NAME.format(command), mib, "MiB", 30.0, "raw read+decode peak", mib / 30.0)


def test_the_larger_size_carries_peak_over_the_peak_a_decade_below() -> None:
    figures = [figure(100_000, "verify", 80.0), figure(1_000_000, "verify", 100.0),
               figure(100_000, "seal", 80.0), figure(1_000_000, "seal", 90.0)]
    memory_ratios(figures)
    small, big, _, flat = figures
    assert small.ratio == pytest.approx(80 / 30) and small.met is None  # nothing to compare with
    assert big.ratio == pytest.approx(1.25) and big.met is False and big.baseline == 80.0
    assert big.detail["raw_decode_peak_mib"] == 30.0
    assert flat.ratio == pytest.approx(1.125) and flat.met is True and "≤ 1.2" in flat.target


def test_sizes_not_a_decade_apart_are_left_alone() -> None:
    figures = [figure(100_000, "verify", 80.0), figure(300_000, "verify", 200.0)]
    memory_ratios(figures)
    assert figures[1].met is None and figures[1].ratio == pytest.approx(200 / 30)
