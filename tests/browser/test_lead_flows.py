"""A department lead's day in the browser: a new commitment, progress reported in place, and a
roadblock cleared with another department's help."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenPage
from tests.browser.steps import card, make_commitment, open_action, unique_title

pytestmark = pytest.mark.browser


def test_a_lead_makes_a_commitment_and_reports_progress_on_its_card_twice_without_a_page_load(
    open_page: OpenPage,
) -> None:
    page = open_page("support_lead")
    title = unique_title("Call back every caller within a day")
    make_commitment(page, title)
    board_url = page.url
    page.evaluate("window.__sameDocument = 'yes'; document.getElementById('board').__untouched = 'yes'")

    form = open_action(card(page, title), "Report progress")
    form.get_by_label("Percent complete").fill("40")
    form.get_by_label("Note").fill("Pilot team calls back within 6 hours.")
    with page.expect_response(re.compile(r"/progress$")) as answer:
        form.get_by_role("button", name="Report progress").click()
    sent = answer.value.request.headers
    assert sent.get("hx-request") == "true" and "hx-boosted" not in sent  # the card's own request

    updated = card(page, title)
    expect(updated.get_by_role("status")).to_have_text("Progress reported.")
    expect(updated.get_by_role("progressbar", name="Progress")).to_have_attribute("value", "40")
    expect(updated.locator(".progress-line")).to_contain_text("40%")
    assert page.evaluate("window.__sameDocument") == "yes", "the page was reloaded"
    assert page.evaluate("document.getElementById('board').__untouched") == "yes", "the board was replaced"
    assert page.url == board_url

    # The answered card carries no forms; they load when its Actions open, at the new version.
    again = open_action(updated, "Report progress")
    expect(again.get_by_label("Percent complete")).to_have_value("40")
    again.get_by_label("Percent complete").fill("55")
    again.get_by_role("button", name="Report progress").click()
    expect(card(page, title).get_by_role("progressbar", name="Progress")).to_have_attribute("value", "55")
    expect(card(page, title).get_by_role("status")).to_have_text("Progress reported.")

    updated = card(page, title)
    updated.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    story = page.locator("#story")
    expect(story).to_contain_text("Pilot team calls back within 6 hours.")


def test_a_roadblock_raised_for_another_department_is_resolved_by_its_lead(open_page: OpenPage) -> None:
    support = open_page("support_lead")
    title = unique_title("Refund within a week")
    make_commitment(support, title)
    form = open_action(card(support, title), "Raise a roadblock")
    form.get_by_label("What is in the way").fill("The refund screen times out for large orders.")
    form.get_by_label("Ask another department for help").select_option(label="IT")
    form.get_by_role("button", name="Raise roadblock").click()
    raised = card(support, title)
    expect(raised.get_by_role("status")).to_have_text("Roadblock raised; help asked.")
    expect(raised.locator(".badge").first).to_have_text("blocked")
    expect(raised.get_by_role("list", name="Open roadblocks")).to_contain_text("help asked of IT")

    it = open_page("it_lead")
    nav = it.get_by_role("navigation", name="Main")
    nav.locator("summary", has_text="Commitments").click()  # a lead's bar is grouped too
    nav.get_by_role("link", name="Roadblocks").click()
    asked = it.get_by_role("region", name=re.compile("IT's help asked"))
    item = asked.locator("li.roadblock").filter(has=it.get_by_role("link", name=title))
    expect(item).to_contain_text("The refund screen times out for large orders.")
    count = asked.locator("#open-count-asked-it")
    open_before = int(count.inner_text().split()[0])
    item.locator("summary", has_text="Resolve").click()
    item.get_by_label("What cleared it").fill("Raised the gateway timeout; large refunds go through.")
    expect(item.get_by_label("Which department helped")).to_have_value("it")
    item.get_by_role("button", name="Resolve roadblock").click()
    resolved = asked.locator("li.roadblock").filter(has=it.get_by_role("link", name=title))
    expect(resolved.get_by_role("status")).to_have_text("Roadblock resolved.")
    expect(resolved).to_contain_text("with help from IT")
    expect(count).to_have_text(f"{open_before - 1} open")  # the htmx answer updates the count

    support.reload()
    expect(card(support, title).locator(".badge").first).not_to_have_text("blocked")
    expect(card(support, title).get_by_role("list", name="Open roadblocks")).to_have_count(0)
    card(support, title).get_by_role("link", name=title).click()
    story = support.locator("#story")
    expect(story).to_contain_text("Raised the gateway timeout; large refunds go through.")
    expect(story).to_contain_text("with help from IT")
