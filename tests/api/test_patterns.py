"""The API's reads of the pattern library: the search, one pattern with its versions and the
commitments citing it, an earlier version; the Markdown comes back as written."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Org
from tracker.domain import member_id
from web.api import schemas as s

PROBLEM = "application/problem+json"
Token = Callable[..., dict[str, str]]
TEXT = "Reply **personally** within the hour.\n\n<script>alert(1)</script> [script](https://x.example.com)"


@pytest.fixture
def pattern(web_org: Org) -> UUID:
    app = web_org.app
    pid = app.publish_pattern(web_org.cco, title="Acknowledge every complaint within one hour",
                              text="Reply *soon*.", journeys=["support"],
                              departments=["customer-service"],
                              links=[{"label": "Script", "url": "https://intranet.example.com/s"}]).id
    app.revise_pattern(web_org.cco, pid, title="Acknowledge every complaint within 30 minutes",
                       text=TEXT, journeys=["support"], departments=["customer-service"],
                       links=[], reason="Customers expect it")
    return pid


def _no_role_token(flask_app: Flask, web_org: Org) -> dict[str, str]:
    web_org.app.register_member(web_org.cco, email="nobody@example.com", name="No Role",
                                password="correct-horse")
    made = flask_app.extensions["cx"].tracker.create_token(member_id("nobody@example.com"),
                                                           name="no role", scope="read")
    return {"Authorization": f"Bearer {made['token']}"}


@pytest.mark.parametrize("role", ["cco", "support_lead", "it_lead", "executive", "auditor"])
def test_every_member_with_a_role_reads_the_library(api: FlaskClient, token_for: Token,
                                                    pattern: UUID, role: str) -> None:
    headers = token_for(role, scope="read")
    listing = api.get("/api/v1/patterns", headers=headers)
    assert listing.status_code == 200 and listing.json["count"] == 1
    s.PatternList.model_validate(listing.json)
    [found] = listing.json["items"]
    assert found["id"] == str(pattern) and found["revision"] == 2 and found["citations"] == 0
    assert api.get(f"/api/v1/patterns/{pattern}", headers=headers).status_code == 200
    assert api.get(f"/api/v1/patterns/{pattern}/versions/1", headers=headers).status_code == 200


def test_one_pattern_is_its_current_version_in_raw_markdown_with_versions_and_citing_commitments(
    api: FlaskClient, token_for: Token, pattern: UUID, web_org: Org
) -> None:
    cited = web_org.commitment()
    web_org.app.cite_pattern(web_org.support_lead, cited, pattern_id=str(pattern))
    answer = api.get(f"/api/v1/patterns/{pattern}", headers=token_for("executive", scope="read"))
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    p = answer.json
    s.Pattern.model_validate(p)
    assert p["text"] == TEXT  # the Markdown as written: not rendered, not sanitised
    assert "<strong>" not in answer.get_data(as_text=True)
    assert p["title"] == "Acknowledge every complaint within 30 minutes"
    assert (p["journeys"], p["departments"], p["links"]) == (["support"], ["customer-service"], [])
    assert (p["status"], p["revision"]) == ("live", 2)
    assert [(v["revision"], v["reason"]) for v in p["versions"]] == [(2, "Customers expect it"),
                                                                    (1, "")]
    assert [(c["id"], c["health"]) for c in p["citing"]] == [(str(cited), "on track")]
    assert "search" not in p


def test_an_earlier_version_reads_as_it_was_written(api: FlaskClient, token_for: Token,
                                                    pattern: UUID) -> None:
    headers = token_for("support_lead", scope="read")
    first = api.get(f"/api/v1/patterns/{pattern}/versions/1", headers=headers).json
    s.PatternVersion.model_validate(first)
    assert first["text"] == "Reply *soon*." and first["revision"] == 1
    assert first["links"] == [{"label": "Script", "url": "https://intranet.example.com/s"}]
    assert (first["current_revision"], first["status"]) == (2, "live")
    for missing in (f"/api/v1/patterns/{pattern}/versions/{n}"
                    for n in ("3", "0", "-1", "x", str(2**63), "9" * 40)):
        response = api.get(missing, headers=headers)
        assert response.status_code == 404 and response.mimetype == PROBLEM


def test_the_search_and_filters_are_the_webs(api: FlaskClient, token_for: Token, pattern: UUID,
                                             web_org: Org) -> None:
    app = web_org.app
    app.publish_pattern(web_org.cco, title="Plain-language invoices", text="Words customers use.")
    old = app.publish_pattern(web_org.cco, title="Fax every customer", text="Retired idea.").id
    app.retire_pattern(web_org.cco, old, reason="Nobody has a fax")
    headers = token_for("auditor", scope="read")

    def titles(query: str) -> list[str]:
        answer = api.get("/api/v1/patterns" + query, headers=headers)
        assert answer.status_code == 200, answer.json
        return [p["title"] for p in answer.json["items"]]

    assert titles("") == ["Acknowledge every complaint within 30 minutes", "Plain-language invoices"]
    assert titles("?q=INVOICES") == ["Plain-language invoices"]
    assert titles("?q=personally") == ["Acknowledge every complaint within 30 minutes"]
    assert titles("?journey=support") == ["Acknowledge every complaint within 30 minutes"]
    assert titles("?journey=no-such-journey") == []
    assert titles("?retired=true") == ["Acknowledge every complaint within 30 minutes",
                                       "Fax every customer", "Plain-language invoices"]
    assert titles("?q=fax&retired=1") == ["Fax every customer"]
    assert titles("?q=" + "x" * 5000) == []  # a long search is cut, as on the web
    assert api.get("/api/v1/patterns?retired=perhaps", headers=headers).status_code == 400


def test_who_cannot_read_the_library(api: FlaskClient, flask_app: Flask, web_org: Org,
                                     pattern: UUID) -> None:
    paths = ("/api/v1/patterns", f"/api/v1/patterns/{pattern}",
             f"/api/v1/patterns/{pattern}/versions/1")
    for path in paths:
        refused = api.get(path)
        assert refused.status_code == 401 and refused.mimetype == PROBLEM
    headers = _no_role_token(flask_app, web_org)
    for path in paths:
        refused = api.get(path, headers=headers)
        assert refused.status_code == 403 and refused.mimetype == PROBLEM


@pytest.mark.parametrize("path", [
    "/api/v1/patterns/00000000-0000-0000-0000-000000000000",
    "/api/v1/patterns/00000000-0000-0000-0000-000000000000/versions/1",
    "/api/v1/patterns/not-a-uuid", "/api/v1/patterns/not-a-uuid/versions/1",
])
def test_an_unknown_or_malformed_pattern_id_is_a_404_problem(api: FlaskClient, token_for: Token,
                                                             pattern: UUID, path: str) -> None:
    response = api.get(path, headers=token_for("cco", scope="read"))
    assert response.status_code == 404 and response.mimetype == PROBLEM
