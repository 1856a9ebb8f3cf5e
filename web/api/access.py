"""Who is calling: a bearer token only (no cookies, no session), re-checked on every request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from flask import g, request

from projections.queries import directory
from tracker import authorization
from tracker.authorization import Roles
from tracker.service.tokens import TokenUse
from web.api.problems import ApiProblem
from web.services import catch_up, tracker, views

CHALLENGE = 'Bearer realm="cx-tracker"'


@dataclass(frozen=True)
class Caller:
    """The member a token acts for: their roles read afresh for this request."""

    use: TokenUse
    grants: list[dict[str, Any]]

    @property
    def id(self) -> UUID:
        return self.use.member_id

    @property
    def roles(self) -> Roles:
        return Roles.from_rows(self.grants)


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def authenticate() -> None:
    """Before every API request but the OpenAPI document: a valid token, or 401."""
    secret = bearer_secret()
    if secret is None:
        raise ApiProblem(401, "Send a personal access token: Authorization: Bearer TOKEN.",
                         {"WWW-Authenticate": CHALLENGE})
    app = tracker()
    use = app.use_token(secret)
    if use is None:
        raise ApiProblem(401, "This token is unknown, expired or revoked, or its member is "
                              "deactivated.",
                         {"WWW-Authenticate": CHALLENGE + ', error="invalid_token"'})
    g.api_caller = Caller(use, app.member(use.member_id)["grants"])


def caller() -> Caller:
    found: Caller = g.api_caller
    return found


def require_reader() -> Caller:
    """Every member with a role reads the plan (`tracker.authorization.require_reader`)."""
    who = caller()
    authorization.require_reader(who.roles)
    return who


def require_scorecard_reader(lead_id: object) -> Caller:
    """A scorecard: its own lead, the CCO, executives and auditors, as on the web
    (`tracker.authorization.require_scorecard_reader`)."""
    who = caller()
    authorization.require_scorecard_reader(who.roles, who.id, lead_id)
    return who


def require_overview_reader() -> Caller:
    """The overview (timeline, accountability): as the web pages, every member with a role unless
    the CCO closed it to theirs (`tracker.authorization.Roles.reads_overview`)."""
    who = caller()
    catch_up()
    authorization.require_overview_reader(Roles.from_rows(who.grants),
                                          directory.overview_readers(views()))
    return who


def require_write_scope() -> Caller:
    """A read-write token; the application service then decides what the member may do."""
    who = caller()
    if not who.use.may_write:
        raise ApiProblem(403, "This token's scope is read; writing needs a read-write token.",
                         {"WWW-Authenticate": CHALLENGE + ', error="insufficient_scope"'})
    return who


def rate_key() -> str:
    """The rate limit counts per token (per address for requests without one)."""
    secret = bearer_secret()
    if secret:
        from tracker.tokens import digest

        return "token:" + digest(secret)
    return "addr:" + (request.remote_addr or "?")
