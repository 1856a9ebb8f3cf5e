"""Focus you can see and keep, and changes announced: the focus ring's contrast on every tab stop,
where the focus goes after an htmx answer, and what the one live region (#announcer) says."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMELINE_PAGE_SIZE, OpenPage
from tests.browser.steps import card, make_commitment, open_action, unique_title

pytestmark = pytest.mark.browser

MAX_TAB_STOPS = 400
# The focused element's outline colour against the first opaque background behind it (WCAG 2.x
# relative luminance); its style must be the focus ring, not the browser's default.
RING_CONTRAST = """() => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const el = document.activeElement;
  let bg = null;
  for (let e = el.parentElement; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] === 1)) { bg = c.slice(0, 3); break; }
  }
  bg = bg || [255, 255, 255];
  const style = getComputedStyle(el);
  const a = lum(rgb(style.outlineColor).slice(0, 3)), b = lum(bg);
  return {what: el.tagName + (el.id ? "#" + el.id : "") + " " + (el.textContent || "").trim().slice(0, 30),
          width: parseFloat(style.outlineWidth), contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


def announced(page: Page) -> str:
    return str(page.locator("#announcer").text_content() or "")


def ring_faults(page: Page) -> tuple[int, list[str]]:
    """Tab through the page: each stop whose focus ring is thinner than 2px or below 3:1."""
    page.locator("body").focus()
    faults, stops, seen = [], 0, set()
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        ring = page.evaluate(RING_CONTRAST)
        if ring["what"] in seen or ring["what"].startswith("BODY"):
            break
        seen.add(ring["what"])
        stops += 1
        if ring["width"] < 2 or ring["contrast"] < 3:
            faults.append(f"{ring['what']}: {ring['width']}px at {ring['contrast']:.2f}:1")
    return stops, faults


@pytest.mark.parametrize("role, path", [("cco", "/dashboard/"), ("support_lead", "/board/"), ("cco", "/members/")])
def test_every_tab_stop_shows_a_focus_ring_of_at_least_three_to_one(open_page: OpenPage, role: str, path: str) -> None:
    page = open_page(role)
    page.goto(path)
    stops, faults = ring_faults(page)
    assert stops > 10, f"only {stops} tab stops reached"
    assert faults == [], f"{len(faults)} of {stops} tab stops fail:\n" + "\n".join(faults)


def test_an_updated_card_takes_the_focus_and_its_news_is_announced(open_page: OpenPage) -> None:
    page = open_page("support_lead")
    title = unique_title("Focus stays with the card")
    make_commitment(page, title)
    form = open_action(card(page, title), "Report progress")
    form.get_by_label("Percent complete").fill("30")
    form.get_by_role("button", name="Report progress").click()
    expect(card(page, title).get_by_role("status")).to_have_text("Progress reported.")
    expect(card(page, title)).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Progress reported.")

    # A refused answer: the message is announced and the field in error takes the focus.
    form = open_action(card(page, title), "Report progress")
    form.get_by_label("Percent complete").evaluate("e => { e.removeAttribute('max'); e.value = '150'; }")
    form.get_by_role("button", name="Report progress").click()
    field = card(page, title).get_by_label("Percent complete")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("Nothing was recorded")


def test_load_older_moves_the_focus_to_the_first_new_row_and_says_how_many(open_page: OpenPage) -> None:
    page = open_page("cco")
    page.goto("/timeline/")
    rows = page.locator("#timeline-list > li.event")
    expect(rows).to_have_count(TIMELINE_PAGE_SIZE)
    page.get_by_role("link", name="Load older events").focus()
    page.keyboard.press("Enter")
    expect(rows.nth(TIMELINE_PAGE_SIZE)).to_be_focused()
    expect(page.locator("#announcer")).to_have_text(re.compile(r"^\d+ older events? loaded\.$"))
    loaded = int(announced(page).split()[0])
    assert rows.count() == TIMELINE_PAGE_SIZE + loaded


def test_a_board_filter_applies_on_change_keeps_the_focus_and_says_what_it_shows(open_page: OpenPage) -> None:
    page = open_page("cco")
    page.goto("/board/")
    health = page.get_by_label("Health", exact=True)
    health.focus()
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        health.select_option("overdue")
    expect(page).to_have_url(re.compile(r"health=overdue"))
    expect(health).to_be_focused()
    shown = page.locator("article.commitment").count()
    expect(page.locator("#announcer")).to_have_text(f"{shown} commitment{'' if shown == 1 else 's'} shown.")
