"""The API's writes of the pattern library: publish, revise (a new version), retire, and
commitments citing and unciting patterns. The application service decides who may, as for the
web; a refused write records nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from tests.conftest import Org
from web.api import schemas as s

PROBLEM = "application/problem+json"
UNKNOWN = "00000000-0000-0000-0000-000000000000"
Token = Callable[..., dict[str, str]]
NEW = {"title": "Acknowledge every complaint within one hour", "text": "Reply **personally**.",
       "journeys": ["support"], "departments": ["customer-service"],
       "links": [{"label": "Script", "url": "https://intranet.example.com/s"}]}
REVISED = {**NEW, "title": "Acknowledge every complaint within 30 minutes", "links": [],
           "reason": "Customers expect it"}


@pytest.fixture
def pattern(web_org: Org) -> str:
    """A live pattern the CCO published (version 1)."""
    return str(web_org.app.publish_pattern(web_org.cco, **NEW).id)  # type: ignore[arg-type]


def _events(web_org: Org) -> int:
    return web_org.app.head()


def _refused(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM and response.json["status"] == status
    found: dict[str, Any] = response.json
    return found


# Publishing


def test_the_cco_publishes_a_pattern_and_reads_it_back_as_written(
    api: FlaskClient, token_for: Token, web_org: Org
) -> None:
    headers = token_for("cco")
    made = api.post("/api/v1/patterns", json=NEW, headers=headers)
    assert made.status_code == 201, made.json
    s.Pattern.model_validate(made.json)
    p = made.json
    assert (p["title"], p["text"], p["journeys"], p["departments"], p["links"]) == (
        NEW["title"], NEW["text"], NEW["journeys"], NEW["departments"], NEW["links"])
    assert (p["status"], p["revision"], p["version"]) == ("live", 1, 1)
    assert p["published_by"] == str(web_org.cco)
    assert made.headers["ETag"] == '"1"'
    assert made.headers["Location"].endswith(f"/api/v1/patterns/{p['id']}")
    read = api.get(made.headers["Location"], headers=token_for("auditor", scope="read"))
    assert read.status_code == 200 and read.json == p and read.headers["ETag"] == '"1"'


def test_the_web_shows_a_pattern_the_api_published(api: FlaskClient, token_for: Token,
                                                   client_for: Any) -> None:
    made = api.post("/api/v1/patterns", json={"title": "Plain-language invoices",
                                              "text": "Words *customers* use."},
                    headers=token_for("cco"))
    assert made.status_code == 201, made.json
    assert (made.json["journeys"], made.json["departments"], made.json["links"]) == ([], [], [])
    page = client_for("support_lead").get(f"/patterns/{made.json['id']}")
    assert page.status_code == 200 and "Plain-language invoices" in page.get_data(as_text=True)


def test_publishing_again_with_the_same_idempotency_key_records_nothing_new(
    api: FlaskClient, token_for: Token, web_org: Org
) -> None:
    headers = token_for("cco")
    first = api.post("/api/v1/patterns", json={**NEW, "idempotency_key": "import-42"},
                     headers=headers)
    assert first.status_code == 201, first.json
    events = _events(web_org)
    again = api.post("/api/v1/patterns", json={**NEW, "idempotency_key": "import-42"},
                     headers=headers)
    assert again.status_code == 201 and again.json["id"] == first.json["id"]
    assert _events(web_org) == events
    other = api.post("/api/v1/patterns", json={**NEW, "idempotency_key": "import-43"},
                     headers=headers)
    assert other.status_code == 201 and other.json["id"] != first.json["id"]
    listing = api.get("/api/v1/patterns", headers=headers).json
    assert listing["count"] == 2


def test_a_lead_publishes_only_while_the_cco_allows_it(
    api: FlaskClient, token_for: Token, web_org: Org
) -> None:
    headers = token_for("support_lead")
    events = _events(web_org)
    refused = _refused(api.post("/api/v1/patterns", json=NEW, headers=headers), 403)
    assert "publish" in refused["detail"]
    assert _events(web_org) == events
    web_org.app.grant_pattern_publisher(web_org.cco, "lead.customer-service@example.com")
    made = api.post("/api/v1/patterns", json=NEW, headers=headers)
    assert made.status_code == 201 and made.json["published_by"] == str(web_org.support_lead)
    revised = api.post(f"/api/v1/patterns/{made.json['id']}/versions", json=REVISED,
                       headers=headers)
    assert revised.status_code == 201 and revised.json["revision"] == 2
    web_org.app.revoke_pattern_publisher(web_org.cco, "lead.customer-service@example.com")
    events = _events(web_org)
    _refused(api.post("/api/v1/patterns", json=NEW, headers=headers), 403)
    _refused(api.post(f"/api/v1/patterns/{made.json['id']}/versions",
                      json={**REVISED, "title": "Again"}, headers=headers), 403)
    assert _events(web_org) == events


def test_an_allowed_lead_may_not_retire_a_pattern(
    api: FlaskClient, token_for: Token, web_org: Org, pattern: str
) -> None:
    web_org.app.grant_pattern_publisher(web_org.cco, "lead.customer-service@example.com")
    events = _events(web_org)
    refused = api.post(f"/api/v1/patterns/{pattern}/retire", json={"reason": "Old"},
                       headers=token_for("support_lead"))
    assert "Chief Customer Officer" in _refused(refused, 403)["detail"]
    assert _events(web_org) == events


def _writes(pattern: str, commitment: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("/api/v1/patterns", NEW),
        (f"/api/v1/patterns/{pattern}/versions", REVISED),
        (f"/api/v1/patterns/{pattern}/retire", {"reason": "Old"}),
        (f"/api/v1/commitments/{commitment}/patterns", {"pattern": pattern}),
        (f"/api/v1/commitments/{commitment}/patterns/{pattern}/uncite", {}),
        ("/api/v1/patterns/publishers", {"member": "lead.it@example.com"}),
        ("/api/v1/patterns/publishers/revoke", {"member": "lead.customer-service@example.com"}),
    ]


@pytest.mark.parametrize("role", ["executive", "auditor"])
def test_executives_and_auditors_write_nothing_even_with_a_read_write_token(
    api: FlaskClient, token_for: Token, web_org: Org, pattern: str, commitment: str, role: str
) -> None:
    web_org.app.cite_pattern(web_org.support_lead, UUID(commitment), pattern_id=pattern)
    web_org.app.grant_pattern_publisher(web_org.cco, "lead.customer-service@example.com")
    headers = token_for(role)
    events = _events(web_org)
    for path, body in _writes(pattern, commitment):
        _refused(api.post(path, json=body, headers=headers), 403)
    assert _events(web_org) == events


def test_a_read_token_writes_nothing_to_the_library(
    api: FlaskClient, token_for: Token, web_org: Org, pattern: str, commitment: str
) -> None:
    headers = token_for("cco", scope="read")
    events = _events(web_org)
    for path, body in _writes(pattern, commitment):
        refused = api.post(path, json=body, headers=headers)
        _refused(refused, 403)
        assert "insufficient_scope" in refused.headers["WWW-Authenticate"]
    assert _events(web_org) == events


def test_writes_without_a_token_are_401(api: FlaskClient, web_org: Org, pattern: str,
                                        commitment: str) -> None:
    events = _events(web_org)
    for path, body in _writes(pattern, commitment):
        _refused(api.post(path, json=body), 401)
    assert _events(web_org) == events


# Who may publish: the CCO allows leads


def test_the_cco_allows_a_lead_to_publish_and_takes_it_back(
    api: FlaskClient, token_for: Token, web_org: Org
) -> None:
    cco, lead = token_for("cco"), token_for("support_lead")
    granted = api.post("/api/v1/patterns/publishers",
                       json={"member": "lead.customer-service@example.com"}, headers=cco)
    assert granted.status_code == 201, granted.json
    s.PatternPublishers.model_validate(granted.json)
    assert [(p["member_id"], p["email"]) for p in granted.json["items"]] == [
        (str(web_org.support_lead), "lead.customer-service@example.com")]
    assert api.post("/api/v1/patterns", json=NEW, headers=lead).status_code == 201
    revoked = api.post("/api/v1/patterns/publishers/revoke",
                       json={"member": "lead.customer-service@example.com"}, headers=cco)
    assert revoked.status_code == 200 and revoked.json == {"items": [], "count": 0}
    events = _events(web_org)
    _refused(api.post("/api/v1/patterns", json=NEW, headers=lead), 403)
    assert _events(web_org) == events


def test_only_the_cco_allows_leads_to_publish(api: FlaskClient, token_for: Token,
                                              web_org: Org) -> None:
    web_org.app.grant_pattern_publisher(web_org.cco, "lead.customer-service@example.com")
    events = _events(web_org)
    for path in ("/api/v1/patterns/publishers", "/api/v1/patterns/publishers/revoke"):
        refused = api.post(path, json={"member": "lead.it@example.com"},
                           headers=token_for("support_lead"))  # a publisher, not the CCO
        assert "Chief Customer Officer" in _refused(refused, 403)["detail"]
    assert _events(web_org) == events


@pytest.mark.parametrize("path, member, message", [
    ("publishers", "nobody@example.com", "no member"),
    ("publishers", "not an address", ""),
    ("publishers", "ceo@example.com", "leads no department"),
    ("publishers", "lead.customer-service@example.com", "already"),
    ("publishers/revoke", "lead.it@example.com", "may not publish"),
    ("publishers/revoke", "nobody@example.com", "no member"),
])
def test_allowing_or_revoking_a_member_that_cannot_be_is_a_422_naming_member(
    api: FlaskClient, token_for: Token, web_org: Org, path: str, member: str, message: str
) -> None:
    web_org.app.grant_pattern_publisher(web_org.cco, "lead.customer-service@example.com")
    events = _events(web_org)
    refused = api.post(f"/api/v1/patterns/{path}", json={"member": member},
                       headers=token_for("cco"))
    errors = _refused(refused, 422)["errors"]
    assert set(errors) == {"member"} and message in errors["member"]
    assert _events(web_org) == events


# Bad input: named fields, nothing recorded


@pytest.mark.parametrize("body, fields", [
    ({**NEW, "title": "x"}, {"title"}),
    ({k: v for k, v in NEW.items() if k != "title"}, {"title"}),
    ({**NEW, "text": ""}, {"text"}),
    ({**NEW, "text": "x" * 8001}, {"text"}),
    ({**NEW, "journeys": ["no-such-journey"]}, {"journeys"}),
    ({**NEW, "departments": ["no-such-department"]}, {"departments"}),
    ({**NEW, "links": [{"label": "Run", "url": "javascript:alert(1)"}]}, {"links"}),
    ({**NEW, "links": [{"url": f"https://example.com/{n}"} for n in range(11)]}, {"links"}),
    ({**NEW, "links": ["https://example.com"]}, {"links.0"}),
    ({**NEW, "journeys": "support"}, {"journeys"}),
    ({**NEW, "colour": "red"}, {"colour"}),
    ({**NEW, "idempotency_key": "k" * 101}, {"idempotency_key"}),
    ({**NEW, "title": "x", "journeys": ["no-such-journey"]}, {"title", "journeys"}),
])
def test_an_invalid_pattern_is_a_422_naming_each_field_and_nothing_is_recorded(
    api: FlaskClient, token_for: Token, web_org: Org, body: dict[str, Any], fields: set[str]
) -> None:
    events = _events(web_org)
    refused = _refused(api.post("/api/v1/patterns", json=body, headers=token_for("cco")), 422)
    assert set(refused["errors"]) == fields
    assert _events(web_org) == events


@pytest.mark.parametrize("body, fields", [
    ({k: v for k, v in REVISED.items() if k != "reason"}, {"reason"}),
    ({**REVISED, "reason": ""}, {"reason"}),
    ({k: v for k, v in REVISED.items() if k != "links"}, {"links"}),  # a version is whole
    ({**NEW, "reason": "Nothing changed"}, {"text"}),
    ({**REVISED, "departments": ["nowhere"]}, {"departments"}),
    ({**REVISED, "version": 0}, {"version"}),
])
def test_an_invalid_revision_is_a_422_naming_each_field_and_nothing_is_recorded(
    api: FlaskClient, token_for: Token, web_org: Org, pattern: str, body: dict[str, Any],
    fields: set[str]
) -> None:
    events = _events(web_org)
    refused = api.post(f"/api/v1/patterns/{pattern}/versions", json=body, headers=token_for("cco"))
    assert set(_refused(refused, 422)["errors"]) == fields
    assert _events(web_org) == events


def test_malformed_bodies_are_refused_before_anything_is_asked(
    api: FlaskClient, token_for: Token, web_org: Org, pattern: str
) -> None:
    headers = token_for("cco")
    events = _events(web_org)
    _refused(api.post("/api/v1/patterns", data="title=x", headers=headers), 415)
    _refused(api.post("/api/v1/patterns", data="{", content_type="application/json",
                      headers=headers), 400)
    _refused(api.post(f"/api/v1/patterns/{pattern}/retire", json={}, headers=headers), 422)
    _refused(api.post(f"/api/v1/patterns/{pattern}/retire", json={"reason": "Old"},
                      headers={**headers, "If-Match": "seven"}), 400)
    assert _events(web_org) == events


# Revising and retiring: new versions, optimistic concurrency


def test_a_revision_is_a_new_version_and_the_first_stays_readable(
    api: FlaskClient, token_for: Token, web_org: Org, pattern: str
) -> None:
    headers = token_for("cco")
    revised = api.post(f"/api/v1/patterns/{pattern}/versions", json={**REVISED, "version": 1},
                       headers=headers)
    assert revised.status_code == 201, revised.json
    s.Pattern.model_validate(revised.json)
    p = revised.json
    assert (p["title"], p["links"], p["revision"], p["version"]) == (REVISED["title"], [], 2, 2)
    assert revised.headers["ETag"] == '"2"'
    assert revised.headers["Location"].endswith(f"/api/v1/patterns/{pattern}/versions/2")
    assert [(v["revision"], v["reason"], v["actor_id"]) for v in p["versions"]] == [
        (2, "Customers expect it", str(web_org.cco)), (1, "", str(web_org.cco))]
    second = api.get(revised.headers["Location"], headers=headers).json
    assert (second["title"], second["reason"], second["links"]) == (REVISED["title"],
                                                                   REVISED["reason"], [])
    first = api.get(f"/api/v1/patterns/{pattern}/versions/1", headers=headers).json
    assert (first["title"], first["links"]) == (NEW["title"], NEW["links"])
    assert api.get(f"/api/v1/patterns/{pattern}", headers=headers).json == p


@pytest.mark.parametrize("action, body", [
    ("versions", REVISED), ("retire", {"reason": "Superseded"}),
])
def test_a_stale_version_is_409_and_a_stale_if_match_412_and_nothing_is_recorded(
    api: FlaskClient, token_for: Token, web_org: Org, pattern: str, action: str,
    body: dict[str, Any]
) -> None:
    headers = token_for("cco")
    web_org.app.revise_pattern(web_org.cco, UUID(pattern), **{**NEW, "title": "Meanwhile"},
                               reason="Someone else first")  # now at version 2
    path = f"/api/v1/patterns/{pattern}/{action}"
    events = _events(web_org)
    conflict = _refused(api.post(path, json={**body, "version": 1}, headers=headers), 409)
    assert "changed" in conflict["detail"]
    _refused(api.post(path, json=body, headers={**headers, "If-Match": '"1"'}), 412)
    assert _events(web_org) == events
    assert api.get(f"/api/v1/patterns/{pattern}", headers=headers).json["title"] == "Meanwhile"
    done = api.post(path, json=body, headers={**headers, "If-Match": '"2"'})
    assert done.status_code in (200, 201) and done.json["version"] == 3
    assert _events(web_org) == events + 1


def test_the_cco_retires_a_pattern_and_it_can_no_longer_be_cited_or_revised(
    api: FlaskClient, token_for: Token, web_org: Org, pattern: str, commitment: str
) -> None:
    headers = token_for("cco")
    retired = api.post(f"/api/v1/patterns/{pattern}/retire",
                       json={"reason": "Superseded by the chat pattern", "version": 1},
                       headers=headers)
    assert retired.status_code == 200, retired.json
    s.Pattern.model_validate(retired.json)
    assert (retired.json["status"], retired.json["retired_reason"]) == (
        "retired", "Superseded by the chat pattern")
    assert retired.json["retired_at"] and retired.headers["ETag"] == '"2"'
    assert api.get("/api/v1/patterns", headers=headers).json["count"] == 0
    events = _events(web_org)
    again = api.post(f"/api/v1/patterns/{pattern}/retire", json={"reason": "Twice"},
                     headers=headers)
    assert set(_refused(again, 422)["errors"]) == {"pattern"}
    revised = api.post(f"/api/v1/patterns/{pattern}/versions", json=REVISED, headers=headers)
    assert set(_refused(revised, 422)["errors"]) == {"pattern"}
    cited = api.post(f"/api/v1/commitments/{commitment}/patterns", json={"pattern": pattern},
                     headers=token_for("support_lead"))
    assert "retired" in _refused(cited, 422)["errors"]["pattern"]
    assert _events(web_org) == events


@pytest.mark.parametrize("path, body", [
    (f"/api/v1/patterns/{UNKNOWN}/versions", REVISED),
    (f"/api/v1/patterns/{UNKNOWN}/retire", {"reason": "Old"}),
    ("/api/v1/patterns/not-a-uuid/retire", {"reason": "Old"}),
    (f"/api/v1/commitments/{UNKNOWN}/patterns", {"pattern": "PATTERN"}),
    (f"/api/v1/commitments/{UNKNOWN}/patterns/PATTERN/uncite", {}),
    ("/api/v1/commitments/COMMITMENT/patterns/not-a-uuid/uncite", {}),
    (f"/api/v1/commitments/COMMITMENT/patterns/{UNKNOWN}/uncite", {}),
    ("/api/v1/commitments/COMMITMENT/patterns/PATTERN/uncite", {}),  # not cited
])
def test_an_unknown_pattern_commitment_or_citation_is_a_404_and_nothing_is_recorded(
    api: FlaskClient, token_for: Token, web_org: Org, pattern: str, commitment: str,
    path: str, body: dict[str, Any]
) -> None:
    path = path.replace("PATTERN", pattern).replace("COMMITMENT", commitment)
    body = {k: (pattern if v == "PATTERN" else v) for k, v in body.items()}
    events = _events(web_org)
    _refused(api.post(path, json=body, headers=token_for("cco")), 404)
    assert _events(web_org) == events


# Citing


def test_a_lead_cites_and_uncites_a_pattern_on_their_departments_commitment(
    api: FlaskClient, token_for: Token, web_org: Org, pattern: str, commitment: str
) -> None:
    headers = token_for("support_lead")
    path = f"/api/v1/commitments/{commitment}/patterns"
    cited = api.post(path, json={"pattern": pattern}, headers=headers)
    assert cited.status_code == 201, cited.json
    s.CitedPatterns.model_validate(cited.json)
    assert cited.json["commitment_id"] == commitment
    assert [(p["id"], p["title"], p["status"]) for p in cited.json["items"]] == [
        (pattern, NEW["title"], "live")]
    assert api.get(path, headers=token_for("executive", scope="read")).json == cited.json
    citing = api.get(f"/api/v1/patterns/{pattern}", headers=headers).json["citing"]
    assert [c["id"] for c in citing] == [commitment]
    story = api.get(f"/api/v1/commitments/{commitment}", headers=headers).json["story"]
    assert story[0]["kind"] == "PatternCited" and story[0]["actor_id"] == str(web_org.support_lead)

    uncited = api.post(f"{path}/{pattern}/uncite", headers=headers)
    assert uncited.status_code == 200, uncited.json
    assert (uncited.json["items"], uncited.json["count"]) == ([], 0)
    assert api.get(path, headers=headers).json["count"] == 0
    assert api.get(f"/api/v1/patterns/{pattern}", headers=headers).json["citing"] == []


def test_a_lead_of_another_department_cannot_cite_or_uncite_and_nothing_is_recorded(
    api: FlaskClient, token_for: Token, web_org: Org, pattern: str, commitment: str
) -> None:
    headers = token_for("it_lead")
    path = f"/api/v1/commitments/{commitment}/patterns"
    events = _events(web_org)
    _refused(api.post(path, json={"pattern": pattern}, headers=headers), 403)
    assert _events(web_org) == events
    web_org.app.cite_pattern(web_org.support_lead, UUID(commitment), pattern_id=pattern)
    events = _events(web_org)
    _refused(api.post(f"{path}/{pattern}/uncite", headers=headers), 403)
    assert _events(web_org) == events
    assert api.get(path, headers=headers).json["count"] == 1  # every member with a role reads
    assert api.post(path, json={"pattern": pattern},  # the CCO writes for every department
                    headers=token_for("cco")).status_code == 422  # ... but it is cited already


@pytest.mark.parametrize("body, message", [
    ({"pattern": UNKNOWN}, "no such pattern"),
    ({"pattern": "not-a-uuid"}, "UUID"),
    ({}, "required"),
])
def test_citing_a_pattern_there_is_not_is_a_422_naming_it_and_nothing_is_recorded(
    api: FlaskClient, token_for: Token, web_org: Org, commitment: str, body: dict[str, Any],
    message: str
) -> None:
    events = _events(web_org)
    refused = api.post(f"/api/v1/commitments/{commitment}/patterns", json=body,
                       headers=token_for("support_lead"))
    errors = _refused(refused, 422)["errors"]
    assert set(errors) == {"pattern"} and message in errors["pattern"]
    assert _events(web_org) == events


def test_citing_twice_is_refused_and_recorded_once(
    api: FlaskClient, token_for: Token, web_org: Org, pattern: str, commitment: str
) -> None:
    path = f"/api/v1/commitments/{commitment}/patterns"
    headers = token_for("support_lead")
    assert api.post(path, json={"pattern": pattern}, headers=headers).status_code == 201
    events = _events(web_org)
    refused = _refused(api.post(path, json={"pattern": pattern}, headers=headers), 422)
    assert "already" in refused["errors"]["pattern"]
    assert _events(web_org) == events
    assert api.get(path, headers=headers).json["count"] == 1


def test_the_patterns_of_a_commitment_there_is_not_are_a_404(api: FlaskClient,
                                                              token_for: Token) -> None:
    _refused(api.get(f"/api/v1/commitments/{UNKNOWN}/patterns",
                     headers=token_for("auditor", scope="read")), 404)
