"""The core flows with JavaScript switched off: forms post normally and the server redirects."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage
from tests.browser.steps import card, make_commitment, open_action, unique_title

pytestmark = pytest.mark.browser


def test_without_javascript_a_lead_makes_a_commitment_and_reports_progress(open_page: OpenPage) -> None:
    page = open_page("support_lead", javascript=False)
    assert page.locator("script[src*=htmx]").count() == 1
    assert page.evaluate("typeof window.htmx") == "undefined"  # the page's scripts never ran
    title = unique_title("Publish the opening hours on every channel")
    make_commitment(page, title)
    board_url = page.url

    form = open_action(card(page, title), "Report progress")
    form.get_by_label("Percent complete").fill("25")
    form.get_by_label("Note").fill("Website and app done.")
    with page.expect_navigation():
        form.get_by_role("button", name="Report progress").click()
    assert page.url == board_url
    expect(page.locator("main > .flash")).to_have_text("Progress reported.")
    expect(card(page, title).get_by_role("progressbar", name="Progress")).to_have_attribute("value", "25")

    card(page, title).get_by_role("link", name=title).click()
    expect(page.locator("#story")).to_contain_text("Website and app done.")
