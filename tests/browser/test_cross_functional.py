"""Shared understanding and cross-functional commitments in a real browser, on the demo
organisation: a lead reads the overview pages, a contributing department's board shows what it
contributes to, milestones are ticked with htmx and without JavaScript. The changed and new pages
are photographed (into screenshots/) at 1280 and 375 px, and checked for overflow and unnamed
controls."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, OpenPage
from tests.browser.test_screenshots import UNNAMED_CONTROLS, overflow

pytestmark = pytest.mark.browser

NARROW = {"width": 375, "height": 812}
TICK, UNTICK = re.compile(r"^Tick "), re.compile(r"^Untick ")  # "Tick M2: …" (its hidden text)
ROADMAP = "Add a roadmap check to every quote above $20k"  # Sales, with Marketing and IT; milestones


def shoot(page: Page, folder: Path, name: str) -> list[str]:
    """Photograph the page at 1280 and 375 px; the faults a look would catch first."""
    faults = []
    for suffix, viewport in (("", DESKTOP), ("-375", NARROW)):
        page.set_viewport_size(viewport)
        page.screenshot(path=folder / f"{name}{suffix}.png", full_page=True, caret="initial")
        if viewport == NARROW and (extra := overflow(page)):
            faults.append(f"{name}: {extra}px wider than 375 px")
        if unnamed := page.evaluate(UNNAMED_CONTROLS):
            faults.append(f"{name}: form controls without a name: {unnamed}")
    page.set_viewport_size(DESKTOP)
    return faults


def open_commitment(page: Page, department: str, title: str) -> None:
    page.goto(f"/board/?department={department}")
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()


def test_a_lead_reads_the_overview_and_the_boards_of_other_departments(
    open_page: OpenPage, screenshots: Path
) -> None:
    page = open_page("support_lead")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("Progress", exact=True).click()
    nav.get_by_role("link", name="Accountability").click()
    expect(page.get_by_role("heading", level=1, name="Accountability")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Contributed to").first).to_be_visible()
    faults = shoot(page, screenshots, "lead-accountability")
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    faults += shoot(page, screenshots, "lead-dashboard")
    page.goto("/board/")
    expect(page.get_by_role("heading", level=1, name="Customer Service")).to_be_visible()
    page.locator("#filter-department").select_option("sales")
    expect(page.get_by_role("heading", level=1, name="Sales")).to_be_visible()
    expect(page.get_by_role("link", name=ROADMAP)).to_be_visible()
    assert faults == []


def test_a_contributing_departments_board_marks_what_it_contributes_to(
    open_page: OpenPage, screenshots: Path
) -> None:
    page = open_page("it_lead")
    page.goto("/board/")
    expect(page.get_by_text("Includes")).to_contain_text("commitments of other departments that IT contributes to")
    card = page.locator("article.commitment", has=page.get_by_role("link", name=ROADMAP))
    expect(card.locator(".badge.contributing")).to_have_text("contributing")
    expect(card).to_contain_text("With Marketing, IT")
    expect(card).to_contain_text("milestones")
    assert shoot(page, screenshots, "contributing-board") == []


def test_a_contributing_lead_ticks_a_milestone_and_progress_follows(
    open_page: OpenPage, screenshots: Path
) -> None:
    page = open_page("it_lead")
    open_commitment(page, "sales", ROADMAP)
    checklist = page.locator("section.milestones")
    expect(checklist.get_by_role("heading", name="Milestones")).to_be_visible()
    faults = shoot(page, screenshots, "commitment-milestones")
    before = checklist.locator("li.ticked").count()
    tick = checklist.get_by_role("button", name=TICK).first
    tick.click()
    expect(page.locator("article.commitment .flash-success")).to_contain_text("ticked")
    expect(checklist.locator("li.ticked")).to_have_count(before + 1)
    expect(page.locator(".progress-line")).to_contain_text(f"{before + 1} of 4 milestones")
    # A contributing lead does not run the commitment: no progress, due date or completion forms.
    actions = page.locator("article.commitment details.actions")
    expect(actions.get_by_text("Move the due date")).to_have_count(0)
    expect(actions.get_by_text("Complete", exact=True)).to_have_count(0)
    assert faults == []


def test_the_owning_lead_sees_the_checklist_instead_of_a_percentage(
    open_page: OpenPage, screenshots: Path
) -> None:
    page = open_page("sales_lead")
    open_commitment(page, "sales", ROADMAP)
    actions = page.locator("article.commitment details.actions")
    expect(actions.get_by_text("Progress follows the milestones")).to_be_visible()
    expect(actions.get_by_text("Report progress")).to_have_count(0)
    actions.locator("summary", has_text="Contributing departments").click()
    assert shoot(page, screenshots, "commitment-owner-actions") == []


def test_without_javascript_a_milestone_is_unticked_and_ticked(open_page: OpenPage) -> None:
    page = open_page("sales_lead", javascript=False)
    open_commitment(page, "sales", ROADMAP)
    ticked = page.locator("section.milestones li.ticked").count()
    assert ticked >= 1
    page.locator("section.milestones").get_by_role("button", name=UNTICK).last.click()
    assert "/commitments/" in page.url, page.content()[:3000]
    expect(page.get_by_role("heading", level=1, name=ROADMAP)).to_be_visible()
    expect(page.locator("section.milestones li.ticked")).to_have_count(ticked - 1)
    page.locator("section.milestones").get_by_role("button", name=TICK).first.click()
    expect(page.locator("section.milestones li.ticked")).to_have_count(ticked)


def test_the_cco_sees_who_reads_the_overview_on_the_plan_page(
    open_page: OpenPage, screenshots: Path
) -> None:
    page = open_page("cco")
    page.goto("/plan/")
    section = page.locator("#overview-access")
    expect(section).to_contain_text("every member with a role reads them")
    for role in ("Department leads", "Executive viewers", "Auditors"):
        expect(section.get_by_label(role)).to_be_checked()
    section.scroll_into_view_if_needed()
    assert shoot(page, screenshots, "plan-overview-access") == []
