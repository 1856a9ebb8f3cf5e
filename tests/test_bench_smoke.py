"""The benchmark harness keeps working: `python -m bench.run --smoke` on tiny data, in a process
of its own with its data and results in a temporary directory, exits 0 and every measurement
produces its figures (read back from the JSON it saves)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.measure.web_write import recommended_workers
from tests.waiting import HANG

ROOT = Path(__file__).resolve().parent.parent

REBUILD = ["rebuild: events/s", "rebuild: peak memory", "rebuild: ceiling on one core"]
WORKERS = recommended_workers()  # the web variant against `serve --workers N` too, when N > 1
WRITE = [
    f"write ({variant}), {clients}: {what}"
    for variant in ("service", "web", *([f"web, {WORKERS} processes"] if WORKERS > 1 else []))
    for clients in ("1 client", "8 clients")
    for what in ("requests/s", "p50 latency", "p99 latency")
]
RYW = ["read-your-writes: p50", "read-your-writes: p99"]
READS = [
    f"read: {name} (p99)"
    for name in (
        "timeline: newest page", "timeline: by department", "timeline: by actor",
        "timeline: rare kind", "timeline: department + kind + month", "timeline: one week",
        "timeline: page deep in history", "CCO dashboard", "accountability page",
        "accountability: one department's owners", "board: one department",
        "board as of an instant: one department", "board as of an instant: whole plan",
        "dashboard as of an instant",
    )
]
VERIFY = ["verify: events/s", "seal (first, whole log): events/s", "verify: peak memory"]
MEMORY = [f"memory: {c} peak" for c in ("seal", "verify", "export", "as-of --bundle", "history")]


def verify_expected() -> list[str]:
    """The verify figures, or the pending one while tracker.integrity has no verify."""
    from bench.measure.verify import verify_available

    return VERIFY if verify_available() is None else ["verify: pending"]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    base = tmp_path_factory.mktemp("bench")
    env = {**os.environ, "BENCH_DATA_DIR": str(base / "data"), "BENCH_RESULTS_DIR": str(base / "results")}
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=HANG, check=False,
    )
    return done, base / "results"


def _saved(results: Path) -> dict[str, Any]:
    files = sorted(results.glob("*-smoke.json"))
    assert len(files) == 1, f"expected one smoke result in {results}, found {files}"
    return json.loads(files[0].read_text())  # type: ignore[no-any-return]


@pytest.mark.slow
def test_smoke_run_exits_zero(smoke: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    done, _ = smoke
    assert done.returncode == 0, done.stderr[-4000:]
    assert "bench: ok" in done.stderr
    assert "generator deterministic" in done.stderr


@pytest.mark.slow
def test_every_measurement_produced_its_figures(smoke: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    done, results = smoke
    assert done.returncode == 0, done.stderr[-4000:]
    saved = _saved(results)
    assert saved["run"]["smoke"] is True
    figures = {f["name"]: f for f in saved["figures"]}
    expected = REBUILD + WRITE + RYW + READS + verify_expected() + MEMORY
    missing = [name for name in expected if name not in figures]
    assert not missing, f"figures missing: {missing}; got {sorted(figures)}"
    assert len(figures) == len(saved["figures"]), "two figures with the same name"
    for name in (n for n in expected if not n.endswith(": pending")):
        f = figures[name]
        assert f["size"] == 2000
        assert isinstance(f["value"], (int, float)) and math.isfinite(f["value"]) and f["value"] > 0, f
        assert f["baseline"] is not None and math.isfinite(f["baseline"]) and f["baseline"] > 0, f
        assert f["ratio"] == pytest.approx(f["value"] / f["baseline"], rel=1e-6), f
    for name in (n for n in WRITE if n.endswith("requests/s")):  # no failed request, product or raw
        detail = figures[name]["detail"]
        assert detail["errors"] == 0 and detail["product"]["requests"] > 0 and detail["raw"]["requests"] > 0
    copied = figures["rebuild: ceiling on one core"]["detail"]["copy_views"]
    assert copied["events"] == 2000 and copied["tables"] > 10 and copied["indexes"] > 10, copied
    # Writing the views again computes nothing: a bound the product's rebuild stays under.
    assert figures["rebuild: ceiling on one core"]["value"] > figures["rebuild: events/s"]["value"]
    for name in READS:  # every read has a target and a verdict, with its sample summary
        assert figures[name]["met"] in (True, False) and figures[name]["target"]
        assert figures[name]["detail"]["read"]["n"] >= 5


@pytest.mark.slow
def test_the_table_lists_every_figure(smoke: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    done, results = smoke
    lines = [line for line in done.stdout.splitlines() if line.startswith("| 2,000 |")]
    assert len(lines) == len(_saved(results)["figures"])
