"""The inbox in the real browser: reminders recorded by the reminder service appear with an
unread count in the navigation, and "Mark read" works with htmx and without JavaScript."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import expect

from projections.database import open_views
from projections.reminders.remind import Links, remind
from projections.runner import Runner
from projections.views import all_views
from tests.browser.conftest import LiveServer, OpenPage, sign_in
from tests.conftest import FAST_HASHER
from tracker.accounts import Accounts
from tracker.application import CxTracker

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def reminded(live_server: LiveServer) -> LiveServer:
    """`cx-tracker remind` run once on the served demo data (messages go to the outbox)."""
    assert live_server.data is not None
    data: Path = live_server.data
    app = CxTracker(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                         "SQLITE_DBNAME": str(data / "events.sqlite3")},
                    accounts=Accounts(data / "accounts.sqlite3", hasher=FAST_HASHER))
    db = open_views(":memory:")
    try:
        outcome = remind(app, db, lambda: Runner(app, db, all_views()).catch_up(),
                         datetime.now(timezone.utc), links=Links(live_server.url, "k"),
                         mailer=None, due_within_days=3)
    finally:
        db.close()
        app.close()
    assert outcome.outboxed > 0
    return live_server


def test_a_lead_reads_and_marks_reminders_in_the_inbox(
    reminded: LiveServer, open_page: OpenPage, screenshots: Path
) -> None:
    page = open_page("cco")
    inbox_link = page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Inbox"))
    expect(inbox_link).to_be_visible()
    page.goto("/inbox/outbox")
    expect(page.get_by_role("heading", name="Outbox")).to_be_visible()
    recipients = page.locator("tbody tr td:nth-child(2)").all_inner_texts()
    # Someone who was reminded about a commitment: a recipient other than the executive.
    email = next(re.search(r"<(.+)>", r).group(1) for r in recipients  # type: ignore[union-attr]
                 if "ceo@" not in r)
    page = open_page(None)
    sign_in(page, email)
    page.goto("/inbox/")
    heading = page.get_by_role("heading", name=re.compile(r"^\d+ unread$"))
    expect(heading).to_be_visible()
    unread = int(heading.inner_text().split()[0])
    if unread == 0:
        pytest.fail(f"{email} has no unread notice after a reminder run")
    page.screenshot(path=str(screenshots / "inbox.png"), full_page=True)
    expect(inbox_link_count(page)).to_have_text(re.compile(rf"^{unread}"))
    page.get_by_role("button", name=re.compile("^Mark read")).first.click()  # htmx
    expect(page.get_by_role("heading", name=f"{unread - 1} unread")).to_be_visible()
    if unread > 1:  # the navigation's count follows (an out-of-band swap)
        expect(inbox_link_count(page)).to_have_text(re.compile(rf"^{unread - 1}"))
    else:
        expect(inbox_link_count(page)).to_have_count(0)
    first_link = page.locator(".inbox-list a").first
    if first_link.count():
        href = first_link.get_attribute("href")
        assert href is not None and href.startswith("/commitments/")


def test_mark_read_works_without_javascript(reminded: LiveServer, open_page: OpenPage) -> None:
    page = open_page("ceo", javascript=False)
    page.goto("/inbox/")
    heading = page.get_by_role("heading", name=re.compile(r"^\d+ unread$"))
    unread = int(heading.inner_text().split()[0])
    assert unread >= 1  # the executive digest
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_role("heading", name="0 unread")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("All notices marked read.")


def inbox_link_count(page):  # type: ignore[no-untyped-def]
    return page.get_by_role("navigation", name="Main").locator("a[href='/inbox/'] .badge")


def test_typing_an_at_sign_in_a_note_suggests_members_and_inserts_the_handle(
    open_page: OpenPage,
) -> None:
    from tests.browser.steps import card, make_commitment, open_action, unique_title

    page = open_page("support_lead")
    title = unique_title("Mention a colleague")
    make_commitment(page, title)
    card(page, title).get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()  # its page, not the board
    note = open_action(card(page, title), "Add a note").get_by_label("Note")
    note.click()
    note.press_sequentially("Ask @lead.i")
    suggestions = page.get_by_role("listbox", name="Members to mention")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("option").first).to_contain_text("@lead.it")
    note.press("Enter")
    expect(note).to_have_value("Ask @lead.it ")
    expect(suggestions).to_have_count(0)
