"""Leader scorecards in the browser, on the demo: the CEO opens one page with every leader's
scorecard of the last quarter and its attainment; a lead finds next quarter's in the Progress
menu and agrees to it; the CEO approves it; axe, phone width and print. Screenshots at 1280 and
375 px go to screenshots/scorecards-*.png."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import Axe
from tests.browser.conftest import OpenPage
from tracker.demo.scorecards import AREA_KPIS
from tracker.domain import Period

pytestmark = pytest.mark.browser

WIDTHS = {1280: {"width": 1280, "height": 900}, 375: {"width": 375, "height": 812}}


def open_menu_link(page: Page, name: str) -> None:
    """Follow a main-navigation link, opening its menu first where the nav groups them."""
    menu = page.locator("nav.nav summary", has_text="Progress")
    if menu.count():
        menu.click()
    page.locator("nav.nav").get_by_role("link", name=name, exact=True).click()


def shoot(page: Page, folder: Path, name: str) -> None:
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.screenshot(path=folder / f"{name}-{width}.png", full_page=True, caret="initial")
        page.screenshot(path=folder / f"{name}-{width}-fold.png", caret="initial")  # what shows first
        wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wider <= 0, f"{name} is {wider}px wider than {width}px"
    page.set_viewport_size(WIDTHS[1280])


def test_the_ceo_sees_every_leaders_scorecard_and_a_lead_agrees_to_the_next(
    open_page: OpenPage, screenshots: Path
) -> None:
    today = datetime.now(timezone.utc).date()
    last, upcoming = Period.of_day(today, -1).label, Period.of_day(today, 1).label
    axe = Axe()

    ceo = open_page("ceo")
    ceo.goto("/dashboard/")
    open_menu_link(ceo, "Scorecards")
    expect(ceo.locator("main h1")).to_contain_text(last)
    expect(ceo.locator("section.scorecard")).to_have_count(len(AREA_KPIS))
    expect(ceo.locator("tfoot").first).to_contain_text("Weighted total")
    expect(ceo.locator(".correction").first).to_contain_text("corrected since")
    axe.check(ceo, "every leader's scorecard")
    shoot(ceo, screenshots, "scorecards-ceo")

    lead = open_page("support_lead")
    lead.goto("/board/")
    open_menu_link(lead, "My scorecards")
    expect(lead.locator("main h1")).to_have_text("My scorecards")
    shoot(lead, screenshots, "scorecards-lead")
    lead.locator("section.scorecard", has_text=upcoming).get_by_role("link", name="Details and history").click()
    expect(lead.locator("main h1")).to_contain_text(upcoming)
    axe.check(lead, "a proposed scorecard, for its lead")
    shoot(lead, screenshots, "scorecard-proposed")
    lead.get_by_label("Comment").fill("Agreed: the FCR step is ambitious but fair.")
    lead.get_by_role("button", name="Agree to this scorecard").click()
    expect(lead.locator("#announcer, .flash").first).to_contain_text("Agreed")
    expect(lead.locator(".scorecard-history li").last).to_contain_text("agreed")
    axe.check(lead, "a scorecard just agreed")

    ceo.goto(lead.url)
    ceo.get_by_role("button", name="Approve scorecard").click()
    expect(ceo.locator(".badge").first).to_have_text("Approved")
    shoot(ceo, screenshots, "scorecard-approved")
    axe.assert_clean()


def test_the_scorecards_page_prints_without_the_controls(open_page: OpenPage, screenshots: Path) -> None:
    page = open_page("ceo")
    page.goto("/scorecards/")
    page.emulate_media(media="print")
    expect(page.locator("form.no-print").first).to_be_hidden()
    expect(page.locator("header, .topbar").first).to_be_hidden()
    expect(page.locator("section.scorecard").first).to_be_visible()
    page.pdf(path=str(screenshots / "scorecards-print.pdf"), format="A4")
    page.emulate_media(media="screen")


def test_a_departments_kpis_and_the_links_are_shown(open_page: OpenPage, screenshots: Path) -> None:
    lead = open_page("support_lead")
    lead.goto("/board/")
    section = lead.locator("section.department-kpis")
    expect(section).to_contain_text("First-contact resolution")
    expect(section.locator("tbody").nth(1)).to_contain_text("First-contact resolution")
    section.scroll_into_view_if_needed()
    shoot(lead, screenshots, "department-kpis")
    ceo = open_page("ceo")
    ceo.goto("/dashboard/")
    links = ceo.locator("table.kpi-links")
    expect(links).to_contain_text("Invoices right first time")
    links.scroll_into_view_if_needed()
    ceo.set_viewport_size(WIDTHS[1280])
    ceo.screenshot(path=screenshots / "dashboard-kpi-links-1280.png", caret="initial")
