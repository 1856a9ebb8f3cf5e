"""Web fixtures: a real data directory (SQLite event store, accounts, views) behind the Flask app,
and clients signed in as each role of the small organisation in tests/conftest.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import FAST_HASHER, PASSWORD, Org, build_org, make_app
from tests.postgres import fresh_schema
from tracker.accounts import Accounts
from tracker.application import CxTracker
from web import create_app

ROLE_EMAILS = {
    "cco": "cco@example.com",
    "support_lead": "lead.customer-service@example.com",
    "it_lead": "lead.it@example.com",
    "sales_lead": "lead.sales@example.com",
    "executive": "ceo@example.com",
    "auditor": "auditor@example.com",
}
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def web_store(request: pytest.FixtureRequest,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, dict[str, str] | None]]:
    """The event store behind the web app: an SQLite file in the data directory, or a fresh
    PostgreSQL schema (events, accounts, sessions and login counters there; the views stay in the
    directory). For PostgreSQL the settings are in the environment too, as an operator sets them,
    so the CLI and the web's shared stores find the same schema."""
    if request.param == "postgres":
        with fresh_schema() as env:
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            yield "postgres", env
    else:
        yield "sqlite", None


@pytest.fixture
def web_org(data_dir: Path, web_store: tuple[str, dict[str, str] | None]) -> Iterator[Org]:
    """The small organisation, written into the data directory the web app will open."""
    if web_store[0] == "postgres":
        app = make_app("postgres", data_dir, web_store[1])
    else:
        app = CxTracker(
            env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(data_dir / "events.sqlite3")},
            accounts=Accounts(data_dir / "accounts.sqlite3", hasher=FAST_HASHER),
        )
    org = build_org(app)
    yield org
    app.close()


@pytest.fixture
def flask_app(web_org: Org, data_dir: Path, web_store: tuple[str, dict[str, str] | None]) -> Iterator[Flask]:
    # The web app's own application service: on the same stores, verifying the cheap test hashes.
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "SECRET_KEY": "test-secret",
                      "LOGIN_RATE_LIMIT": "1000 per minute"},
                     tracker=make_app(web_store[0], data_dir, web_store[1]))
    yield app
    app.extensions["cx"].close()


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = CSRF_FIELD.search(page) or CSRF_META.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={
        "email": email, "password": password, "csrf_token": csrf_token(client),
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def client_for(flask_app: Flask):  # type: ignore[no-untyped-def]
    """`client_for("cco")` → a test client signed in as that role (see ROLE_EMAILS)."""

    def make(role: str) -> FlaskClient:
        client = flask_app.test_client()
        sign_in(client, ROLE_EMAILS[role])
        return client

    return make


def post_form(client: FlaskClient, path: str, data: dict[str, str], *, htmx: bool = False,
              page: str = "/plan/") -> "object":
    """POST a form with a valid CSRF token taken from `page` (as a browser would)."""
    token = csrf_token(client, page)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(path, data={**data, "csrf_token": token}, headers=headers)
