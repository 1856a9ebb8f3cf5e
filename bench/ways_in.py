"""Speed of the ways in and out: the spreadsheet import and the REST API's commitment list.

    python -m bench.ways_in import --rows 5000     # cx-tracker import of N new rows, then again
    python -m bench.ways_in api --requests 500     # GET /api/v1/commitments on the demo, p50/p99

Both make a demo organisation in a temporary directory first (`cx-tracker demo --no-serve`).
The API is measured over HTTP against `cx-tracker serve` (waitress), one client, keep-alive.
Not part of the test run; figures go to bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

CX = [str(Path(sys.executable).with_name("cx-tracker"))]


def cx(*args: str) -> subprocess.CompletedProcess[str]:
    found = subprocess.run([*CX, *args], capture_output=True, text=True, check=False)
    if found.returncode != 0:
        raise SystemExit(f"cx-tracker {' '.join(args)} failed:\n{found.stdout}\n{found.stderr}")
    return found


def demo(where: Path) -> tuple[Path, str]:
    data = where / "data"
    out = cx("demo", "--no-serve", "--data", str(data)).stdout
    token = re.search(r"^\s+(cxt_\S+)$", out, re.M)
    assert token, out
    return data, token.group(1)


def rows(n: int) -> list[dict[str, str]]:
    departments = ["customer-service", "sales", "marketing", "operations", "product", "it"]
    due = date.today() + timedelta(days=30)
    return [{
        "department": departments[i % len(departments)], "title": f"Imported commitment {i:05d}",
        "owner_email": f"importer.owner{i % 200}@example.com", "owner_name": f"Owner {i % 200}",
        "due_date": (due + timedelta(days=i % 300)).isoformat(), "journey": "", "kpi": "",
        "description": f"Row {i} of the spreadsheet plan", "external_id": f"XL-{i:05d}",
        "progress": str(i % 90), "status": "",
    } for i in range(n)]


def bench_import(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data, _ = demo(Path(tmp))
        sheet = Path(tmp) / "plan.csv"
        with sheet.open("w", newline="") as f:
            writer = csv.DictWriter(f, list(rows(1)[0]))
            writer.writeheader()
            writer.writerows(rows(n))
        for label in ("first import", "re-import (unchanged)"):
            started = time.perf_counter()
            out = cx("import", str(sheet), "--data", str(data), "--as", "cco@example.com")
            seconds = time.perf_counter() - started
            recorded = next(line for line in out.stdout.splitlines() if line.startswith("Recorded"))
            print(f"{label}: {n} rows in {seconds:.1f} s ({n / seconds:.0f} rows/s, whole command"
                  f" incl. start-up and catching the views up); {recorded}")


def bench_api(requests: int, port: int, query: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data, token = demo(Path(tmp))
        server = subprocess.Popen([*CX, "serve", "--data", str(data), "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env={**os.environ, "CX_TRACKER_WEB_API_RATE_LIMIT": "100000 per minute"})
        try:
            conn = _wait(port)
            headers = {"Authorization": f"Bearer {token}"}
            path = "/api/v1/commitments" + (f"?{query}" if query else "")
            count = None
            for _ in range(20):  # warm up
                count = _get(conn, path, headers)
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                _get(conn, path, headers)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
            print(f"GET {path} ({count} commitments, {requests} requests, one "
                  f"keep-alive client, waitress): p50 {p(.5):.1f} ms, p95 {p(.95):.1f} ms, "
                  f"p99 {p(.99):.1f} ms, mean {statistics.mean(times):.1f} ms")
        finally:
            server.terminate()
            server.wait(10)


def _wait(port: int) -> http.client.HTTPConnection:
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/v1/openapi.json")
            conn.getresponse().read()
            return conn
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def _get(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> int:
    import json

    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {body[:300]!r}")
    return int(json.loads(body)["count"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("import").add_argument("--rows", type=int, default=5000)
    api = sub.add_parser("api")
    api.add_argument("--requests", type=int, default=500)
    api.add_argument("--port", type=int, default=5077)
    api.add_argument("--query", default="", help="e.g. closed=all")
    args = parser.parse_args()
    if args.what == "import":
        bench_import(args.rows)
    else:
        bench_api(args.requests, args.port, args.query)


if __name__ == "__main__":
    main()
