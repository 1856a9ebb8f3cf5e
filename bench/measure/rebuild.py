"""Rebuild: events/s of the product's full rebuild (`cx-tracker projections rebuild`) beside the
raw read-and-decode rate of the same log, and the rebuild's peak memory; beside them, the fastest
any rebuild on one core could be with the views as they are: raw read+decode plus writing the
built views again by SQLite's cheapest means (`bench.child copy-views`: rows copied record for
record, then every index created), which computes nothing.

Each runs in a child process of its own (`bench.child`), so its peak resident set is its own.
The baseline runs before and after the rebuild; the faster of the two is the baseline (the
ratio is never flattered by a slow baseline). The rebuild's target file is the store's own
views file, which it leaves built and current for the read benchmarks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from bench.generate import Store
from bench.report import Figure, ratio
from bench.settings import REBUILD_PEAK_MIB_TARGET, REBUILD_RATIO_TARGET, Settings

MEMORY_JUDGED_FROM = 100_000  # the target is set at 10^5 and 10^6 events


def child(what: str, data_dir: str, batch_size: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.child", what, data_dir, "--batch-size", str(batch_size)],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.child {what} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def measure_rebuild(store: Store, s: Settings) -> list[Figure]:
    path = str(store.data.path)
    before = child("decode", path, s.batch_size)
    built = child("rebuild", path, s.batch_size)
    copied = child("copy-views", path, s.batch_size)
    after = child("decode", path, s.batch_size)
    base = max(before, after, key=lambda r: r["rate_per_s"])
    rate_ratio = ratio(built["rate_per_s"], base["rate_per_s"])
    peak_mib = built["peak_rss_kb"] / 1024
    judged_memory = store.events >= MEMORY_JUDGED_FROM
    detail = {"rebuild": built, "decode_before": before, "decode_after": after}
    events = copied["events"]
    ceiling = events / (events / base["rate_per_s"] + copied["seconds"]) if events else 0.0
    per_event = 1e6 / max(events, 1)
    return [
        Figure(store.events, "rebuild: events/s", built["rate_per_s"], "events/s",
               base["rate_per_s"], "raw read+decode", rate_ratio, f"ratio ≥ {REBUILD_RATIO_TARGET}",
               rate_ratio is not None and rate_ratio >= REBUILD_RATIO_TARGET, detail),
        Figure(store.events, "rebuild: peak memory", peak_mib, "MiB", base["peak_rss_kb"] / 1024,
               "raw read+decode peak", ratio(peak_mib, base["peak_rss_kb"] / 1024),
               f"≤ {REBUILD_PEAK_MIB_TARGET} MiB" if judged_memory else "",
               (peak_mib <= REBUILD_PEAK_MIB_TARGET) if judged_memory else None),
        Figure(store.events, "rebuild: ceiling on one core", ceiling, "events/s",
               base["rate_per_s"], "raw read+decode", ratio(ceiling, base["rate_per_s"]),
               detail={"copy_views": copied},
               secondary=(f"writing the views alone: rows {copied['rows_seconds'] * per_event:.1f}"
                          f" + indexes {copied['index_seconds'] * per_event:.1f} µs/event,"
                          f" raw read+decode {per_event * events / base['rate_per_s']:.1f}")),
    ]
