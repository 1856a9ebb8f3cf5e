"""The REST API: token-only, reads through the views, writes through the application service,
errors as problem details."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.conftest import Org

PROBLEM = "application/problem+json"
Token = Callable[..., dict[str, str]]


# Access


def test_without_a_token_the_api_answers_401_with_a_bearer_challenge(api: FlaskClient) -> None:
    response = api.get("/api/v1/commitments")
    assert response.status_code == 401 and response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["status"] == 401 and response.json["title"]


def test_a_signed_in_browser_session_is_not_a_token(api: FlaskClient) -> None:
    from tests.web.conftest import sign_in

    sign_in(api, "cco@example.com")
    assert api.get("/api/v1/commitments").status_code == 401


def test_a_wrong_token_is_refused(api: FlaskClient) -> None:
    response = api.get("/api/v1/commitments", headers={"Authorization": "Bearer cxt_nope"})
    assert response.status_code == 401 and "invalid_token" in response.headers["WWW-Authenticate"]


def test_the_openapi_document_needs_no_token(api: FlaskClient) -> None:
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json["openapi"] == "3.1.0"
    assert "/api/v1/commitments/{commitment_id}/progress" in response.json["paths"]


def test_the_openapi_document_lists_every_operation_and_is_valid_openapi_3_1(api: FlaskClient) -> None:
    from jsonschema_rs import Draft202012Validator
    from schemathesis.specs.openapi.definitions import OPENAPI_31  # the OpenAPI 3.1 meta-schema

    document = api.get("/api/v1/openapi.json").json
    Draft202012Validator(OPENAPI_31).validate(document)
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    assert {
        ("/api/v1/patterns", "get"), ("/api/v1/patterns/{pattern_id}", "get"),
        ("/api/v1/patterns/{pattern_id}/versions/{revision}", "get"),
        ("/api/v1/scorecards", "get"), ("/api/v1/scorecards/{scorecard_id}", "get"),
        ("/api/v1/commitments", "get"), ("/api/v1/kpis/{key}/measurements", "post"),
        ("/api/v1/patterns", "post"), ("/api/v1/patterns/{pattern_id}/versions", "post"),
        ("/api/v1/patterns/{pattern_id}/retire", "post"),
        ("/api/v1/commitments/{commitment_id}/patterns", "get"),
        ("/api/v1/commitments/{commitment_id}/patterns", "post"),
        ("/api/v1/commitments/{commitment_id}/patterns/{pattern_id}/uncite", "post"),
    } <= operations
    revise = document["paths"]["/api/v1/patterns/{pattern_id}/versions"]["post"]
    assert {"201", "409", "412", "422"} <= set(revise["responses"])
    assert "If-Match" in {p["name"] for p in revise["parameters"]}
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    schemas = document["components"]["schemas"]
    for item in document["paths"].values():
        for op in item.values():
            for answer in op["responses"].values():
                for content in answer.get("content", {}).values():
                    ref = content["schema"].get("$ref")
                    assert ref is None or ref.removeprefix("#/components/schemas/") in schemas
    for name in schemas:  # each a JSON Schema 2020-12 (OpenAPI 3.1's dialect), its refs resolved
        Draft202012Validator({"$ref": f"#/components/schemas/{name}",
                              "components": {"schemas": schemas}})
    pattern = document["paths"]["/api/v1/patterns"]["get"]
    assert {p["name"] for p in pattern["parameters"]} == {"q", "journey", "retired"}
    scorecards = document["paths"]["/api/v1/scorecards"]["get"]
    assert [p["name"] for p in scorecards["parameters"]] == ["period"]


def test_writes_need_no_csrf_token_and_set_no_cookie(api: FlaskClient, token_for: Token,
                                                     commitment: str) -> None:
    response = api.post(f"/api/v1/commitments/{commitment}/notes", json={"text": "Called them"},
                        headers=token_for("support_lead"))
    assert response.status_code == 201, response.json
    assert "Set-Cookie" not in response.headers


def test_a_read_token_cannot_write(api: FlaskClient, token_for: Token, commitment: str) -> None:
    response = api.post(f"/api/v1/commitments/{commitment}/progress", json={"percent": 10},
                        headers=token_for("support_lead", scope="read"))
    assert response.status_code == 403 and "insufficient_scope" in response.headers["WWW-Authenticate"]


def test_the_rate_limit_counts_per_token(flask_app, token_for: Token) -> None:  # type: ignore[no-untyped-def]
    from web import create_app

    app = create_app({**flask_app.config, "API_RATE_LIMIT": "3 per minute"},
                     tracker=flask_app.extensions["cx"].tracker)
    first, second = token_for("cco", scope="read"), token_for("executive", scope="read")
    client = app.test_client()
    answers = [client.get("/api/v1/kpis", headers=first).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert client.get("/api/v1/kpis", headers=second).status_code == 200
    limited = client.get("/api/v1/kpis", headers=first)
    assert limited.mimetype == PROBLEM and limited.json["status"] == 429


# Reads


def test_commitments_are_listed_with_their_health_and_filtered_as_on_the_board(
    api: FlaskClient, token_for: Token, web_org
) -> None:  # type: ignore[no-untyped-def]
    web_org.commitment()
    web_org.commitment(department="it", title="Fix the login page", owner="lead.it@example.com",
                       actor=web_org.it_lead)
    headers = token_for("executive", scope="read")
    everything = api.get("/api/v1/commitments", headers=headers).json
    assert everything["count"] == 2 and {c["health"] for c in everything["items"]} == {"on track"}
    it = api.get("/api/v1/commitments?department=it", headers=headers).json
    assert [c["title"] for c in it["items"]] == ["Fix the login page"]
    owned = api.get("/api/v1/commitments?owner=lead.it@example.com", headers=headers).json
    assert owned["count"] == 1
    assert api.get("/api/v1/commitments?health=overdue", headers=headers).json["count"] == 0
    assert api.get("/api/v1/commitments?health=sideways", headers=headers).status_code == 400


def test_one_commitment_comes_with_its_story_and_its_version_as_etag(
    api: FlaskClient, token_for: Token, commitment: str
) -> None:
    headers = token_for("support_lead")
    api.post(f"/api/v1/commitments/{commitment}/progress", json={"percent": 40}, headers=headers)
    response = api.get(f"/api/v1/commitments/{commitment}", headers=headers)
    assert response.status_code == 200 and response.headers["ETag"] == '"2"'
    assert [e["kind"] for e in response.json["story"]] == ["ProgressReported", "Made"]
    assert api.get("/api/v1/commitments/00000000-0000-0000-0000-000000000000",
                   headers=headers).status_code == 404


def test_the_timeline_pages_with_a_cursor(api: FlaskClient, token_for: Token, web_org) -> None:  # type: ignore[no-untyped-def]
    headers = token_for("auditor", scope="read")
    seen, cursor = [], None
    while True:
        page = api.get("/api/v1/timeline?limit=7" + (f"&before={cursor}" if cursor else ""),
                       headers=headers).json
        seen += [e["position"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen, reverse=True) == list(range(web_org.app.head(), 0, -1))


def test_the_overview_reads_follow_the_plans_setting(
    api: FlaskClient, token_for: Token, web_org: Org
) -> None:
    lead = token_for("support_lead", scope="read")
    assert api.get("/api/v1/timeline", headers=lead).status_code == 200  # open to every role
    web_org.app.change_overview_access(web_org.cco, readers=["executive", "auditor"],
                                       reason="Leads read their own boards this quarter")
    assert api.get("/api/v1/timeline", headers=lead).status_code == 403
    assert api.get("/api/v1/accountability", headers=lead).status_code == 403
    figures = api.get("/api/v1/accountability", headers=token_for("executive", scope="read")).json
    assert [d["department"] for d in figures["departments"]] == ["customer-service", "it", "sales"]


# Writes


def test_a_lead_makes_a_commitment_for_their_department_only(api: FlaskClient, token_for: Token) -> None:
    body = {"department": "customer-service", "title": "Call back within a day",
            "due_date": "2026-05-01", "owner": "lead.customer-service@example.com"}
    headers = token_for("support_lead")
    made = api.post("/api/v1/commitments", json=body, headers=headers)
    assert made.status_code == 201 and made.json["title"] == "Call back within a day"
    assert api.get(made.headers["Location"], headers=headers).status_code == 200
    refused = api.post("/api/v1/commitments", json={**body, "department": "it"}, headers=headers)
    assert refused.status_code == 403 and refused.mimetype == PROBLEM


def test_invalid_fields_are_named_one_message_each(api: FlaskClient, token_for: Token) -> None:
    body = {"department": "customer-service", "title": "x", "due_date": "2020-01-01",
            "owner": "nobody@example.com"}
    response = api.post("/api/v1/commitments", json=body, headers=token_for("cco"))
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert set(response.json["errors"]) == {"title", "due_date", "owner"}


def test_a_body_that_is_not_json_is_refused(api: FlaskClient, token_for: Token) -> None:
    response = api.post("/api/v1/commitments", data="title=x", headers=token_for("cco"))
    assert response.status_code == 415


def test_progress_with_a_stale_if_match_is_refused_and_nothing_recorded(
    api: FlaskClient, token_for: Token, commitment: str, web_org
) -> None:  # type: ignore[no-untyped-def]
    headers = token_for("support_lead")
    path = f"/api/v1/commitments/{commitment}/progress"
    assert api.post(path, json={"percent": 10}, headers={**headers, "If-Match": '"1"'}).status_code == 200
    head = web_org.app.head()
    stale = api.post(path, json={"percent": 20}, headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412 and web_org.app.head() == head
    conflict = api.post(path, json={"percent": 20, "version": 1}, headers=headers)
    assert conflict.status_code == 409 and web_org.app.head() == head


@pytest.mark.parametrize("tag", ['"²"', '"' + "9" * 5000 + '"', '"-1"', "*"])
def test_an_if_match_that_is_no_version_is_a_400_problem_and_nothing_recorded(
    api: FlaskClient, token_for: Token, commitment: str, web_org, tag: str
) -> None:  # type: ignore[no-untyped-def]
    head = web_org.app.head()
    response = api.post(f"/api/v1/commitments/{commitment}/progress", json={"percent": 10},
                        headers={**token_for("support_lead"), "If-Match": tag})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert web_org.app.head() == head


def test_a_measurement_pushed_through_the_api_appears_on_the_kpi_page(
    api: FlaskClient, token_for: Token, client_for
) -> None:  # type: ignore[no-untyped-def]
    response = api.post("/api/v1/kpis/nps/measurements",
                        json={"value": 27.5, "note": "weekly survey push"}, headers=token_for("cco"))
    assert response.status_code == 201 and response.json["latest"]["value"] == 27.5
    assert "27.5" in client_for("cco").get("/kpis/").get_data(as_text=True)


def test_only_the_cco_records_measurements(api: FlaskClient, token_for: Token) -> None:
    response = api.post("/api/v1/kpis/nps/measurements", json={"value": 1},
                        headers=token_for("support_lead"))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["executive", "auditor"])
def test_read_only_members_write_nothing_even_with_a_read_write_token(
    api: FlaskClient, token_for: Token, commitment: str, role: str
) -> None:
    response = api.post(f"/api/v1/commitments/{commitment}/notes", json={"text": "hello"},
                        headers=token_for(role))
    assert response.status_code == 403


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/api/v1/nothing-here", 404), ("DELETE", "/api/v1/commitments", 405),
])
def test_a_path_or_method_the_api_does_not_have_is_a_problem_too(
    api: FlaskClient, method: str, path: str, status: int
) -> None:
    response = api.open(path, method=method)
    assert response.status_code == status and response.mimetype == PROBLEM


def test_the_web_keeps_its_own_error_pages(api: FlaskClient) -> None:
    response = api.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_a_write_refused_for_a_clock_behind_the_history_is_a_503_problem(
    api: FlaskClient, token_for: Token, commitment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.integrity.timeline import ClockBehind

    def behind(*args: object, **kwargs: object) -> None:
        raise ClockBehind("the clock is behind")

    headers = token_for("support_lead")
    app_service = api.application.extensions["cx"].tracker
    monkeypatch.setattr(app_service, "add_note", behind)
    response = api.post(f"/api/v1/commitments/{commitment}/notes", json={"text": "hello"},
                        headers=headers)
    assert response.status_code == 503 and response.mimetype == PROBLEM
    assert "Nothing was recorded" in response.json["detail"]


def test_docs_api_md_has_a_section_for_every_operation(api: FlaskClient) -> None:
    import re
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "api.md").read_text()
    documented = {re.sub(r"\{[^}]*\}", "{}", h) for h in re.findall(r"^### `(.+)`$", docs, re.M)}
    for path, item in api.get("/api/v1/openapi.json").json["paths"].items():
        for method in item:
            heading = f"{method.upper()} {re.sub(r'{[^}]*}', '{}', path)}"
            assert heading in documented, f"docs/api.md has no section for {heading}"
