"""Figures, each beside its baseline, and how they are printed and saved."""

from __future__ import annotations

import json
import math
import platform
import os
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

# BENCH_RESULTS_DIR moves the saved figures elsewhere (the smoke test uses a temporary directory).
RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS_DIR") or Path(__file__).resolve().parent / "results")


@dataclass
class Figure:
    """One measured figure. `ratio` is value / baseline unless the measurement says otherwise;
    `met` is None when the figure has no target."""

    size: int  # events in the store
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    secondary: str = ""  # shown after the value, e.g. "p50 1.2 ms"


def ratio(value: float, baseline: float | None) -> float | None:
    if baseline is None or baseline == 0 or math.isnan(baseline):
        return None
    return value / baseline


def _num(x: float | None, unit: str = "") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if abs(x) >= 1000:
        text = f"{x:,.0f}"
    elif abs(x) >= 10:
        text = f"{x:.1f}"
    else:
        text = f"{x:.3g}"
    return f"{text} {unit}".strip()


def table(figures: list[Figure]) -> str:
    """A Markdown table: size, measurement, value, baseline, ratio, target, met."""
    lines = [
        "| events | measurement | value | baseline | ratio | target | met |",
        "|---:|---|---:|---|---:|---|:---:|",
    ]
    for f in figures:
        base = f"{_num(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline is not None else (
            f.baseline_name or "—")
        met = "—" if f.met is None else ("yes" if f.met else "**no**")
        rat = "—" if f.ratio is None else f"{f.ratio:.3f}"
        lines.append(
            f"| {f.size:,} | {f.name} | {_num(f.value, f.unit)}{' (' + f.secondary + ')' if f.secondary else ''}"
            f" | {base} | {rat} | "
            f"{f.target or '—'} | {met} |"
        )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    return {
        "nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }


def save(figures: list[Figure], run: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{stamp}{'-smoke' if run.get('smoke') else ''}.json"
    path.write_text(json.dumps(
        {"run": run, "machine": machine(), "figures": [asdict(f) for f in figures]},
        indent=1, default=str,
    ))
    return path
