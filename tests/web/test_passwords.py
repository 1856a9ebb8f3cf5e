"""Passwords on the web: a member changes their own (current one required; their other sessions
end, this one continues); the CCO resets one (ending that member's sessions) or makes a one-time
link that the new member uses once to set their own."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import PASSWORD, Org
from tests.web.conftest import ROLE_EMAILS, csrf_token, sign_in

LEAD = ROLE_EMAILS["support_lead"]
NEW = "a brand new passphrase"
LINK = re.compile(r'<code id="password-link">https?://[^/]+(/password/set/[^<]+)</code>')


def _reads_the_board(client: FlaskClient) -> bool:
    return client.get("/board/").status_code == 200


def _change(client: FlaskClient, current: str, new: str, confirm: str | None = None):  # type: ignore[no-untyped-def]
    return client.post("/account/password", data={
        "current_password": current, "password": new, "confirm": new if confirm is None else confirm,
        "csrf_token": csrf_token(client, "/account/password")})


def test_every_page_links_to_changing_your_password(client_for) -> None:  # type: ignore[no-untyped-def]
    assert 'href="/account/password"' in client_for("executive").get("/dashboard/").get_data(as_text=True)


def test_a_member_changes_their_own_password_and_stays_signed_in_here_only(
    flask_app: Flask, web_org: Org
) -> None:
    here, elsewhere = flask_app.test_client(), flask_app.test_client()
    sign_in(here, LEAD)
    sign_in(elsewhere, LEAD)
    response = _change(here, PASSWORD, NEW)
    assert response.status_code == 302
    assert _reads_the_board(here) and not _reads_the_board(elsewhere)
    assert web_org.app.authenticate(LEAD, NEW) == web_org.support_lead


def test_a_wrong_current_password_or_a_mismatch_is_refused_at_its_field(
    client_for, web_org: Org  # type: ignore[no-untyped-def]
) -> None:
    lead = client_for("support_lead")
    wrong = _change(lead, "not-my-password", NEW)
    assert wrong.status_code == 400
    assert 'id="password-current_password-error"' in wrong.get_data(as_text=True)
    mismatch = _change(lead, PASSWORD, NEW, confirm=NEW + "!")
    assert mismatch.status_code == 400
    assert 'id="password-confirm-error"' in mismatch.get_data(as_text=True)
    assert NEW not in mismatch.get_data(as_text=True)  # passwords are never echoed back
    assert web_org.app.authenticate(LEAD, PASSWORD) == web_org.support_lead


def test_the_cco_resets_a_password_which_ends_that_members_sessions(
    client_for, web_org: Org  # type: ignore[no-untyped-def]
) -> None:
    lead, cco = client_for("support_lead"), client_for("cco")
    response = cco.post(f"/members/{LEAD}/password", data={
        "password": NEW, "csrf_token": csrf_token(cco, "/members/")})
    assert response.status_code == 302
    assert not _reads_the_board(lead)
    assert web_org.app.authenticate(LEAD, NEW) == web_org.support_lead


def test_a_lead_cannot_reset_another_members_password(client_for, web_org: Org) -> None:  # type: ignore[no-untyped-def]
    lead = client_for("support_lead")
    response = lead.post(f"/members/{ROLE_EMAILS['it_lead']}/password", data={
        "password": NEW, "csrf_token": csrf_token(lead, "/board/")})
    assert response.status_code == 403
    assert web_org.app.authenticate(ROLE_EMAILS["it_lead"], PASSWORD) is not None


def test_a_member_added_without_a_password_gets_a_one_time_link(
    flask_app: Flask, client_for, web_org: Org  # type: ignore[no-untyped-def]
) -> None:
    cco = client_for("cco")
    page = cco.post("/members/", data={"name": "Nia New", "email": "nia@example.com", "password": "",
                                       "role": "executive", "csrf_token": csrf_token(cco, "/members/")})
    assert page.status_code == 200
    path = LINK.search(page.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    visitor = flask_app.test_client()
    form = visitor.get(path)
    assert form.status_code == 200 and "nia@example.com" in form.get_data(as_text=True)
    done = visitor.post(path, data={"password": NEW, "confirm": NEW,
                                    "csrf_token": csrf_token(visitor, path)})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert visitor.get(path).status_code == 404  # used once
    sign_in(visitor, "nia@example.com", NEW)
    assert visitor.get("/dashboard/").status_code == 200


def test_the_cco_makes_a_link_for_an_existing_member_with_htmx(client_for, flask_app: Flask) -> None:  # type: ignore[no-untyped-def]
    cco = client_for("cco")
    answer = cco.post(f"/members/{LEAD}/password-link", headers={"HX-Request": "true"},
                      data={"csrf_token": csrf_token(cco, "/members/")})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in html
    assert LINK.search(html)


def test_an_unknown_link_is_not_found(flask_app: Flask) -> None:
    assert flask_app.test_client().get("/password/set/not-a-token").status_code == 404
