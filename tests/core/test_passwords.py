"""Identity basics: a member changes their own password (giving the current one), the CCO resets
anyone's, and a new member can be given a one-time link to set their own; every change ends the
member's sessions, and no password or token enters the event log."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, Org
from tests.core.support import refused
from tracker.errors import Invalid, NotAllowed

EMAIL = "lead.it@example.com"
NEW = "a brand new passphrase"


def test_a_member_changes_their_own_password_giving_the_current_one(org: Org) -> None:
    org.app.change_password(org.it_lead, email=EMAIL, password=NEW, current_password=PASSWORD)
    assert org.app.authenticate(EMAIL, NEW) == org.it_lead
    assert org.app.authenticate(EMAIL, PASSWORD) is None


@pytest.mark.parametrize("current", [None, "", "wrong-password"])
def test_without_the_right_current_password_nothing_changes(org: Org, current: str | None) -> None:
    with refused(org.app, Invalid, "current_password"):
        org.app.change_password(org.it_lead, email=EMAIL, password=NEW, current_password=current)
    assert org.app.authenticate(EMAIL, PASSWORD) == org.it_lead


def test_a_bad_current_and_a_short_new_password_are_both_named(org: Org) -> None:
    with pytest.raises(Invalid) as caught:
        org.app.change_password(org.it_lead, email=EMAIL, password="short", current_password="nope")
    assert set(caught.value.errors) == {"current_password", "password"}


def test_the_cco_resets_another_members_password_without_knowing_it(org: Org) -> None:
    token = org.app.accounts.open_session(org.it_lead)
    org.app.change_password(org.cco, email=EMAIL, password=NEW)
    assert org.app.authenticate(EMAIL, NEW) == org.it_lead
    assert org.app.accounts.session_member(token) is None  # their sessions ended everywhere


def test_a_lead_cannot_reset_another_members_password(org: Org) -> None:
    with refused(org.app, NotAllowed):
        org.app.change_password(org.it_lead, email="lead.sales@example.com", password=NEW)


def test_a_member_added_without_a_password_cannot_sign_in_until_they_use_their_link(org: Org) -> None:
    org.app.register_member(org.cco, email="new@example.com", name="New Person", password=None,
                            role="executive")
    assert org.app.authenticate("new@example.com", "") is None
    assert org.app.authenticate("new@example.com", "!unset") is None
    token = org.app.password_link(org.cco, email="new@example.com")
    assert org.app.password_link_for(token) == {"email": "new@example.com", "name": "New Person"}
    assert org.app.set_password_with_link(token, NEW) == "new@example.com"
    assert org.app.authenticate("new@example.com", NEW) is not None


def test_a_link_works_once(org: Org) -> None:
    token = org.app.password_link(org.cco, email=EMAIL)
    org.app.set_password_with_link(token, NEW)
    assert org.app.password_link_for(token) is None
    with refused(org.app, Invalid, "link"):
        org.app.set_password_with_link(token, "another passphrase")
    assert org.app.authenticate(EMAIL, NEW) == org.it_lead


def test_a_link_expires(org: Org) -> None:
    clock = org.app.accounts.now
    token = org.app.password_link(org.cco, email=EMAIL, lifetime=timedelta(hours=1))
    org.app.accounts.now = lambda: clock() + timedelta(hours=1, seconds=1)
    with refused(org.app, Invalid, "link"):
        org.app.set_password_with_link(token, NEW)
    assert org.app.authenticate(EMAIL, PASSWORD) == org.it_lead


def test_a_new_link_replaces_the_earlier_one(org: Org) -> None:
    first = org.app.password_link(org.cco, email=EMAIL)
    second = org.app.password_link(org.cco, email=EMAIL)
    assert org.app.password_link_for(first) is None and org.app.password_link_for(second)


def test_a_short_password_does_not_spend_the_link(org: Org) -> None:
    token = org.app.password_link(org.cco, email=EMAIL)
    with refused(org.app, Invalid, "password"):
        org.app.set_password_with_link(token, "short")
    assert org.app.password_link_for(token)


def test_a_deactivated_members_link_no_longer_works(org: Org) -> None:
    token = org.app.password_link(org.cco, email=EMAIL)
    org.app.deactivate_member(org.cco, email=EMAIL, reason="Left")
    with refused(org.app, Invalid, "link"):
        org.app.set_password_with_link(token, NEW)


def test_only_the_cco_makes_links(org: Org) -> None:
    with refused(org.app, NotAllowed):
        org.app.password_link(org.it_lead, email=EMAIL)


def test_links_are_kept_hashed_and_out_of_the_event_log(org: Org, tmp_path: Path) -> None:
    token = org.app.password_link(org.cco, email=EMAIL)
    org.app.set_password_with_link(org.app.password_link(org.cco, email="lead.sales@example.com"), NEW)
    db = sqlite3.connect(tmp_path / "accounts.sqlite3")
    try:
        stored = " ".join(str(v) for row in db.execute("SELECT * FROM password_links") for v in row)
    finally:
        db.close()
    assert token not in stored and stored  # only its digest
    log = b"".join(n.state for n in org.app.recorder.select_notifications(start=1, limit=10_000))
    assert token.encode() not in log and NEW.encode() not in log
