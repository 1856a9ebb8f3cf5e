"""Read-your-writes: from the moment a command returns until its effect is visible in the views.

Product: the command's receipt names its position; the clock starts when the command returns,
then the runner catches every view up to that position (what a request handler does before it
renders) and a fresh read through the queries finds the new progress on the board and the new
row on the timeline; the clock stops there.
Baseline: the raw floor of any pull-based projection, from the same moment: read the new
notification back from the log and decode it.
"""

from __future__ import annotations

import time

from bench.baselines import open_raw, raw_progress
from bench.generate import Store
from bench.measure.clients import percent, writers
from bench.report import Figure, ratio
from bench.settings import Settings
from bench.stats import Latency
from bench.workspace import scratch_copy
from projections.database import open_views
from projections.queries import board, timeline
from projections.runner import Runner
from projections.views import all_views
from tracker.config import open_tracker


def measure_ryw(store: Store, s: Settings) -> list[Figure]:
    writer = writers(store, 1, s.commitments_per_client)[0]
    with scratch_copy(store, "ryw") as data:
        app = open_tracker(data)
        runner = Runner(app, open_views(data.views), all_views())
        reader = open_views(data.views)
        product: list[float] = []
        try:
            runner.catch_up()
            for i in range(-3, s.ryw_samples):  # three untimed warm-ups
                cid, pct = writer.commitment(i), percent(i + 50)
                receipt = app.report_progress(writer.actor, cid, percent=pct, note="ryw")
                t0 = time.perf_counter()
                runner.catch_up(receipt.position)
                row = board.commitment(reader, cid)
                page = timeline.timeline_page(reader, commitment=cid, limit=1)
                elapsed = time.perf_counter() - t0
                if row is None or row["progress"] != pct or page.rows[0]["position"] != receipt.position:
                    raise AssertionError(f"the write at {receipt.position} is not visible after catch-up")
                if i >= 0:
                    product.append(elapsed)
        finally:
            runner.close()
            reader.close()
            app.close()
        raw = open_raw(data)
        floor: list[float] = []
        try:
            for i in range(s.ryw_samples):
                position = raw_progress(raw, writer.commitment(i), percent(i), writer.actor)
                t0 = time.perf_counter()
                found = raw.recorder.select_notifications(start=position, limit=1)
                raw.mapper.to_domain_event(found[0])
                floor.append(time.perf_counter() - t0)
        finally:
            raw.close()
    p, b = Latency.of(product), Latency.of(floor)
    detail = {"product": p.as_ms(), "raw": b.as_ms()}
    return [
        Figure(store.events, "read-your-writes: p50", p.p50 * 1e3, "ms", b.p50 * 1e3,
               "raw read-back p50", ratio(p.p50, b.p50), detail=detail),
        Figure(store.events, "read-your-writes: p99", p.p99 * 1e3, "ms", b.p99 * 1e3,
               "raw read-back p99", ratio(p.p99, b.p99)),
    ]
