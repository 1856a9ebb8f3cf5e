"""Smaller holes closed: the CSRF secret changes at sign-in, server-side sessions end when idle or
old (and are pruned), and every answer carries Permissions-Policy and Cross-Origin-Opener-Policy."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Flask

from tests.web.conftest import ROLE_EMAILS, csrf_token, sign_in
from tracker.accounts import Accounts

LEAD = ROLE_EMAILS["support_lead"]


class FakeClock:
    def __init__(self) -> None:
        self.instant = datetime(2027, 1, 4, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.instant

    def advance(self, **delta: float) -> None:
        self.instant += timedelta(**delta)


def _accounts_with(flask_app: Flask, clock: FakeClock) -> Accounts:
    accounts: Accounts = flask_app.extensions["cx"].tracker.accounts
    accounts.now = clock
    return accounts


def _reads_the_board(client) -> bool:  # type: ignore[no-untyped-def]
    return client.get("/board/").status_code == 200


def test_every_answer_carries_permissions_policy_and_cross_origin_opener_policy(flask_app: Flask) -> None:
    client = flask_app.test_client()
    for path in ("/login", "/static/app.js", "/no-such-page"):
        response = client.get(path)
        response.close()
        headers = response.headers
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        policy = headers["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_the_csrf_secret_changes_at_sign_in(flask_app: Flask) -> None:
    client = flask_app.test_client()
    before = csrf_token(client, "/login")
    sign_in(client, LEAD)
    after = csrf_token(client, "/board/")
    assert after != before
    refused = client.post("/logout", data={"csrf_token": before})  # a token from before: refused
    assert refused.status_code == 400
    assert _reads_the_board(client)
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302


def test_a_session_ends_after_the_idle_limit_without_a_request(flask_app: Flask) -> None:
    flask_app.config["SESSION_IDLE_TIMEOUT"] = timedelta(minutes=30)
    clock = FakeClock()
    _accounts_with(flask_app, clock)
    client = flask_app.test_client()
    sign_in(client, LEAD)
    for _ in range(4):  # in use: every 20 minutes, for 80 minutes
        clock.advance(minutes=20)
        assert _reads_the_board(client)
    clock.advance(minutes=31)
    assert not _reads_the_board(client)
    clock.advance(minutes=-31)  # ... and it is gone from the server, not merely refused
    assert not _reads_the_board(client)


def test_a_session_ends_at_the_absolute_limit_even_in_use(flask_app: Flask) -> None:
    flask_app.config["SESSION_MAX_AGE"] = timedelta(hours=2)
    clock = FakeClock()
    _accounts_with(flask_app, clock)
    client = flask_app.test_client()
    sign_in(client, LEAD)
    for _ in range(3):
        clock.advance(minutes=39)
        assert _reads_the_board(client)
    clock.advance(minutes=5)  # 2 h 2 min after sign-in
    assert not _reads_the_board(client)
    sign_in(client, LEAD)  # signing in again starts a new session
    assert _reads_the_board(client)


def test_ended_sessions_are_pruned_when_someone_signs_in(flask_app: Flask) -> None:
    clock = FakeClock()
    accounts = _accounts_with(flask_app, clock)
    for _ in range(3):
        sign_in(flask_app.test_client(), LEAD)
    assert accounts.session_count() == 3
    clock.advance(hours=13)  # past the default idle limit of 12 hours
    sign_in(flask_app.test_client(), ROLE_EMAILS["cco"])
    assert accounts.session_count() == 1


def test_session_limits_are_read_from_seconds_in_the_environment(monkeypatch, data_dir, web_org) -> None:  # type: ignore[no-untyped-def]
    from web import create_app

    monkeypatch.setenv("CX_TRACKER_WEB_SESSION_IDLE_TIMEOUT", "900")
    monkeypatch.setenv("CX_TRACKER_WEB_SESSION_MAX_AGE", "3600")
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "SECRET_KEY": "k"})
    try:
        assert app.config["SESSION_IDLE_TIMEOUT"] == timedelta(minutes=15)
        assert app.config["SESSION_MAX_AGE"] == app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=1)
    finally:
        app.extensions["cx"].close()


def test_a_store_from_before_sessions_expired_keeps_its_sessions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import hashlib
    import sqlite3
    from uuid import uuid4

    path, member = tmp_path / "accounts.sqlite3", uuid4()
    signed_in = datetime.now(timezone.utc) - timedelta(hours=1)
    old = sqlite3.connect(path)
    with old:
        old.executescript(
            "CREATE TABLE accounts (member_id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE,"
            " password_hash TEXT NOT NULL, session_epoch INTEGER NOT NULL DEFAULT 0,"
            " updated_at TEXT NOT NULL);"
            "CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, member_id TEXT NOT NULL,"
            " epoch INTEGER NOT NULL, created_at TEXT NOT NULL);")
        old.execute("INSERT INTO accounts VALUES (?, 'a@example.com', 'x', 0, 'then')", (str(member),))
        old.execute("INSERT INTO sessions VALUES (?, ?, 0, ?)",
                    (hashlib.sha256(b"old-token").hexdigest(), str(member), signed_in.isoformat()))
    old.close()
    accounts = Accounts(path)
    try:
        assert accounts.session_member("old-token") == member  # last used: when it was opened
        accounts.now = lambda: signed_in + timedelta(days=8)
        assert accounts.session_member("old-token") is None
    finally:
        accounts.close()
