"""API fixtures: the web app over the small organisation (on each event store, the `web_store`
parameter), and a bearer token per role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Org
from tests.web import conftest as web
from tracker.domain import member_id

# The web tests' fixtures: the app over the small organisation, signed-in clients.
client_for, data_dir, flask_app, web_org = web.client_for, web.data_dir, web.flask_app, web.web_org
web_store = web.web_store


EMAILS = {
    "cco": "cco@example.com", "support_lead": "lead.customer-service@example.com",
    "it_lead": "lead.it@example.com", "executive": "ceo@example.com",
    "auditor": "auditor@example.com",
}


@pytest.fixture
def api(flask_app: Flask) -> FlaskClient:
    return flask_app.test_client()


@pytest.fixture
def token_for(flask_app: Flask) -> Callable[..., dict[str, str]]:
    """`token_for("cco", scope="read-write")` → the Authorization header of a new token."""

    def make(role: str, scope: str = "read-write") -> dict[str, str]:
        app = flask_app.extensions["cx"].tracker
        made = app.create_token(member_id(EMAILS[role]), name=f"{role} test", scope=scope)
        return {"Authorization": f"Bearer {made['token']}"}

    return make


@pytest.fixture
def commitment(web_org: Org) -> str:
    return str(web_org.commitment())
