"""The browser tests' watchdog really sees console errors, uncaught exceptions and CSP violations."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import LiveServer, Problems, watched_page

pytestmark = pytest.mark.browser


def test_the_watchdog_records_console_errors_uncaught_exceptions_and_csp_violations(
    browser: Browser, live_server: LiveServer,
) -> None:
    problems = Problems()
    page = watched_page(browser, live_server.url, problems)
    try:
        page.goto("/login")
        assert problems.found == []
        page.evaluate("console.error('something broke')")
        page.evaluate("setTimeout(function () { throw new Error('nobody caught me'); })")
        page.evaluate("""() => {
            const script = document.createElement('script');
            script.textContent = 'window.inlineRan = true';
            document.body.append(script);
        }""")
        deadline = time.monotonic() + 60  # they come in milliseconds; this only ends a failing test
        while len(problems.found) < 3 and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert page.evaluate("window.inlineRan") is None  # the CSP blocked it
    finally:
        page.context.close()
    found = "\n".join(problems.found)
    assert "console error" in found and "something broke" in found
    assert "uncaught exception" in found and "nobody caught me" in found
    assert "CSP violation: script-src" in found
