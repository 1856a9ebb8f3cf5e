"""The CCO's pages in a real browser: DOM size and Lighthouse mobile performance (issue 18).

    python -m bench.lighthouse --events 1e5                # a cached bench store (scratch copy)
    python -m bench.lighthouse --demo                      # the demo organisation
    python -m bench.lighthouse --events 1e6 --paths /board/,/dashboard/ --runs 3

The product's server (`cx-tracker serve`'s waitress) serves a scratch copy of the store on
loopback; the CCO signs in through the login form. For each page: the number of elements
Chromium builds (`document.querySelectorAll('*').length`, with Playwright and Debian's
/usr/bin/chromium) and, when Lighthouse is installed, its mobile performance score (0-100, the
default mobile emulation and throttling) and its own DOM-size figure, the median of `--runs`.
Lighthouse is not a dependency of the project: install it anywhere with
`npm install lighthouse` and name its command with `--lighthouse` or `$LIGHTHOUSE`; without it
the scores are skipped (not an error). Not part of the test run; results are printed as a table.
The server runs on the real clock (the pages show the store's commitments as of today).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.generate import PASSWORD, ensure_store
from bench.http import HOST, Browser, web_server
from bench.workspace import scratch_copy

CHROMIUM = "/usr/bin/chromium"
CCO = "cco@example.com"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"


def lighthouse_command(given: str | None) -> str | None:
    found = given or os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse")
    return found if found and Path(found).exists() else None


def dom_elements(port: int, cookies: dict[str, str], path: str) -> int:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.add_cookies([{"name": k, "value": v, "domain": HOST, "path": "/"}
                             for k, v in cookies.items()])
        page = context.new_page()
        page.goto(f"http://{HOST}:{port}{path}", timeout=600_000)  # the old boards took minutes
        count = int(page.evaluate("document.querySelectorAll('*').length"))
        browser.close()
    return count


def lighthouse(command: str, port: int, cookies: dict[str, str], path: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        header = json.dumps({"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
        subprocess.run(
            [command, f"http://{HOST}:{port}{path}", "--only-categories=performance",
             "--output=json", f"--output-path={out}", f"--chrome-flags={CHROME_FLAGS}",
             f"--extra-headers={header}", "--quiet"],
            check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300,
        )
        report = json.loads(out.read_text())
    audits = report["audits"]
    return {
        "performance": round(100 * report["categories"]["performance"]["score"]),
        "dom_size": audits["dom-size"].get("numericValue"),
        "lcp_ms": audits["largest-contentful-paint"].get("numericValue"),
        "tbt_ms": audits["total-blocking-time"].get("numericValue"),
    }


def measure(data_dir: str, password: str, paths: list[str], runs: int,
            command: str | None) -> list[dict[str, Any]]:
    found = []
    with web_server(data_dir) as port:
        browser = Browser(port)
        browser.login(CCO, password)
        for path in paths:
            row: dict[str, Any] = {"path": path, "elements": dom_elements(port, browser.cookies, path)}
            if command:
                scores = [lighthouse(command, port, browser.cookies, path) for _ in range(runs)]
                row["performance"] = statistics.median(s["performance"] for s in scores)
                row["performance_runs"] = [s["performance"] for s in scores]
                row["lighthouse_dom_size"] = scores[0]["dom_size"]
                row["lcp_ms"] = statistics.median(s["lcp_ms"] for s in scores)
                row["tbt_ms"] = statistics.median(s["tbt_ms"] for s in scores)
            found.append(row)
        browser.close()
    return found


def demo_dir(target: Path) -> str:
    from tracker.accounts import Accounts
    from tracker.application import CxTracker
    from tracker.demo import seed

    store = CxTracker(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                           "SQLITE_DBNAME": str(target / "events.sqlite3")},
                      accounts=Accounts(target / "accounts.sqlite3"))
    seed(store, today=datetime.now(timezone.utc).date())
    store.close()
    store.accounts.close()
    return str(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--events", type=lambda s: int(float(s)), help="a bench store of this size")
    where.add_argument("--demo", action="store_true", help="the demo organisation")
    parser.add_argument("--paths", default="/board/,/dashboard/")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median)")
    parser.add_argument("--lighthouse", help="the lighthouse command (else $LIGHTHOUSE, PATH)")
    args = parser.parse_args(argv)
    command = lighthouse_command(args.lighthouse)
    if command is None:
        print("lighthouse not found: DOM sizes only (npm install lighthouse; --lighthouse PATH)")
    paths = [p for p in args.paths.split(",") if p]
    if args.demo:
        from tracker.demo import DEFAULT_PASSWORD

        with tempfile.TemporaryDirectory() as tmp:
            rows = measure(demo_dir(Path(tmp)), DEFAULT_PASSWORD, paths, args.runs, command)
        label = "demo"
    else:
        store = ensure_store(args.events)
        with scratch_copy(store, "lighthouse") as data:
            rows = measure(str(data.path), PASSWORD, paths, args.runs, command)
        label = f"{args.events:,} events"
    print("\n| store | page | DOM elements | Lighthouse mobile performance | LCP | TBT |\n|---|---|---:|---:|---:|---:|")
    for row in rows:
        perf = (f"{row['performance']:g} (runs {', '.join(map(str, row['performance_runs']))})"
                if "performance" in row else "–")
        lcp = f"{row['lcp_ms']:,.0f} ms" if "lcp_ms" in row else "–"
        tbt = f"{row['tbt_ms']:,.0f} ms" if "tbt_ms" in row else "–"
        print(f"| {label} | `{row['path']}` | {row['elements']:,} | {perf} | {lcp} | {tbt} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
