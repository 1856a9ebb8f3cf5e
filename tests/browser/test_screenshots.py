"""The main pages photographed (into screenshots/, git-ignored) at desktop and phone width, each
checked for the faults a look would catch first: a page wider than a phone, an unlabelled field."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, OpenPage

pytestmark = pytest.mark.browser

# Every form control a user can reach must have an accessible name.
UNNAMED_CONTROLS = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
  .map(e => e.id || e.name)"""


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0 when nothing sticks out)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


class Camera:
    """Shoots pages at desktop and phone width and notes what is wrong with them."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.faults: list[str] = []

    def shoot(self, name: str, path: str | None = None, *, phone: bool = False) -> None:
        if path is not None:
            self.page.goto(path)
        self._take(name, DESKTOP)
        if phone:
            self._take(f"{name}-phone", PHONE)
            self.page.set_viewport_size(DESKTOP)

    def _take(self, name: str, viewport: dict[str, int]) -> None:
        self.page.set_viewport_size(viewport)
        # caret="hide" would leave empty style attributes behind, which htmx then copies (a CSP
        # violation that no real user could cause).
        self.page.screenshot(path=self.folder / f"{name}.png", full_page=True, caret="initial")
        if viewport == PHONE and (extra := overflow(self.page)):
            self.faults.append(f"{name}: {extra}px wider than a {PHONE['width']}px phone")
        if unnamed := self.page.evaluate(UNNAMED_CONTROLS):
            self.faults.append(f"{name}: form controls without a name: {unnamed}")


def test_the_lead_pages_are_photographed_and_fit_a_phone(open_page: OpenPage, screenshots: Path) -> None:
    page = open_page()
    camera = Camera(page, screenshots)
    camera.shoot("login", "/login", phone=True)

    page = open_page("support_lead")
    camera.page = page
    camera.shoot("board", "/board/", phone=True)
    expect(page.locator(".board-column")).not_to_have_count(0)
    page.locator(".board-column article.commitment h3 a").first.click()
    expect(page.locator("#story")).to_be_visible()
    camera.shoot("commitment", phone=True)
    camera.shoot("new-commitment", "/commitments/new", phone=True)
    camera.shoot("celebrations", "/celebrations/")

    page = open_page("it_lead")
    camera.page = page
    camera.shoot("roadblocks", "/roadblocks/", phone=True)
    assert camera.faults == []


def test_the_overview_pages_are_photographed_and_fit_a_phone(open_page: OpenPage, screenshots: Path) -> None:
    camera = Camera(open_page("cco"), screenshots)
    for name, path in [
        ("dashboard", "/dashboard/"), ("timeline", "/timeline/"), ("accountability", "/accountability/"),
        ("kpis", "/kpis/"), ("report", "/report/"), ("board-all", "/board/"),
    ]:
        camera.shoot(name, path, phone=True)
        expect(camera.page.get_by_role("heading", level=1)).to_be_visible()
    assert camera.faults == []


def test_the_audit_pages_are_photographed_and_fit_a_phone(open_page: OpenPage, screenshots: Path) -> None:
    camera = Camera(open_page("auditor"), screenshots)
    for name, path in [
        ("audit-history", "/audit/history"),
        ("audit-as-of-dashboard", "/audit/as-of?day=2026-10-01"),
        ("audit-as-of-board", "/audit/as-of/board?day=2026-10-01"),
        ("audit-as-of-accountability", "/audit/as-of/accountability?day=2026-10-01"),
        ("audit-diff", "/audit/diff?fromday=2026-09-01&today=2026-10-01"),
    ]:
        camera.shoot(name, path, phone=True)
        expect(camera.page.get_by_role("heading", level=1)).to_be_visible()
    camera.page.goto("/audit/history")
    camera.page.locator("a[href^='/audit/commitments/']").first.click()
    expect(camera.page.get_by_role("heading", level=1)).to_be_visible()
    camera.shoot("audit-story", phone=True)
    assert camera.faults == []
