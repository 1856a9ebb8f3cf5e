"""Sign-in and safety: server-side sessions that end on logout, deactivation and role changes at
the next request; CSRF on signing in and out; cookie flags; a rate-limited login; friendly error
pages without stack traces; and `next` redirects that never leave the site."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit
from uuid import UUID, uuid4

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

import projections.queries.kpis
import web.forms
from tests.conftest import PASSWORD, Org
from tests.web.authz_support import (
    World, assert_strict_csp, build_world, close_world, is_login_redirect, new_web_app, unchanged,
)
from tests.web.conftest import CSRF_FIELD, ROLE_EMAILS, csrf_token, sign_in
from tracker.cli.main import cli
from tracker.domain import member_id

LEAD = ROLE_EMAILS["support_lead"]
COOKIE = "cx_session"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A shared organisation for the tests that change no member; the others build their own."""
    built = build_world(tmp_path_factory.mktemp("security") / "data")
    yield built
    close_world(built)


@pytest.fixture
def another_app(world: World) -> Iterator[Callable[..., Flask]]:
    """`another_app(**config)`: a second web app over the shared data, closed afterwards."""
    made: list[Flask] = []

    def make(**config: object) -> Flask:
        made.append(new_web_app(Path(world.app.config["DATA_DIR"]), **config))
        return made[-1]

    yield make
    for app in made:
        app.extensions["cx"].close()


def _signed_in(world: World, email: str = LEAD) -> FlaskClient:
    client = world.app.test_client()
    sign_in(client, email)
    return client


def _post_login(client: FlaskClient, email: str, password: str, **kw):  # type: ignore[no-untyped-def]
    return client.post("/login", data={
        "email": email, "password": password, "csrf_token": csrf_token(client)}, **kw)


