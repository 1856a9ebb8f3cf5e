"""Verify: events/s of `cx-tracker verify` (recompute the hash chain over the whole log, check it
against the seals and the ledger of sealed events) beside the raw read-and-decode rate of the
same log.

On a scratch copy of the store: `cx-tracker seal` first (it writes the ledger and seals.jsonl,
as a deployment that seals has them), then raw decode, verify, raw decode, each in a child
process of its own (`bench.child`). The faster decode is the baseline, as for the rebuild.
The seal's own rate is reported beside it, without a target.
"""

from __future__ import annotations

from bench.generate import Store
from bench.measure.rebuild import child
from bench.report import Figure, ratio
from bench.settings import VERIFY_RATIO_TARGET, Settings
from bench.workspace import scratch_copy


def verify_available() -> str | None:
    """Why the verify measurement cannot run here, or None when it can."""
    try:
        from tracker.integrity.verify import verify_store  # noqa: F401
    except ImportError as e:
        return f"no tracker.integrity.verify ({e})"
    return None


def measure_verify(store: Store, s: Settings) -> list[Figure]:
    with scratch_copy(store, "verify", views=False) as data:
        path = str(data.path)
        sealed = child("seal", path, s.batch_size)
        before = child("decode", path, s.batch_size)
        verified = child("verify", path, s.batch_size)
        after = child("decode", path, s.batch_size)
    if verified["events"] != store.events or sealed["events"] != store.events:
        raise RuntimeError(f"seal/verify went through {sealed['events']:,}/{verified['events']:,}"
                           f" events of {store.events:,}")
    base = max(before, after, key=lambda r: r["rate_per_s"])
    rate_ratio = ratio(verified["rate_per_s"], base["rate_per_s"])
    detail = {"verify": verified, "seal": sealed, "decode_before": before, "decode_after": after}
    return [
        Figure(store.events, "verify: events/s", verified["rate_per_s"], "events/s",
               base["rate_per_s"], "raw read+decode", rate_ratio, f"ratio ≥ {VERIFY_RATIO_TARGET}",
               rate_ratio is not None and rate_ratio >= VERIFY_RATIO_TARGET, detail),
        Figure(store.events, "seal (first, whole log): events/s", sealed["rate_per_s"], "events/s",
               base["rate_per_s"], "raw read+decode", ratio(sealed["rate_per_s"], base["rate_per_s"]),
               detail={"seal": sealed}),
        Figure(store.events, "verify: peak memory", verified["peak_rss_kb"] / 1024, "MiB",
               base["peak_rss_kb"] / 1024, "raw read+decode peak",
               ratio(verified["peak_rss_kb"], base["peak_rss_kb"])),
    ]
