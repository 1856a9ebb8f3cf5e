"""The CCO in the browser: the progress timeline filtered and paged in place, then the CEO report."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMELINE_PAGE_SIZE, OpenPage
from tests.browser.steps import navigate, today

pytestmark = pytest.mark.browser


def choose(page: Page, change: Callable[[], object]) -> None:
    """Change a filter and wait for htmx to swap the results it asked for."""
    with page.expect_response(lambda r: "/timeline/" in r.url and r.request.headers.get("hx-request") == "true"):
        change()


def test_the_cco_filters_the_timeline_pages_back_in_place_and_opens_the_report(open_page: OpenPage) -> None:
    page = open_page("cco")
    navigate(page, "Timeline")
    expect(page.get_by_role("heading", name="Progress timeline")).to_be_visible()
    page.evaluate("window.__sameDocument = 'yes'")
    since, until = today() - timedelta(days=150), today()

    filters = page.get_by_role("search", name="Filter the timeline")
    choose(page, lambda: filters.get_by_label("Department").select_option(label="Customer Service"))
    choose(page, lambda: filters.get_by_label("What happened").select_option(label="Progress reported"))
    choose(page, lambda: filters.get_by_label("From").fill(since.isoformat()))
    choose(page, lambda: filters.get_by_label("Until").fill(until.isoformat()))
    assert re.search(r"department=customer-service.*kind=ProgressReported.*since=.*until=", page.url), page.url

    events = page.locator("#timeline-list > li.event")
    expect(events).to_have_count(TIMELINE_PAGE_SIZE)
    with page.expect_response(lambda r: "before=" in r.url):
        page.get_by_role("link", name="Load older events").click()
    expect(events.nth(TIMELINE_PAGE_SIZE)).to_be_visible()
    assert events.count() > TIMELINE_PAGE_SIZE
    for event in events.all():
        assert event.get_attribute("data-department") == "customer-service"
        expect(event.locator(".event-kind")).to_have_text("Progress reported")
        day = date.fromisoformat(event.locator("time").get_attribute("datetime")[:10])  # type: ignore[index]
        assert since <= day <= until
    positions = [int(e.get_attribute("data-position") or 0) for e in events.all()]
    assert positions == sorted(positions, reverse=True) and len(set(positions)) == len(positions)
    assert page.evaluate("window.__sameDocument") == "yes", "the page was reloaded"

    navigate(page, "Report")
    expect(page.get_by_text("Customer experience progress report")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Overall health"))).to_be_visible()
    expect(page.get_by_role("button", name="Print this report")).to_be_visible()
