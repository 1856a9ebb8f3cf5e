"""Run the benchmarks: every measurement beside its raw baseline from the same run.

    python -m bench.run --smoke                      # tiny data, every measurement, seconds
    python -m bench.run --sizes 1e4,1e5              # the full measurements at these sizes
    python -m bench.run --sizes 1e6 --only rebuild,reads

Prints a Markdown table and writes every figure (with its raw samples' summaries) to
bench/results/<UTC timestamp>.json. Exits non-zero when anything fails; a missed target is a
finding, not a failure.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench.generate import Store, ensure_store, generate
from bench.measure.memory import measure_memory, memory_ratios
from bench.measure.reads import measure_reads
from bench.measure.rebuild import measure_rebuild
from bench.measure.ryw import measure_ryw
from bench.measure.verify import measure_verify, verify_available
from bench.measure.web_write import pending_web_figure, web_variants
from bench.measure.write import Variant, measure_write, run_service
from bench.report import Figure, save, table
from bench.settings import FULL, SMOKE, SMOKE_EVENTS, Settings
from tracker.config import DataDir

# rebuild first: it leaves the views built
MEASUREMENTS = ("rebuild", "write", "ryw", "reads", "verify", "memory")


def sizes(text: str) -> list[int]:
    return [int(float(part)) for part in text.split(",") if part.strip()]


def check_determinism(store: Store, log: Callable[[str], None]) -> None:
    """Generate the same size and seed again elsewhere: the log's digest must be identical."""
    with tempfile.TemporaryDirectory() as tmp:
        again = generate(DataDir(Path(tmp)), store.meta["requested"], store.meta["seed"])
    if again["digest"] != store.meta["digest"]:
        raise AssertionError("the generator is not deterministic: two runs gave different logs")
    log(f"generator deterministic: digest {again['digest'][:16]}… twice")


def write_variants(store: Store) -> tuple[dict[str, Variant], list[Figure]]:
    variants: dict[str, Variant] = {"service": run_service}
    web = web_variants(store)
    if isinstance(web, str):
        return variants, [pending_web_figure(store.events, web)]
    return {**variants, **web}, []


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (the machine is shared: they go into the results)."""
    return [round(x, 2) for x in os.getloadavg()]


def pending_figure(size: int, what: str, reason: str) -> Figure:
    return Figure(size, f"{what}: pending", float("nan"), "", baseline_name=reason,
                  detail={"pending": reason})


def run_size(events: int, seed: int, s: Settings, only: list[str], log: Callable[[str], None],
             loads: list[dict[str, object]] | None = None) -> list[Figure]:
    store = ensure_store(events, seed, force=s.smoke, log=log)
    if s.smoke:
        check_determinism(store, log)
    figures: list[Figure] = []
    for what in MEASUREMENTS:
        if what not in only:
            continue
        started = time.perf_counter()
        before = load_average()
        log(f"[{events:,} events] {what} ... (load average {before[0]:.2f})")
        if what == "rebuild":
            found = measure_rebuild(store, s)
        elif what == "write":
            variants, pending = write_variants(store)
            found = measure_write(store, s, variants) + pending
        elif what == "ryw":
            found = measure_ryw(store, s)
        elif what == "verify":
            missing = verify_available()
            found = measure_verify(store, s) if missing is None else [pending_figure(store.events, "verify", missing)]
        elif what == "memory":
            found = measure_memory(store, s)
        else:
            found = measure_reads(store, s)
        after = load_average()
        log(f"[{events:,} events] {what} done in {time.perf_counter() - started:.1f} s"
            f" (load average {after[0]:.2f})")
        if loads is not None:
            loads.append({"size": events, "measurement": what, "before": before, "after": after,
                          "seconds": round(time.perf_counter() - started, 1)})
        figures.extend(found)
    return figures


def problems(figures: list[Figure]) -> list[str]:
    """What makes a run fail: errors during a load, or a figure that could not be measured."""
    found = []
    for f in figures:
        if f.detail.get("errors"):
            found.append(f"{f.size:,} events, {f.name}: {f.detail['errors']} failed requests")
        if f.detail.get("pending"):
            continue
        if not isinstance(f.value, (int, float)) or math.isnan(f.value) or f.value < 0:
            found.append(f"{f.size:,} events, {f.name}: no value")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help=f"{SMOKE_EVENTS:,} events, few samples")
    parser.add_argument("--sizes", default="1e4,1e5", help="comma-separated event counts")
    parser.add_argument("--only", default=",".join(MEASUREMENTS), help="subset of " + ",".join(MEASUREMENTS))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    only = [w.strip() for w in args.only.split(",") if w.strip()]
    unknown = set(only) - set(MEASUREMENTS)
    if unknown:
        parser.error(f"unknown measurements: {', '.join(sorted(unknown))}")
    settings = SMOKE if args.smoke else FULL
    counts = [SMOKE_EVENTS] if args.smoke else sizes(args.sizes)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    figures: list[Figure] = []
    loads: list[dict[str, object]] = []
    started = time.perf_counter()
    try:
        for events in counts:
            figures.extend(run_size(events, args.seed, settings, only, log, loads))
    except Exception:
        traceback.print_exc()
        log("bench: FAILED")
        return 1
    memory_ratios(figures)
    print(table(figures))
    run = {"argv": sys.argv[1:] if argv is None else argv, "smoke": args.smoke, "sizes": counts,
           "only": only, "seed": args.seed, "seconds": time.perf_counter() - started,
           "load_average": loads}
    log(f"results: {save(figures, run)}")
    failed = problems(figures)
    for problem in failed:
        log(f"bench: problem: {problem}")
    log("bench: FAILED" if failed else f"bench: ok in {run['seconds']:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
