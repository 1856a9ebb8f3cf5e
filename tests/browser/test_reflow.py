"""Reflow (WCAG 1.4.10): at 320 CSS px — a phone, or 1280 px at 400 % zoom — and at 640 px
(200 % zoom) no page scrolls sideways; wide tables and charts scroll inside their own box."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import OpenPage

pytestmark = pytest.mark.browser

WIDTHS = (320, 640)
PAGES = {
    "cco": ["/dashboard/", "/board/", "/roadblocks/", "/timeline/", "/timeline/chart", "/accountability/",
            "/kpis/", "/report/", "/celebrations/", "/plan/", "/members/", "/commitments/new",
            "/patterns/", "/patterns/new"],
    "support_lead": ["/board/", "/roadblocks/", "/commitments/new"],
    "auditor": ["/audit/history", "/audit/as-of?day=2026-10-01", "/audit/as-of/board?day=2026-10-01",
                "/audit/as-of/accountability?day=2026-10-01", "/audit/diff?fromday=2026-09-01&today=2026-10-01",
                "/audit/as-of/patterns?day=2026-11-20"],
}
# What sticks out past the window's right edge, outside any box that scrolls on its own.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const inScroller = e => { for (let p = e.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !inScroller(e) && e.getClientRects().length)
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')
      + ' right=' + Math.round(e.getBoundingClientRect().right));
}"""


def sideways(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.mark.parametrize("role", sorted(PAGES))
def test_no_page_scrolls_sideways_at_320_px_or_200_percent_zoom(open_page: OpenPage, role: str) -> None:
    page = open_page(role)
    faults = []
    for path in PAGES[role]:
        page.goto(path)
        expect(page.locator("main h1").first).to_be_visible()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            if extra := sideways(page):
                faults.append(f"{path} at {width}px: {extra}px sideways; {page.evaluate(STICKING_OUT)}")
        page.set_viewport_size({"width": 1280, "height": 900})
    assert faults == [], "\n".join(faults)
