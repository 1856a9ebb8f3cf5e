"""Saved runs as Markdown for bench/RESULTS.md: per size, every figure beside its raw baseline.

    python -m bench.summary bench/results/<run>.json [more runs ...]

Prints, per run, the command, the machine and the load averages, then one table per size
(figure, product, raw baseline, ratio, target, met?).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench.report import _num


def _met(f: dict[str, Any]) -> str:
    return "—" if f["met"] is None else ("yes" if f["met"] else "**no**")


def _product(f: dict[str, Any]) -> str:
    text = _num(f["value"], f["unit"])
    return f"{text} ({f['secondary']})" if f.get("secondary") else text


def _baseline(f: dict[str, Any]) -> str:
    if f["baseline"] is None:
        return f["baseline_name"] or "—"
    return f"{_num(f['baseline'], f['unit'])} ({f['baseline_name']})"


def size_table(figures: list[dict[str, Any]]) -> str:
    lines = ["| figure | product | raw baseline | ratio | target | met? |",
             "|---|---:|---|---:|---|:---:|"]
    for f in figures:
        ratio = "—" if f["ratio"] is None else f"{f['ratio']:.3f}"
        lines.append(f"| {f['name']} | {_product(f)} | {_baseline(f)} | {ratio} |"
                     f" {f['target'] or '—'} | {_met(f)} |")
    return "\n".join(lines)


def loads(run: dict[str, Any]) -> str:
    rows = run.get("load_average") or []
    if not rows:
        return "load averages not recorded"
    parts = [f"{r['size']:,} {r['measurement']}: {r['before'][0]:.2f} → {r['after'][0]:.2f}"
             for r in rows]
    return "; ".join(parts)


def summarise(path: Path) -> str:
    saved = json.loads(path.read_text())
    run, machine = saved["run"], saved["machine"]
    out = [
        f"### `python -m bench.run {' '.join(run['argv'])}` ({path.name})",
        "",
        f"- machine: {machine['nproc']} cores ({machine['cpu'] or 'cpu unknown'}),"
        f" {machine['memory_gib']} GiB RAM, Python {machine['python']}, SQLite {machine['sqlite']},"
        f" {machine['platform']}",
        f"- wall time {run['seconds']:.0f} s; 1-minute load average before → after each"
        f" measurement: {loads(run)}",
    ]
    for size in run["sizes"]:
        figures = [f for f in saved["figures"] if f["size"] == size]
        if figures:
            out += ["", f"#### {size:,} events", "", size_table(figures)]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path)
    args = parser.parse_args(argv)
    print("\n\n".join(summarise(p) for p in args.runs))


if __name__ == "__main__":
    main()
