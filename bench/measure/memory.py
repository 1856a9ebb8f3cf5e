"""Memory: the peak resident set of every command that walks the whole log, each run as the
operator runs it (`cx-tracker ...` in a process of its own, output thrown away), on a scratch
copy of the store with its views built:

    seal, verify, export FILE, as-of INSTANT --bundle FILE --format json, history --format jsonl

The peak is the child's own high-water RSS (`ru_maxrss` from `wait4`, in KiB on Linux), the
interpreter and every import included. The target (issue 18) is flat memory: each command's
peak at a size within 20 % of its peak at a tenth of that size, measured in the same run; the
figure at the larger size carries that ratio (`memory_ratios`). The raw read-and-decode peak is
shown beside each figure as a floor.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

from bench.generate import Store
from bench.measure.rebuild import child
from bench.report import Figure, ratio
from bench.settings import MEMORY_GROWTH_TARGET, Settings
from bench.workspace import scratch_copy

NAME = "memory: {} peak"
_RUN = "import sys; from tracker.cli.main import cli; sys.argv[0] = 'cx-tracker'; cli()"


def run_command(args: list[str]) -> dict[str, Any]:
    """`cx-tracker ARGS` in a child process: its exit status, wall time and peak RSS (KiB)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", _RUN, *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    assert process.stderr is not None
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"cx-tracker {' '.join(args)} exited {process.returncode}:\n"
                           f"{err.decode(errors='replace')[-3000:]}")
    return {"args": args, "seconds": seconds, "peak_rss_kb": usage.ru_maxrss}


def commands(data_dir: str, bundle: str, instant: str) -> dict[str, list[str]]:
    data = ["--data", data_dir]
    return {
        "seal": ["seal", *data],
        "verify": ["verify", *data],
        "export": ["export", bundle, *data],
        "as-of --bundle": ["as-of", instant, "--bundle", bundle, "--format", "json"],
        "history": ["history", *data, "--format", "jsonl"],
    }


def measure_memory(store: Store, s: Settings) -> list[Figure]:
    instant = str(store.meta["last_instant"])[:10]  # the plan at the end of its history
    figures = []
    with scratch_copy(store, "memory") as data:
        base = child("decode", str(data.path), s.batch_size)
        bundle = str(data.path / "bundle.jsonl")
        for name, args in commands(str(data.path), bundle, instant).items():
            found = run_command(args)
            peak = found["peak_rss_kb"] / 1024
            figures.append(Figure(
                store.events, NAME.format(name), peak, "MiB", base["peak_rss_kb"] / 1024,
                "raw read+decode peak", ratio(found["peak_rss_kb"], base["peak_rss_kb"]),
                detail={"command": found, "decode": base},
                secondary=f"{found['seconds']:.1f} s",
            ))
    return figures


def memory_ratios(figures: list[Figure]) -> None:
    """Each memory figure at a size N, when the same run measured N/10: its ratio becomes
    peak(N) / peak(N/10), with the target of flat memory."""
    peaks = {(f.size, f.name): f.value for f in figures if f.name.startswith("memory: ")}
    for f in figures:
        smaller = peaks.get((f.size // 10, f.name))
        if not f.name.startswith("memory: ") or smaller is None:
            continue
        f.detail["raw_decode_peak_mib"] = f.baseline
        f.baseline, f.baseline_name = smaller, f"same command at {f.size // 10:,} events"
        f.ratio = ratio(f.value, smaller)
        f.target = f"ratio ≤ {MEMORY_GROWTH_TARGET}"
        f.met = f.ratio is not None and f.ratio <= MEMORY_GROWTH_TARGET