def _csrf_token_in(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def _set_cookie_header(response) -> str:  # type: ignore[no-untyped-def]
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{COOKIE}=")]
    assert cookies, "no session cookie was set"
    return cookies[-1]


def _reads_the_board(client: FlaskClient) -> bool:
    response = client.get("/board/")
    assert response.status_code == 200 or is_login_redirect(response), response.status_code
    return response.status_code == 200


# Signing in and out


def test_signing_in_opens_a_session_and_lands_on_the_members_work(world):
    client = world.app.test_client()
    assert not _reads_the_board(client)
    response = _post_login(client, LEAD, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _reads_the_board(client)


@pytest.mark.parametrize("email, password", [
    (LEAD, "wrong-password"), ("nobody@example.com", PASSWORD), (LEAD.upper(), "wrong-password"),
])
def test_a_wrong_password_or_unknown_address_gets_one_message_and_no_session(world, email, password):
    client = world.app.test_client()
    response = _post_login(client, email, password)
    assert response.status_code == 401  # a plain form's refusal is a 4xx (the form has no htmx)
    message = "That e-mail address and password do not match an active account."
    assert message in response.get_data(as_text=True)
    assert not _reads_the_board(client)


def test_the_session_cookie_holds_a_random_token_not_the_member(world):
    cookie = _signed_in(world).get_cookie(COOKIE)
    assert cookie is not None
    serializer = world.app.session_interface.get_signing_serializer(world.app)  # type: ignore[attr-defined]
    stored = serializer.loads(cookie.value)
    assert len(stored["_user_id"]) >= 40
    assert str(member_id(LEAD)) not in cookie.value + str(stored) and LEAD not in str(stored)


def test_signing_out_ends_the_session_on_the_server(world):
    client = _signed_in(world)
    stolen = client.get_cookie(COOKIE).value  # type: ignore[union-attr]
    replay = world.app.test_client()
    replay.set_cookie(COOKIE, stolen)
    assert _reads_the_board(replay)  # a copy of the cookie works while the session lives

    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/board/")})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not _reads_the_board(client)
    assert not _reads_the_board(replay)  # the server forgot the session, not only the browser


def test_signing_out_needs_a_post_with_a_csrf_token(world):
    client = _signed_in(world)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert _reads_the_board(client)


def test_signing_in_without_a_csrf_token_is_refused(world):
    client = world.app.test_client()
    response = client.post("/login", data={"email": LEAD, "password": PASSWORD})
    assert response.status_code == 400
    assert not _reads_the_board(client)


# Deactivation and role changes take effect on the next request


def _progress(client: FlaskClient, commitment: UUID, token: str):  # type: ignore[no-untyped-def]
    return client.post(f"/commitments/{commitment}/progress", data={"percent": "50", "csrf_token": token})


def _deactivate_with_the_service(web_org: Org, data_dir: Path) -> None:
    web_org.app.deactivate_member(web_org.cco, email=LEAD, reason="Left the company")


def _deactivate_with_the_cli(web_org: Org, data_dir: Path) -> None:
    result = CliRunner().invoke(cli, [
        "user", "deactivate", LEAD, "--reason", "Left the company", "--as", "cco@example.com",
        "--data", str(data_dir)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("deactivate", [_deactivate_with_the_service, _deactivate_with_the_cli],
                         ids=["service", "cli"])
def test_a_deactivation_takes_effect_on_the_next_request(client_for, web_org, data_dir, deactivate):
    client, commitment = client_for("support_lead"), web_org.commitment()
    token = csrf_token(client, "/board/")
    assert _reads_the_board(client)
    deactivate(web_org, data_dir)
    assert not _reads_the_board(client)
    with unchanged(web_org.app):
        assert is_login_redirect(_progress(client, commitment, token))
    assert _post_login(client, LEAD, PASSWORD).status_code == 401  # and no way back in
    assert not _reads_the_board(client)


def _force_session(client: FlaskClient, flask_app, email: str) -> None:  # type: ignore[no-untyped-def]
    """A fresh, valid server-side session for `email`, as if one had outlived its member."""
    token = flask_app.extensions["cx"].tracker.accounts.open_session(member_id(email))
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True


def test_a_deactivated_member_is_signed_out_even_when_a_session_survived(flask_app, web_org):
    active, deactivated = flask_app.test_client(), flask_app.test_client()
    _force_session(active, flask_app, LEAD)
    assert _reads_the_board(active)  # the forged session works for an active member
    web_org.app.deactivate_member(web_org.cco, email=LEAD, reason="Left the company")
    _force_session(deactivated, flask_app, LEAD)
    assert not _reads_the_board(deactivated)


def test_revoking_a_role_ends_the_members_sessions_and_the_role_is_gone_when_they_return(
    client_for, web_org
):
    client = client_for("support_lead")
    assert _reads_the_board(client)
    web_org.app.revoke_role(web_org.cco, email=LEAD, role="lead", department="customer-service")
    assert not _reads_the_board(client)
    sign_in(client, LEAD)  # still an active member, now without a role
    assert client.get("/board/").status_code == 403


def test_a_role_revoked_in_the_web_ui_signs_that_member_out(client_for):
    lead, cco = client_for("support_lead"), client_for("cco")
    response = cco.post(f"/members/{LEAD}/revocations", data={
        "role": "lead", "department": "customer-service", "csrf_token": csrf_token(cco, "/members/")})
    assert response.status_code == 302
    assert not _reads_the_board(lead)


def test_a_granted_role_applies_on_the_next_request_without_signing_in_again(client_for, web_org):
    executive = client_for("executive")
    assert executive.get("/commitments/new").status_code == 403
    web_org.app.grant_role(web_org.cco, email=ROLE_EMAILS["executive"], role="lead", department="it")
    assert executive.get("/commitments/new").status_code == 200
    before = web_org.app.head()
    response = executive.post("/commitments/new", data={
        "department": "it", "title": "Status page", "due_date": "2026-09-30",
        "owner": ROLE_EMAILS["it_lead"], "csrf_token": csrf_token(executive, "/commitments/new")})
    assert response.status_code == 302
    assert web_org.app.head() > before


@pytest.mark.parametrize("role", ["deactivated", "anonymous"])
def test_an_htmx_request_without_a_session_is_told_to_load_the_sign_in_page_whole(world, role):
    """Not a redirect, which htmx would follow and swap the sign-in form into a card."""
    commitment = world.org.commitment()
    with unchanged(world.tracker):
        response = world.clients[role].post(
            f"/commitments/{commitment}/notes", data={"text": "Late note", "csrf_token": world.tokens[role]},
            headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/board/?department=it"})
    assert response.status_code == 401 and "<form" not in response.get_data(as_text=True)
    target = urlsplit(response.headers["HX-Redirect"])
    assert target.path == "/login" and parse_qs(target.query) == {"next": ["/board/?department=it"]}


# Cookie flags and headers


def test_the_session_cookie_is_http_only_and_same_site_and_not_secure_over_http(world):
    cookie = _set_cookie_header(world.app.test_client().get("/login"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_over_https_the_session_cookie_is_secure_and_browsers_are_told_to_stay_on_https(world):
    client = world.app.test_client()
    page = client.get("/login", base_url="https://localhost")
    assert "Secure" in _set_cookie_header(page) and "HttpOnly" in _set_cookie_header(page)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    token = _csrf_token_in(page.get_data(as_text=True))
    # Over HTTPS the CSRF check also wants a same-site Referer, which browsers send.
    signed_in = client.post("/login", data={"email": LEAD, "password": PASSWORD, "csrf_token": token},
                            base_url="https://localhost", headers={"Referer": "https://localhost/login"})
    assert signed_in.status_code == 302 and "Secure" in _set_cookie_header(signed_in)


@pytest.mark.parametrize("config, headers, secure", [
    ({"SESSION_COOKIE_SECURE": True}, {}, True),
    ({"BEHIND_PROXY": True}, {"X-Forwarded-Proto": "https"}, True),
    ({}, {"X-Forwarded-Proto": "https"}, False),  # the header is trusted only behind a proxy
])
def test_the_cookie_is_secure_when_configured_or_when_a_trusted_proxy_says_https(
    another_app, config, headers, secure
):
    cookie = _set_cookie_header(another_app(**config).test_client().get("/login", headers=headers))
    assert ("Secure" in cookie) is secure


def test_behind_a_proxy_that_rewrites_the_host_signing_in_over_https_works(another_app):
    """The CSRF check over HTTPS compares the Referer with the host the browser used."""
    client = another_app(BEHIND_PROXY=True).test_client()
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "cx.example.com"}
    upstream = "http://127.0.0.1:8000"  # the Host the proxy sends
    page = client.get("/login", base_url=upstream, headers=proxy)
    response = client.post("/login", base_url=upstream, data={
        "email": LEAD, "password": PASSWORD, "csrf_token": _csrf_token_in(page.get_data(as_text=True)),
    }, headers={**proxy, "Referer": "https://cx.example.com/login"})
    assert response.status_code == 302, response.get_data(as_text=True)[-600:]
    assert "Secure" in _set_cookie_header(response)


def test_pages_forbid_framing_and_sniffing_and_are_not_cached(world):
    response = world.clients["cco"].get("/plan/")
    assert_strict_csp(response)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


# Rate-limited login


def test_login_is_rate_limited_per_address(another_app):
    app = another_app(LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(3):
        assert _post_login(client, LEAD, "wrong-password").status_code == 401
    refused = _post_login(client, LEAD, PASSWORD)  # even the right password waits
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert_strict_csp(refused)
    assert not _reads_the_board(client)
    assert client.get("/login").status_code == 200  # reading the form is not limited
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert _post_login(elsewhere, LEAD, PASSWORD).status_code == 302


# Friendly error pages, never a stack trace


def _friendly(response, status: int, title: str) -> str:  # type: ignore[no-untyped-def]
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert title in html and "Traceback" not in html and 'File "' not in html
    assert_strict_csp(response)
    return html


def test_a_page_a_role_may_not_read_is_a_friendly_403(world):
    html = _friendly(world.clients["lead"].get("/audit/history"), 403, "Not allowed")
    assert "Back to the start page" in html


@pytest.mark.parametrize("path", ["/no-such-page", f"/commitments/{uuid4()}", "/board/?department=nope"])
def test_a_missing_page_is_a_friendly_404(world, path):
    html = _friendly(world.clients["cco"].get(path), 404, "Not found")
    assert "Back to the start page" in html


def test_a_wrong_method_is_a_friendly_405(world):
    _friendly(world.clients["cco"].get("/plan/vision"), 405, "cannot be used that way")


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_an_unexpected_error_is_a_friendly_500_that_is_logged_but_not_shown(
    world, monkeypatch, caplog, htmx
):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals in /srv/cx/kpis.py")

    client = world.clients["cco"]
    monkeypatch.setattr(projections.queries.kpis, "kpi_overview", broken)
    with caplog.at_level(logging.ERROR, logger="web.errors"):
        response = client.get("/kpis/", headers={"HX-Request": "true"} if htmx else {})
    html = _friendly(response, 500, "Something went wrong")
    assert "secret internals" not in html and "RuntimeError" not in html
    assert ("<html" in html) is not htmx  # htmx gets a notice, a browser the whole page
    assert any("secret internals" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_a_500_after_the_command_was_recorded_does_not_claim_nothing_was_recorded(world, monkeypatch):
    def broken(until: int | None = None) -> int:
        raise RuntimeError("the read models are locked")

    monkeypatch.setattr(web.forms, "catch_up", broken)  # fails after the command was stored
    commitment, before = world.org.commitment(), world.tracker.head()
    response = world.clients["lead"].post(f"/commitments/{commitment}/notes", data={
        "text": "Saved, then the page failed", "csrf_token": world.tokens["lead"]})
    html = _friendly(response, 500, "Something went wrong")
    assert world.tracker.head() == before + 1
    assert "Nothing was recorded" not in html and "reload the page to see whether" in html


# `next` never leads off the site


def _lands_on_this_site(location: str) -> bool:
    """Where a browser would go: it drops tabs and newlines and reads backslashes as slashes."""
    cleaned = "".join(ch for ch in location if ch not in "\t\r\n").replace("\\", "/")
    target = urlsplit(urljoin("http://localhost/login", cleaned))
    return target.scheme == "http" and target.netloc == "localhost"


OFF_SITE = ["https://evil.example/", "//evil.example/", "///evil.example/", "/\\evil.example/",
            "\\\\evil.example/", "/\t/evil.example/", "javascript:alert(1)", "http:evil.example",
            "evil.example/"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_in_never_redirects_off_the_site(world, target):
    client = world.app.test_client()
    response = _post_login(client, LEAD, PASSWORD, query_string={"next": target})
    assert response.status_code == 302
    assert _lands_on_this_site(response.headers["Location"]), response.headers["Location"]


def test_after_signing_in_the_member_returns_to_the_page_they_asked_for(world):
    client = world.app.test_client()
    asked = client.get("/board/?department=it")
    assert is_login_redirect(asked)
    login_page = asked.headers["Location"]
    response = client.post(login_page, data={
        "email": LEAD, "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/board/?department=it"


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_form_posts_next_field_never_redirects_off_the_site(world, target):
    commitment = world.org.commitment()
    response = world.clients["lead"].post(f"/commitments/{commitment}/progress", data={
        "percent": "30", "next": target, "csrf_token": world.tokens["lead"]})
    assert response.status_code == 302
    assert _lands_on_this_site(response.headers["Location"]), response.headers["Location"]
