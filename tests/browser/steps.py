"""What a user does in several browser tests, written once."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from itertools import count

from playwright.sync_api import Locator, Page, expect

_serial = count(1)


def unique_title(what: str) -> str:
    """A commitment title no other test (nor the demo) uses, so its card is easy to find."""
    return f"{what} (browser test {next(_serial)})"


def today() -> date:
    """The server's today: it runs on the real clock, in UTC."""
    return datetime.now(timezone.utc).date()


def due_in(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


def make_commitment(page: Page, title: str, *, due_date: str | None = None) -> None:
    """Fill in and send the new-commitment form; the board that answers shows the card."""
    page.goto("/commitments/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("Made by a browser test.")
    page.get_by_label("Due date").fill(due_date or due_in(60))
    page.get_by_role("button", name="Make commitment").click()
    expect(page.get_by_role("status").filter(has_text="Commitment made.")).to_be_visible()
    expect(card(page, title)).to_be_visible()


def navigate(page: Page, label: str) -> None:
    """Follow the main navigation's link `label`, opening the menu that holds it if need be."""
    nav = page.get_by_role("navigation", name="Main")
    menu = nav.locator("details.nav-menu").filter(has=page.locator("a", has_text=label))
    if menu.count() and menu.get_attribute("open") is None:
        menu.locator("summary").click()
    nav.get_by_role("link", name=label, exact=True).click()


def card(page: Page, title: str) -> Locator:
    """The commitment card whose heading is `title`."""
    return page.locator("article.commitment").filter(has=page.get_by_role("heading", name=title, exact=True))


def open_action(card_: Locator, action: str) -> Locator:
    """Unfold a card's actions and the named one; return that action's form. A card on a board
    loads its forms when its actions unfold; without JavaScript it links to a page with them."""
    actions = card_.locator("details.actions")
    if actions.get_attribute("open") is None:
        actions.locator("> summary").click()
        if card_.page.evaluate("typeof window.htmx") == "undefined":  # JavaScript is off
            link = actions.get_by_role("link", name="Open the actions")
            if link.count():
                with card_.page.expect_navigation():
                    link.click()
                expect(card_.locator("details.actions")).to_have_attribute("open", "")
    details = card_.locator("details.action").filter(has=card_.page.locator("summary", has_text=action))
    if details.get_attribute("open") is None:
        details.locator("> summary").click()
    return details.locator("form")
