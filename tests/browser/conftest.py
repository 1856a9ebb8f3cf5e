"""Browser fixtures: the real web app on a demo data directory behind waitress (the production
WSGI server) on a free local port, the system Chromium driven by Playwright's sync API, and pages
that fail their test on any console error, uncaught exception or CSP violation."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest
import waitress
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response, expect, sync_playwright
from waitress import wasyncore

from tests.conftest import FAST_HASHER, make_app
from tests.waiting import BROWSER_HANG_MS
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.demo import DEFAULT_PASSWORD, seed
from web import create_app

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # never fetch a browser build

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMELINE_PAGE_SIZE = 10  # small pages, so 'Load older' appears on a filtered timeline
EMAILS = {
    "cco": "cco@example.com",
    "ceo": "ceo@example.com",
    "support_lead": "lead.customer-service@example.com",
    "it_lead": "lead.it@example.com",
    "sales_lead": "lead.sales@example.com",
    "auditor": "auditor@example.com",
}

# Runs before any page script: CSP violations are reported to the test as they happen (a report
# kept on `window` would be lost with the next full page load).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cxCspViolation(e.violatedDirective + " blocked " + (e.blockedURI || "inline code") +
                         " at " + e.sourceFile + ":" + e.lineNumber);
});
"""

expect.set_options(timeout=BROWSER_HANG_MS)


@dataclass
class LiveServer:
    url: str
    data: Path | None = None  # the data directory it serves

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo organisation (history up to yesterday) served by waitress on 127.0.0.1."""
    data = tmp_path_factory.mktemp("browser-data")
    store = CxTracker(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(data / "events.sqlite3")},
        accounts=Accounts(data / "accounts.sqlite3", hasher=FAST_HASHER),
    )
    seed(store, today=datetime.now(timezone.utc).date())  # the server's clock is the real one
    store.close()
    store.accounts.close()
    app = create_app({"DATA_DIR": str(data), "SECRET_KEY": "browser-tests",
                      "LOGIN_RATE_LIMIT": "1000 per minute", "TIMELINE_PAGE_SIZE": TIMELINE_PAGE_SIZE},
                     tracker=make_app("sqlite", data))
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4, ident="cx-tracker-tests")
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.effective_port}", data)
    # Close every channel from inside the server's own loop, which then ends.
    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    thread.join(timeout=10)
    server.task_dispatcher.shutdown()
    app.extensions["cx"].close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"the browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium); "
                    "deselect them with -m 'not browser'")
    args = ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    if os.geteuid() == 0:
        args.insert(0, "--no-sandbox")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield chromium
        chromium.close()


@dataclass
class Problems:
    """Console errors, uncaught exceptions and CSP violations seen by a test's pages."""

    found: list[str] = field(default_factory=list)
    # Pages answered with a 4xx on purpose (a refused plain form is a 400/401/409 page): Chromium
    # logs their status as a console error, which is the product working, not a problem. A
    # sub-resource that fails (a script, a style, an htmx request) is still one.
    refused_pages: set[str] = field(default_factory=set)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"uncaught exception: {error}"))
        page.on("response", self._response)

    def _response(self, response: Response) -> None:
        if response.request.is_navigation_request() and 400 <= response.status < 500:
            self.refused_pages.add(response.url)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url")
        if url in self.refused_pages and message.text.startswith("Failed to load resource"):
            return
        self.found.append(f"console error at {url}: {message.text}")

    def csp_violation(self, description: str) -> None:
        self.found.append(f"CSP violation: {description}")


OpenPage = Callable[..., Page]


def watched_page(browser: Browser, base_url: str, problems: Problems, *, viewport: dict[str, int] = DESKTOP,
                 javascript: bool = True) -> Page:
    """A page in a fresh context (its own cookies) whose problems are recorded in `problems`."""
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript, locale="en-US",
                                  timezone_id="UTC", base_url=base_url)
    context.set_default_timeout(BROWSER_HANG_MS)
    context.expose_function("__cxCspViolation", problems.csp_violation)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    problems.watch(page)
    return page


@pytest.fixture
def open_page(browser: Browser, live_server: LiveServer) -> Iterator[OpenPage]:
    """`open_page("support_lead")` → a page in a fresh browser context, signed in as that demo
    account (None: signed out). Options: `viewport` (DESKTOP or PHONE), `javascript`.
    The test fails afterwards if any of its pages logged an error or broke the CSP."""
    problems = Problems()
    contexts: list[BrowserContext] = []

    def open_(role: str | None = None, *, viewport: dict[str, int] = DESKTOP, javascript: bool = True) -> Page:
        page = watched_page(browser, live_server.url, problems, viewport=viewport, javascript=javascript)
        contexts.append(page.context)
        if role is not None:
            sign_in(page, EMAILS[role])
        return page

    yield open_
    for context in contexts:
        context.close()
    if problems.found:
        pytest.fail("the pages reported problems:\n" + "\n".join(problems.found), pytrace=False)


def sign_in(page: Page, email: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The git-ignored folder at the repository root where the main pages are photographed."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir()
    return SCREENSHOTS
