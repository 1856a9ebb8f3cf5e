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
    board_url = page.url.split("#")[0]  # the board shows the new card as its #target

    form = open_action(card(page, title), "Report progress")
    form.get_by_label("Percent complete").fill("25")
    form.get_by_label("Note").fill("Website and app done.")
    with page.expect_navigation():
        form.get_by_role("button", name="Report progress").click()
    assert page.url.split("#")[0] == board_url
    expect(page.locator("main > .flash")).to_have_text("Progress reported.")
    expect(card(page, title).get_by_role("progressbar", name="Progress")).to_have_attribute("value", "25")

    card(page, title).get_by_role("link", name=title).click()
    expect(page.locator("#story")).to_contain_text("Website and app done.")


def test_without_javascript_a_roadblock_is_raised_and_resolved_by_the_department_asked(
    open_page: OpenPage,
) -> None:
    support = open_page("support_lead", javascript=False)
    title = unique_title("Print return labels at home")
    make_commitment(support, title)
    form = open_action(card(support, title), "Raise a roadblock")
    form.get_by_label("What is in the way").fill("The label service needs an API key from IT.")
    form.get_by_label("Ask another department for help").select_option(label="IT")
    with support.expect_navigation():
        form.get_by_role("button", name="Raise roadblock").click()
    expect(support.locator("main > .flash")).to_have_text("Roadblock raised; help asked.")
    expect(card(support, title).get_by_role("list", name="Open roadblocks")).to_contain_text("help asked of IT")

    it = open_page("it_lead", javascript=False)
    it.goto("/roadblocks/")
    item = it.locator("li.roadblock").filter(has=it.get_by_role("link", name=title)).first
    item.locator("summary", has_text="Resolve").click()
    item.get_by_label("What cleared it").fill("API key issued.")
    with it.expect_navigation():
        item.get_by_role("button", name="Resolve roadblock").click()
    expect(it.locator("main > .flash")).to_have_text("Roadblock resolved.")
    resolved = it.locator("li.roadblock.resolved").filter(has=it.get_by_role("link", name=title))
    expect(resolved).to_contain_text("with help from IT: API key issued.")
