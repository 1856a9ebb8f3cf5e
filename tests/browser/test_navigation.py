"""The main navigation: the CCO's eleven destinations grouped so the bar keeps to one row at
1280 px and stays usable on a phone; the menus work without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import OpenPage

pytestmark = pytest.mark.browser

PHONE_320 = {"width": 320, "height": 700}


def rows_of(page: Page, selector: str) -> int:
    """How many distinct rows the matched elements sit on."""
    return int(page.evaluate(f"""() => new Set([...document.querySelectorAll({selector!r})]
        .map(e => Math.round(e.getBoundingClientRect().top))).size"""))


@pytest.mark.parametrize("javascript", [True, False])
def test_the_ccos_navigation_is_one_row_at_desktop_width_and_every_page_is_reachable(
        open_page: OpenPage, javascript: bool) -> None:
    page = open_page("cco", javascript=javascript)
    page.goto("/dashboard/")
    nav = page.get_by_role("navigation", name="Main")
    assert rows_of(page, ".nav > a, .nav > details > summary") == 1
    # The board opens on the first department by name (the demo's Business Development).
    for menu, label, heading in [("Commitments", "Board", "Business Development"), ("Progress", "Accountability", "Accountability"),
                                 ("Set-up", "Members", "Members and roles")]:
        nav.locator("summary", has_text=menu).click()
        nav.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        expect(nav.locator("summary.current")).to_have_text(f"{menu} (this section)")


def test_on_a_phone_the_bar_is_at_most_two_rows_and_a_menu_fits_the_screen(open_page: OpenPage) -> None:
    page = open_page("cco", viewport=PHONE_320)
    page.goto("/dashboard/")
    assert rows_of(page, ".nav > a, .nav > details > summary") <= 2
    nav = page.get_by_role("navigation", name="Main")
    menu_item_of = {"Commitments": "Roadblocks", "Progress": "Timeline", "Set-up": "Members"}
    for menu in ("Commitments", "Progress", "Set-up"):
        nav.locator("summary", has_text=menu).click()
        # Opening one closes the others on the toggle event, which comes a moment later.
        expect(nav.locator("details[open]")).to_have_count(1)
        items = nav.locator("details[open] .nav-menu-items")
        expect(items).to_contain_text(menu_item_of[menu])
        box = items.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_320["width"], f"{menu}: {box}"
    expect(nav.locator("details[open]")).to_have_count(1)  # opening one closed the others
    page.keyboard.press("Escape")
    expect(nav.locator("details[open]")).to_have_count(0)


def test_a_lead_reads_the_overview_pages_through_the_same_menus(open_page: OpenPage) -> None:
    """Every member with a role reads the overview pages, so a lead's bar is grouped too."""
    page = open_page("support_lead")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("details > summary")).to_have_text(
        [re.compile("^Commitments"), re.compile("^Progress"), re.compile("^Set-up")])
    nav.locator("summary", has_text="Progress").click()
    expect(nav.locator("details[open] a")).to_have_text(
        ["Timeline", "Accountability", "KPIs", "Report", "My scorecards"])
    nav.get_by_role("link", name="Accountability", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accountability")
