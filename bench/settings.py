"""How much each measurement does: the full run, and the smoke run CI uses to keep it working."""

from __future__ import annotations

from dataclasses import dataclass

# Targets (the issue's): ratios to the raw baselines, latencies in seconds, memory in MiB.
WRITE_RATIO_TARGET = 0.5
WRITE_P99_TARGET = 0.050
REBUILD_RATIO_TARGET = 0.5
READ_P99_TARGET = 0.020
AS_OF_P99_TARGET = 0.100
REBUILD_PEAK_MIB_TARGET = 200
VERIFY_RATIO_TARGET = 0.5  # issue 5
MEMORY_GROWTH_TARGET = 1.2  # issue 18: peak at 10x the events within 20 %


@dataclass(frozen=True)
class Settings:
    smoke: bool
    write_requests_one: int  # timed requests of the single client
    write_requests_each: int  # timed requests of each of the 8 clients
    write_warmup: int  # untimed requests per client first (loads the aggregates, warms caches)
    commitments_per_client: int
    ryw_samples: int
    read_repeat: int  # at least this many calls of each read
    read_min_seconds: float  # and for at least this long
    batch_size: int = 2000  # the rebuild command's default


FULL = Settings(
    smoke=False, write_requests_one=400, write_requests_each=100, write_warmup=20,
    commitments_per_client=20, ryw_samples=200, read_repeat=200, read_min_seconds=2.0,
)
SMOKE = Settings(
    smoke=True, write_requests_one=20, write_requests_each=5, write_warmup=2,
    commitments_per_client=5, ryw_samples=10, read_repeat=5, read_min_seconds=0.0,
)
SMOKE_EVENTS = 2000
