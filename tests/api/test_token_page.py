"""/account/tokens/: a member makes, sees and revokes their own API tokens."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.web.conftest import csrf_token


def test_a_member_makes_a_token_sees_it_once_uses_it_and_revokes_it(client_for, api: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    browser: FlaskClient = client_for("support_lead")
    token = csrf_token(browser, "/account/tokens/")
    made = browser.post("/account/tokens/", data={"name": "survey tool", "scope": "read",
                                                 "days": "30", "csrf_token": token})
    assert made.status_code == 201
    secret = re.search(r'data-testid="new-token">(cxt_[^<]+)<', made.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert api.get("/api/v1/kpis", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listing = browser.get("/account/tokens/").get_data(as_text=True)
    assert "survey tool" in listing and secret not in listing
    token_id = secret.split("_")[1]
    browser.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert "revoked" in browser.get("/account/tokens/").get_data(as_text=True)
    assert api.get("/api/v1/kpis", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_bad_token_form_is_shown_again_with_its_errors(client_for) -> None:  # type: ignore[no-untyped-def]
    browser: FlaskClient = client_for("executive")
    response = browser.post("/account/tokens/", data={
        "name": "", "scope": "read", "days": "999", "csrf_token": csrf_token(browser, "/account/tokens/")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "is required" in page and "must be a whole number from 1 to 366" in page


def test_the_token_page_needs_a_sign_in(api: FlaskClient) -> None:
    assert api.get("/account/tokens/").status_code == 302
