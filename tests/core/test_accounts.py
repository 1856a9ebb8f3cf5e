"""The accounts store: secrets outside the event log, verification, and session invalidation."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from tests.conftest import FAST_HASHER, PASSWORD, Org
from tests.core.support import refused
from tracker.accounts import Accounts
from tracker.domain import member_id
from tracker.errors import Invalid

EMAIL = "lead.it@example.com"
SECRET = "a very secret passphrase"


@pytest.fixture
def accounts() -> Iterator[Accounts]:
    store = Accounts(":memory:", hasher=FAST_HASHER)
    yield store
    store.close()


def test_passwords_and_their_hashes_never_enter_the_event_log(org: Org, tmp_path: Path) -> None:
    org.app.register_member(org.cco, email="new.person@example.com", name="New Person",
                            password=SECRET, role="lead", department="sales")
    org.app.change_password(org.cco, email=EMAIL, password=SECRET + " 2")
    db = sqlite3.connect(tmp_path / "accounts.sqlite3")  # where the `app` fixture keeps accounts
    try:
        hashes = [h for (h,) in db.execute("SELECT password_hash FROM accounts")]
    finally:
        db.close()
    assert len(hashes) == 7  # the six members of the organisation and the new one
    secrets = [SECRET, SECRET + " 2", PASSWORD] + hashes + [h.rsplit("$", 1)[-1] for h in hashes]
    states = [bytes(n.state) for n in org.app.recorder.select_notifications(start=1, limit=10**6)]
    assert len(states) == 20
    leaks = [s for s in secrets for state in states if s.encode() in state]
    assert leaks == []


def test_verify_returns_the_member_for_the_right_password(accounts: Accounts) -> None:
    member = uuid4()
    accounts.set_password(member, "Pat@Example.com", SECRET)
    assert accounts.verify("pat@example.com", SECRET) == member
    assert accounts.verify("PAT@example.COM", SECRET) == member


@pytest.mark.parametrize(("email", "password"), [
    ("pat@example.com", SECRET.upper()),
    ("pat@example.com", ""),
    ("pat@example.com", SECRET[:-1]),
    ("someone.else@example.com", SECRET),
    ("", SECRET),
])
def test_verify_returns_nothing_for_a_wrong_password_or_an_unknown_email(
    accounts: Accounts, email: str, password: str
) -> None:
    accounts.set_password(uuid4(), "pat@example.com", SECRET)
    assert accounts.verify(email, password) is None


@pytest.mark.parametrize("password", ["", "seven77", None, 12345678])
def test_a_password_shorter_than_8_characters_is_refused(accounts: Accounts, password: object) -> None:
    member = uuid4()
    with pytest.raises(Invalid) as caught:
        accounts.set_password(member, "pat@example.com", password)  # type: ignore[arg-type]
    assert set(caught.value.errors) == {"password"}
    assert accounts.session_epoch(member) is None and accounts.emails() == []


def test_a_password_change_through_the_service_needs_8_characters(org: Org) -> None:
    with refused(org.app, Invalid, "password"):
        org.app.change_password(org.it_lead, email=EMAIL, password="short", current_password=PASSWORD)
    assert org.app.authenticate(EMAIL, PASSWORD) == org.it_lead


def test_a_changed_password_replaces_the_old_one(org: Org) -> None:
    org.app.change_password(org.it_lead, email=EMAIL, password=SECRET, current_password=PASSWORD)
    assert org.app.authenticate(EMAIL, SECRET) == org.it_lead
    assert org.app.authenticate(EMAIL, PASSWORD) is None


def test_authenticate_returns_the_member_for_the_right_password_only(org: Org) -> None:
    assert org.app.authenticate(EMAIL, PASSWORD) == org.it_lead
    assert org.app.authenticate(EMAIL, "wrong-password") is None
    assert org.app.authenticate("nobody@example.com", PASSWORD) is None


def test_authenticate_returns_nothing_for_a_deactivated_member(org: Org) -> None:
    org.app.deactivate_member(org.cco, email=EMAIL, reason="Left the company")
    assert org.app.authenticate(EMAIL, PASSWORD) is None
    assert org.app.accounts.verify(EMAIL, PASSWORD) == org.it_lead  # the secret itself is intact


SESSION_ENDERS: dict[str, Callable[[Org], object]] = {
    "end_sessions": lambda o: o.app.accounts.end_sessions(member_id(EMAIL)),
    "revoke_role": lambda o: o.app.revoke_role(o.cco, email=EMAIL, role="lead", department="it"),
    "deactivate_member": lambda o: o.app.deactivate_member(o.cco, email=EMAIL, reason="Left"),
    "change_password": lambda o: o.app.change_password(o.it_lead, email=EMAIL, password=SECRET,
                                                       current_password=PASSWORD),
    "reset_password": lambda o: o.app.change_password(o.cco, email=EMAIL, password=SECRET),
}


@pytest.mark.parametrize("command", list(SESSION_ENDERS))
def test_the_session_epoch_increases_and_open_sessions_end_when_sessions_must_end(
    org: Org, command: str
) -> None:
    before = org.app.accounts.session_epoch(org.it_lead)
    assert before is not None
    token = org.app.accounts.open_session(org.it_lead)
    assert org.app.accounts.session_member(token) == org.it_lead
    SESSION_ENDERS[command](org)
    assert org.app.accounts.session_epoch(org.it_lead) == before + 1
    assert org.app.accounts.session_member(token) is None


def test_ending_one_members_sessions_leaves_other_members_signed_in(org: Org) -> None:
    token = org.app.accounts.open_session(org.sales_lead)
    epoch = org.app.accounts.session_epoch(org.sales_lead)
    org.app.deactivate_member(org.cco, email=EMAIL, reason="Left")
    assert org.app.accounts.session_member(token) == org.sales_lead
    assert org.app.accounts.session_epoch(org.sales_lead) == epoch


def test_a_refused_role_change_leaves_sessions_alone(org: Org) -> None:
    before = org.app.accounts.session_epoch(org.it_lead)
    with refused(org.app, Invalid, "role"):
        org.app.revoke_role(org.cco, email=EMAIL, role="lead", department="sales")
    assert org.app.accounts.session_epoch(org.it_lead) == before


def test_the_session_epoch_of_an_unknown_member_is_none(accounts: Accounts) -> None:
    assert accounts.session_epoch(uuid4()) is None
