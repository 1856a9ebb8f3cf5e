"""Support for the authorization matrix and the security tests: one data directory with the small
organisation plus a member without a role and a deactivated member, test clients for every
role, and snapshots of what is stored (so a refusal can be shown to have recorded nothing)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import FAST_HASHER, NOW, PASSWORD, Org, build_org, make_app
from tests.web.conftest import ROLE_EMAILS, csrf_token, sign_in
from tracker import clock
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.domain import member_id
from web import create_app

# The eight kinds of visitor every route is tried with.
ROLES = ("cco", "lead", "other_lead", "executive", "auditor", "no_role", "deactivated", "anonymous")
EMAILS = {
    "cco": ROLE_EMAILS["cco"],
    "lead": ROLE_EMAILS["support_lead"],  # lead of customer-service, whose commitments are targeted
    "other_lead": ROLE_EMAILS["sales_lead"],  # lead of sales: neither owner nor asked for help
    "executive": ROLE_EMAILS["executive"],
    "auditor": ROLE_EMAILS["auditor"],
    "no_role": "no.role@example.com",
    "deactivated": "gone@example.com",
}
# Whose sessions the server no longer honours: they are sent to the sign-in page.
SIGNED_OUT = frozenset({"deactivated", "anonymous"})

Snapshot = tuple[list[tuple[int, str, int, str]], list[str]]


def new_web_app(data_dir: Path, **config: Any) -> Flask:
    """The web app over `data_dir`, with the tests' cheap password hashes."""
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True, "SECRET_KEY": "test-secret",
                       "LOGIN_RATE_LIMIT": "1000 per minute", **config},
                      tracker=make_app("sqlite", data_dir))


def seed(data_dir: Path) -> None:
    """The small organisation, a member without a role, and a lead who will be deactivated."""
    app = CxTracker(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(data_dir / "events.sqlite3")},
        accounts=Accounts(data_dir / "accounts.sqlite3", hasher=FAST_HASHER),
    )
    try:
        org = build_org(app)
        app.register_member(org.cco, email=EMAILS["no_role"], name="Nora Nobody", password=PASSWORD)
        app.register_member(org.cco, email=EMAILS["deactivated"], name="Gus Gone", password=PASSWORD,
                            role="lead", department="customer-service")
    finally:
        app.accounts.close()
        app.close()


@dataclass
class World:
    """A running web app and a signed-in (or signed-out) client per role."""

    app: Flask
    org: Org  # its `app` is the web app's own service, so setup and requests share one cache
    clients: dict[str, FlaskClient]
    tokens: dict[str, str]  # each client's CSRF token

    @property
    def tracker(self) -> CxTracker:
        return self.org.app

    def member(self, role: str) -> UUID:
        return member_id(EMAILS[role])


def build_world(data_dir: Path) -> World:
    """Seed `data_dir`, start the app, sign every role in, then deactivate one of them."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with clock.frozen_at(NOW):
        seed(data_dir)
        app = new_web_app(data_dir)
        tracker = app.extensions["cx"].tracker
        org = dataclasses.replace(_org_ids(), app=tracker)
        clients: dict[str, FlaskClient] = {}
        for role in ROLES:
            clients[role] = app.test_client()
            if role != "anonymous":
                sign_in(clients[role], EMAILS[role])
        tracker.deactivate_member(org.cco, email=EMAILS["deactivated"], reason="Left the company")
        tokens = {role: csrf_token(client, "/login" if role in SIGNED_OUT else "/plan/")
                  for role, client in clients.items()}
    return World(app, org, clients, tokens)


def _org_ids() -> Org:
    ident = {role: member_id(ROLE_EMAILS[role]) for role in ROLE_EMAILS}
    return Org(app=None, cco=ident["cco"], support_lead=ident["support_lead"],  # type: ignore[arg-type]
               it_lead=ident["it_lead"], sales_lead=ident["sales_lead"],
               executive=ident["executive"], auditor=ident["auditor"])


def close_world(world: World) -> None:
    world.tracker.accounts.close()
    world.tracker.close()


def snapshot(app: CxTracker) -> Snapshot:
    """Every stored event (position, aggregate, version, topic) and every account's e-mail."""
    notifications = app.recorder.select_notifications(start=1, limit=1_000_000)
    events = [(n.id, str(n.originator_id), n.originator_version, n.topic) for n in notifications]
    return events, app.accounts.emails()


def events_after(app: CxTracker, position: int) -> list[Any]:
    """The domain events stored after `position`, oldest first."""
    notifications = app.recorder.select_notifications(start=position + 1, limit=1_000)
    return [app.mapper.to_domain_event(n) for n in notifications]


def event_name(event: Any) -> str:
    return type(event).__name__


@contextmanager
def unchanged(app: CxTracker) -> Iterator[None]:
    """Assert that nothing was stored (no event, no account) inside the block."""
    before = snapshot(app)
    yield
    assert snapshot(app) == before, "a refused request recorded something"


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def assert_strict_csp(response: Any) -> None:
    """The response carries the strict Content-Security-Policy: scripts and styles from this site
    only, nothing inline or evaluated, no framing."""
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives.get("default-src") == ["'self'"], policy
    assert directives.get("script-src") == ["'self'"], policy
    assert directives.get("style-src") == ["'self'"], policy
    assert directives.get("frame-ancestors") == ["'none'"], policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
