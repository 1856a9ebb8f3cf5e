"""Personal access tokens: shown once, stored hashed, scoped, expiring, revocable, and dead with
a deactivated member."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import NOW, Org
from tracker import clock
from tracker.errors import Invalid, NotFound
from tracker.tokens import TokenStore


def test_a_token_is_shown_once_and_only_its_hash_is_stored(org: Org, tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.sqlite3")
    org.app.attach_tokens(store)
    made = org.app.create_token(org.support_lead, name="survey tool", scope="read-write", days=30)
    assert made["token"].startswith("cxt_") and made["state"] == "active"
    listed = org.app.list_tokens(org.support_lead)
    assert [t["id"] for t in listed] == [made["id"]] and "token" not in listed[0]
    raw = sqlite3.connect(tmp_path / "tokens.sqlite3").execute("SELECT * FROM api_tokens").fetchall()
    assert made["token"] not in repr(raw)
    assert made["expires_at"] == (NOW + timedelta(days=30)).isoformat()


def test_a_token_never_enters_the_event_log(org: Org) -> None:
    before = org.app.head()
    org.app.create_token(org.support_lead, name="survey tool", scope="read")
    assert org.app.head() == before


def test_using_a_token_names_its_member_and_scope_and_records_the_last_use(org: Org) -> None:
    made = org.app.create_token(org.executive, name="dashboard", scope="read")
    used = org.app.use_token(made["token"])
    assert used is not None and used.member_id == org.executive and not used.may_write
    assert org.app.list_tokens(org.executive)[0]["last_used_at"] == NOW.isoformat()


@pytest.mark.parametrize("secret", ["", "cxt_nothing", "not-a-token"])
def test_an_unknown_token_is_refused(org: Org, secret: str) -> None:
    assert org.app.use_token(secret) is None


def test_an_expired_token_stops_working(org: Org) -> None:
    made = org.app.create_token(org.executive, name="dashboard", scope="read", days=1)
    with clock.frozen_at(NOW + timedelta(days=1, seconds=1)):
        assert org.app.use_token(made["token"]) is None
        assert org.app.list_tokens(org.executive)[0]["state"] == "expired"


def test_a_revoked_token_stops_working(org: Org) -> None:
    made = org.app.create_token(org.support_lead, name="x", scope="read")
    org.app.revoke_token(org.support_lead, made["id"])
    assert org.app.use_token(made["token"]) is None
    assert org.app.list_tokens(org.support_lead)[0]["state"] == "revoked"


def test_a_deactivated_members_tokens_stop_working(org: Org) -> None:
    made = org.app.create_token(org.it_lead, name="x", scope="read-write")
    org.app.deactivate_member(org.cco, email="lead.it@example.com", reason="left the company")
    assert org.app.use_token(made["token"]) is None


def test_a_member_cannot_revoke_or_see_another_members_token_but_the_cco_can(org: Org) -> None:
    made = org.app.create_token(org.it_lead, name="x", scope="read")
    with pytest.raises(NotFound):
        org.app.revoke_token(org.support_lead, made["id"])
    assert org.app.list_tokens(org.support_lead) == []
    org.app.revoke_token(org.cco, made["id"])
    assert org.app.use_token(made["token"]) is None


@pytest.mark.parametrize("fields, bad", [
    ({"name": "", "scope": "read"}, "name"),
    ({"name": "x", "scope": "admin"}, "scope"),
    ({"name": "x", "scope": "read", "days": 0}, "days"),
    ({"name": "x", "scope": "read", "days": 367}, "days"),
    ({"name": "x", "scope": "read", "days": "soon"}, "days"),
    ({"name": "x", "scope": "read", "days": "1_0"}, "days"),
    ({"name": "x", "scope": "read", "days": "\u0663"}, "days"),
    ({"name": "x", "scope": "read", "days": "7" * 5000}, "days"),
    ({"name": "x", "scope": "read", "days": "3.5"}, "days"),
    ({"name": "x", "scope": "read", "days": True}, "days"),
])
def test_a_token_needs_a_name_a_known_scope_and_a_sensible_expiry(
    org: Org, fields: dict[str, object], bad: str
) -> None:
    with pytest.raises(Invalid) as refused:
        org.app.create_token(org.support_lead, **fields)  # type: ignore[arg-type]
    assert bad in refused.value.errors
