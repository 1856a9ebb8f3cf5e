"""The pattern library in a browser: the CCO publishes a pattern through the form, a lead cites
it from a commitment's page, the pattern's page lists the commitment with its health; the live
search (htmx) and its plain form; axe-core over the library's pages and states; screenshots at
1280 and 375 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.axe import Axe
from tests.browser.conftest import OpenPage
from tests.browser.steps import unique_title
from tests.browser.test_screenshots import Camera

pytestmark = pytest.mark.browser


def test_the_cco_publishes_a_pattern_that_a_lead_cites(open_page: OpenPage) -> None:
    cco = open_page("cco")
    cco.goto("/")
    cco.locator("summary", has_text="Commitments").click()
    cco.get_by_role("link", name="Patterns").click()
    expect(cco.get_by_role("heading", level=1)).to_have_text("CX pattern library")
    cco.get_by_role("link", name="Publish a pattern").click()
    expect(cco.get_by_role("heading", level=1)).to_have_text("Publish a pattern")
    title = unique_title("Answer in the customer's channel")
    cco.get_by_label("Title").fill(title)
    cco.get_by_label("Text").fill("Reply **where** the customer wrote.\n\n<script>alert(1)</script>")
    cco.get_by_label("Support").check()
    cco.get_by_label("Customer Service").check()
    cco.get_by_label("Links").fill("Channel guide | https://intranet.example.com/channels")
    cco.get_by_role("button", name="Publish").click()
    expect(cco.get_by_role("status").first).to_contain_text("published", timeout=10_000)
    expect(cco.get_by_role("heading", level=1)).to_have_text(title)
    expect(cco.locator(".pattern-text strong")).to_have_text("where")
    expect(cco.locator(".pattern-text")).to_contain_text("<script>alert(1)</script>")  # as text

    lead = open_page("support_lead")
    lead.goto("/board/")
    first = lead.locator("article.commitment h3 a").first
    commitment = first.inner_text().strip()
    first.click()
    lead.get_by_label("Cite a pattern").select_option(label=title)
    lead.get_by_role("button", name="Cite", exact=True).click()
    expect(lead.get_by_role("status").first).to_contain_text("now cites the pattern")
    lead.locator(".commitment-patterns").get_by_role("link", name=title).click()
    expect(lead.get_by_role("heading", name="Commitments applying it")).to_be_visible()
    expect(lead.locator(".detail-story").get_by_role("link", name=commitment)).to_be_visible()


def test_the_live_search_filters_as_you_type_and_the_form_works_without_it(open_page: OpenPage) -> None:
    page = open_page("ceo")
    page.goto("/patterns/")
    expect(page.locator(".pattern-item")).not_to_have_count(0)
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Search titles and text").fill("INVOICES")
    expect(page.locator(".pattern-item")).to_have_count(1)
    expect(page.locator(".pattern-item")).to_contain_text("Plain-language invoices")
    expect(page.locator("#announcer")).to_contain_text("1 pattern found")
    plain = open_page("ceo", javascript=False)
    plain.goto("/patterns/")
    plain.get_by_label("Search titles and text").fill("owner")
    plain.get_by_role("button", name="Search").click()
    expect(plain.locator(".pattern-item")).to_have_count(1)
    assert "q=owner" in plain.url


def test_the_pattern_library_pages_pass_axe(open_page: OpenPage) -> None:
    axe = Axe()
    page = open_page("cco")
    page.goto("/patterns/")
    axe.check(page, "pattern library")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Search titles and text").fill("complaint")
    axe.check(page, "pattern library filtered by htmx")
    page.goto("/patterns/?q=owner")
    page.locator(".pattern-item a").first.click()
    expect(page.get_by_role("heading", name="Versions")).to_be_visible()
    axe.check(page, "pattern page")
    page.get_by_role("link", name="Version 1").click()
    axe.check(page, "an earlier version")
    page.go_back()
    page.get_by_role("link", name="Revise").click()
    axe.check(page, "revise a pattern")
    page.get_by_label("Why revise it").fill("")
    page.evaluate("document.querySelectorAll('form [required]').forEach(e => e.removeAttribute('required'))")
    page.get_by_role("button", name="Save the new version").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe.check(page, "revise a pattern with errors")
    page.goto("/patterns/new")
    axe.check(page, "publish a pattern")
    auditor = open_page("auditor")
    auditor.goto("/audit/as-of/patterns?day=2026-10-01")
    axe.check(auditor, "as-of pattern library")
    lead = open_page("support_lead")
    lead.goto("/board/")
    lead.locator("article.commitment h3 a").first.click()
    axe.check(lead, "commitment page with its patterns")
    axe.assert_clean()


def test_the_pattern_pages_are_photographed_and_fit_a_phone(open_page: OpenPage, screenshots: Path) -> None:
    camera = Camera(open_page("cco"), screenshots)
    camera.shoot("patterns", "/patterns/", phone=True)
    camera.page.goto("/patterns/?q=complaint")
    camera.page.locator(".pattern-item a").first.click()
    expect(camera.page.get_by_role("heading", name="Versions")).to_be_visible()
    camera.shoot("pattern", phone=True)
    camera.page.get_by_role("link", name="Version 1").click()
    expect(camera.page.get_by_role("link", name="See the current version")).to_be_visible()
    camera.shoot("pattern-version", phone=True)
    camera.shoot("pattern-new", "/patterns/new", phone=True)
    auditor = Camera(open_page("auditor"), screenshots)
    auditor.shoot("audit-as-of-patterns", "/audit/as-of/patterns?day=2026-11-20", phone=True)
    lead = Camera(open_page("support_lead"), screenshots)
    lead.page.goto("/patterns/?q=detractor")
    lead.page.locator(".pattern-item a").first.click()
    lead.page.locator(".detail-story a[href^='/commitments/']").first.click()
    expect(lead.page.get_by_role("heading", name="Patterns applied")).to_be_visible()
    lead.shoot("commitment-with-patterns", phone=True)
    assert camera.faults == [] and auditor.faults == [] and lead.faults == []
