"""The write benchmark through the whole web stack: WSGI server, session, CSRF, command, save,
projection catch-up and fragment render, over loopback HTTP.

Each client is a `bench.http.Browser` signed in as its department's lead. A request is the
htmx form post of a progress report (`HX-Request: true`), answered with the re-rendered
fragment. The variant exists only when the web UI has a progress-report route; until then the
write figures name the web variant as pending.

Two variants: "web", the server as `cx-tracker serve` runs by default (one process), and
"web, N processes", as `cx-tracker serve --workers N` with one process per CPU core (the
recommended set-up; left out on a machine with one core). Each keep-alive client's connection
goes to one process (the server's parent hands each new one to the process holding the fewest):
the run's log shows the split.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.generate import PASSWORD, Store, open_app
from bench.http import Browser, connections_per_worker, served
from bench.load import Client, LoadResult, run_clients
from bench.measure.write import Variant
from bench.measure.clients import Writer, percent
from bench.report import Figure
from bench.settings import Settings
from tracker.config import DataDir

HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Route:
    page: str  # the commitment's page (GET), with "{id}" for the commitment id
    post: str  # the progress form's action (POST), with "{id}"


def progress_route() -> Route | str:
    """The web UI's progress-report route (found in its URL map), or why there is none."""
    try:
        from web import create_app

        with tempfile.TemporaryDirectory() as tmp:
            open_app(DataDir(Path(tmp))).close()
            app = create_app({"DATA_DIR": tmp, "TESTING": True})
            rules = list(app.url_map.iter_rules())
    except Exception as e:  # the web UI is someone else's work in progress
        return f"the web UI cannot be built here ({type(e).__name__}: {e})"
    posts = [r for r in rules if "POST" in (r.methods or set()) and "progress" in r.endpoint]
    if not posts:
        return "the web UI has no progress-report route yet"
    post = posts[0]
    argument = next(iter(post.arguments), None)
    if argument is None:
        return f"the progress route {post.rule} names no commitment"
    pages = [r for r in rules if "GET" in (r.methods or set()) and r.endpoint.endswith(("commitment", ".show", ".detail"))
             and argument in r.arguments]
    template = str(post.rule).replace(f"<{argument}>", "{id}")
    template = template.replace(f"<uuid:{argument}>", "{id}").replace(f"<string:{argument}>", "{id}")
    page = str(pages[0].rule) if pages else template
    for conv in ("", "uuid:", "string:"):
        page = page.replace(f"<{conv}{argument}>", "{id}")
    return Route(page=page, post=template)


def recommended_workers() -> int:
    """`cx-tracker serve --workers` for this machine: one process per CPU core."""
    return max(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 1)


def web_variants(store: Store) -> dict[str, Variant] | str:
    """The web variants of the write benchmark (see the module's docstring), or why they are pending."""
    route = progress_route()
    if isinstance(route, str):
        return route

    def variant(workers: int) -> Variant:
        def run_web(data: DataDir, team: list[Writer], s: Settings, requests: int) -> LoadResult:
            return run_http(data, team, s, requests, route, workers)
        return run_web

    found = {"web": variant(1)}
    workers = recommended_workers()
    if workers > 1:
        found[f"web, {workers} processes"] = variant(workers)
    return found


def run_http(data: DataDir, team: list[Writer], s: Settings, requests: int, route: Route,
             workers: int = 1) -> LoadResult:
    with served(str(data.path), workers=workers) as (port, pid):
        browsers = [Browser(port) for _ in team]
        try:
            clients = [_client(b, w, route) for b, w in zip(browsers, team)]
            if workers > 1:
                print(f"    {len(team)} clients' connections per server process: "
                      f"{connections_per_worker(pid)}", file=sys.stderr, flush=True)
            return run_clients(clients, requests=requests, warmup=s.write_warmup)
        finally:
            for b in browsers:
                b.close()


def _client(browser: Browser, writer: Writer, route: Route) -> Client:
    from bench.http import csrf_token

    browser.login(writer.email, PASSWORD)
    token = csrf_token(browser.get(route.page.format(id=writer.commitments[0])).body)

    def post(i: int) -> None:
        path = route.post.format(id=writer.commitment(i))
        done = browser.post(path, {"csrf_token": token, "percent": str(percent(i)), "note": "benchmark"},
                            {**HTMX, "X-CSRFToken": token})
        if done.status != 200:
            raise RuntimeError(f"POST {path}: HTTP {done.status}")

    return post


def pending_web_figure(size: int, reason: str) -> Figure:
    return Figure(
        size, "write (web stack): pending", float("nan"), "req/s", baseline_name=reason,
        detail={"pending": reason + "; the service variant stands in"},
    )
