"""Write throughput and latency: a progress report, 1 and 8 concurrent clients, beside the raw
`Application` load-change-save on the same store with the same clients and commitments.

Variants of the product's write, from the least to the most of the stack:
- "service": the application service's command (authorisation, validation, load, save) and the
  read-your-writes catch-up of every view, on the same thread, like a request handler does.
- "web": a progress report posted through the whole web stack (see `bench.measure.web_write`)
  when the web UI has the route; otherwise that variant is reported as pending.
Order within a run: raw 1, product 1, raw 8, product 8 (drift hits both alike).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bench.baselines import open_raw, raw_progress
from bench.generate import Store
from bench.load import Client, LoadResult, run_clients
from bench.measure.clients import Writer, percent, writers
from bench.report import Figure, ratio
from bench.settings import WRITE_P99_TARGET, WRITE_RATIO_TARGET, Settings
from bench.workspace import scratch_copy
from projections.database import open_views
from projections.runner import Runner
from projections.views import all_views
from tracker.application import CxTracker
from tracker.config import DataDir, open_tracker

Variant = Callable[[DataDir, list[Writer], Settings, int], LoadResult]


def raw_clients(app: object, team: list[Writer]) -> list[Client]:
    def client(w: Writer) -> Client:
        return lambda i: raw_progress(app, w.commitment(i), percent(i), w.actor)  # type: ignore[arg-type]
    return [client(w) for w in team]


def service_clients(app: CxTracker, data: DataDir, team: list[Writer]) -> tuple[list[Client], list[Runner]]:
    """Each client: its own read-model connection and runner, as each web request has."""
    runners = []
    clients = []
    for w in team:
        runner = Runner(app, open_views(data.views), all_views())
        runner.prepare()
        runners.append(runner)

        def client(i: int, w: Writer = w, runner: Runner = runner) -> None:
            receipt = app.report_progress(w.actor, w.commitment(i), percent=percent(i), note="benchmark")
            runner.catch_up(receipt.position)

        clients.append(client)
    return clients, runners


def run_raw(data: DataDir, team: list[Writer], s: Settings, requests: int) -> LoadResult:
    app = open_raw(data)
    try:
        return run_clients(raw_clients(app, team), requests=requests, warmup=s.write_warmup)
    finally:
        app.close()


def run_service(data: DataDir, team: list[Writer], s: Settings, requests: int) -> LoadResult:
    app = open_tracker(data)
    clients, runners = service_clients(app, data, team)
    try:
        runners[0].catch_up()  # whatever the raw run appended: not part of the timed requests
        return run_clients(clients, requests=requests, warmup=s.write_warmup)
    finally:
        for r in runners:
            r.close()
        app.close()


def measure_write(store: Store, s: Settings, variants: dict[str, Variant]) -> list[Figure]:
    """For each client count: raw, then each product variant; figures with ratios and targets."""
    figures: list[Figure] = []
    with scratch_copy(store, "write") as data:
        for clients, requests in ((1, s.write_requests_one), (8, s.write_requests_each)):
            team = writers(store, clients, s.commitments_per_client)
            raw = checked(data, team, s, requests, run_raw)
            for name, variant in variants.items():
                result = checked(data, team, s, requests, variant)
                figures.extend(_figures(store.events, name, clients, result, raw))
    return figures


def checked(data: DataDir, team: list[Writer], s: Settings, requests: int, variant: Variant) -> LoadResult:
    """Run a variant and count, in the log itself, the events it wrote: every request that
    did not write its event is an error (a form re-rendered with errors answers 200 too)."""
    before = _head(data)
    result = variant(data, team, s, requests)
    missing = len(team) * (s.write_warmup + requests) - (_head(data) - before) - result.errors
    return replace(result, errors=result.errors + max(missing, 0))


def _head(data: DataDir) -> int:
    app = open_raw(data)
    try:
        return app.recorder.max_notification_id() or 0
    finally:
        app.close()


def _figures(size: int, variant: str, clients: int, r: LoadResult, raw: LoadResult) -> list[Figure]:
    judged = clients == 8
    rate_ratio = ratio(r.rate, raw.rate)
    label = f"write ({variant}), {clients} client{'s' if clients > 1 else ''}"
    return [
        Figure(size, f"{label}: requests/s", r.rate, "req/s", raw.rate, "raw save", rate_ratio,
               f"ratio ≥ {WRITE_RATIO_TARGET}" if judged else "",
               (rate_ratio is not None and rate_ratio >= WRITE_RATIO_TARGET) if judged else None,
               {"product": r.as_dict(), "raw": raw.as_dict(), "errors": r.errors + raw.errors}),
        Figure(size, f"{label}: p50 latency", r.latency.p50 * 1e3, "ms", raw.latency.p50 * 1e3,
               "raw save p50", ratio(r.latency.p50, raw.latency.p50)),
        Figure(size, f"{label}: p99 latency", r.latency.p99 * 1e3, "ms", raw.latency.p99 * 1e3,
               "raw save p99", ratio(r.latency.p99, raw.latency.p99),
               f"≤ {WRITE_P99_TARGET * 1e3:.0f} ms" if judged else "",
               (r.latency.p99 <= WRITE_P99_TARGET) if judged else None),
    ]
