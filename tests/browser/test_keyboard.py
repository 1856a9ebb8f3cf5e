"""The new-commitment form with the keyboard alone: Tab, Shift+Tab, typing and Enter."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import OpenPage
from tests.browser.steps import card, today, unique_title

pytestmark = pytest.mark.browser

# The form's fields in tab order, with the visible label that must name each one.
FIELDS = [
    ("new-department", "Department"), ("new-title", "Title"), ("new-description", "Description"),
    ("new-due_date", "Due date"), ("new-owner", "Owner"), ("new-journey", "Customer journey"),
    ("new-kpi", "KPI it moves"),
]
MAX_TABS = 40


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))


def tab_until(page: Page, target: str, key: str = "Tab") -> None:
    """Press `key` until the element with id (or text) `target` has the focus."""
    for _ in range(MAX_TABS):
        if focused_id(page) == target:
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {target!r}")


def type_date(page: Page, day: date) -> None:
    """Chromium's date field (en-US) takes month, day and year as typed digits."""
    page.keyboard.type(day.strftime("%m%d%Y"))


def test_the_new_commitment_form_works_with_the_keyboard_alone(open_page: OpenPage) -> None:
    page = open_page("support_lead")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    tab_until(page, "New commitment")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="New commitment")).to_be_visible()

    # Every field is reached in order, and named by its visible label.
    tab_until(page, FIELDS[0][0])
    for field_id, label in FIELDS:
        while focused_id(page) == field_id:  # a date field takes one Tab per part
            focused = page.locator(f"#{field_id}")
            expect(focused).to_be_focused()
            expect(focused).to_have_accessible_name(re.compile(rf"^{re.escape(label)}\b"))
            expect(page.locator(f"label[for='{field_id}']")).to_be_visible()
            page.keyboard.press("Tab")
    assert focused_id(page) == "Make commitment"
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#new-kpi")).to_be_focused()

    # Enter in an empty required field: the browser refuses and keeps the focus there.
    tab_until(page, "new-title", "Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#new-title")).to_be_focused()
    assert page.locator("#new-title").evaluate("e => e.validity.valueMissing")
    assert posts == []

    # A title too short for the server: the message appears at the field, which gets the focus.
    due = today() + timedelta(days=45)
    page.keyboard.type("Hi")
    page.keyboard.press("Tab")
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")
    type_date(page, due)
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Enter")
    title = page.locator("#new-title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description(re.compile("at least 3 characters"))
    expect(page.get_by_role("alert")).to_contain_text("Nothing was recorded")
    expect(title).to_be_focused()
    expect(page.locator("#new-description")).to_have_value("Typed without a mouse.")
    expect(page.locator("#new-due_date")).to_have_value(due.isoformat())

    # Corrected, it is recorded and the board shows it.
    good = unique_title("Answer every chat within two minutes")
    page.keyboard.press("End")  # the focus puts the caret before "Hi"
    for _ in "Hi":
        page.keyboard.press("Backspace")
    page.keyboard.type(good)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Commitment made.")).to_be_visible()
    expect(card(page, good)).to_be_visible()
    assert len(posts) == 2
