"""The API's pattern library: the search, one pattern (its current version, every version's
summary, the commitments citing it with their health) and one earlier version, which every member
with a role reads, as on the web (`tracker.authorization.require_reader`); publishing, revising
and retiring patterns, and commitments citing them, through the application service, which
decides who may (`tracker/service/patterns.py`), as it does for the web."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import Response, url_for

from projections.queries import patterns as library
from tracker import clock
from tracker.errors import Invalid, NotFound
from tracker.service.base import Receipt
from web.api import schemas as s
from web.api.access import require_reader, require_write_scope
from web.api.routes import WRITE_ERRORS, api, at_version, commitment_row, json_answer
from web.api.spec import parse_body, parse_query
from web.services import catch_up, tracker, views

READ_ERRORS = (400, 401, 403, 404, 429)
VERSIONED_WRITE_ERRORS = (*WRITE_ERRORS, 409, 412)
_SUMMARY = ("revision", "at", "actor_id", "actor_name", "title", "reason")


def _pattern_or_404(pattern_id: UUID) -> dict[str, Any]:
    found = library.pattern(views(), pattern_id)
    if found is None:
        raise NotFound("pattern", pattern_id)
    found.pop("search", None)  # the view's case-folded copy for the search, not content
    return found


@api.route("/patterns", "GET", query=s.PatternFilters, response=s.PatternList, tag="patterns")
def list_patterns() -> Response:
    """The pattern library by title, searched and filtered as on the web; live patterns only
    unless `retired`."""
    require_reader()
    q = parse_query(s.PatternFilters)
    catch_up()
    found = library.library(views(), q=(q.q or "")[: library.SEARCH_MAX], journey=q.journey,
                            retired=q.retired)
    return json_answer({"items": found, "count": len(found)})


@api.route("/patterns/<uuid:pattern_id>", "GET", response=s.Pattern, errors=READ_ERRORS,
           tag="patterns")
def get_pattern(pattern_id: UUID) -> Response:
    """One pattern: its current version (raw Markdown), its versions and the commitments citing
    it. The ETag is its version."""
    require_reader()
    catch_up()
    return _pattern_answer(_whole_pattern(pattern_id))


def _whole_pattern(pattern_id: UUID) -> dict[str, Any]:
    """The pattern as `GET /patterns/{id}` answers it."""
    found = _pattern_or_404(pattern_id)
    db = views()
    found["versions"] = [{k: v[k] for k in _SUMMARY} for v in library.versions(db, pattern_id)]
    found["citing"] = library.citing(db, pattern_id, clock.today())
    return found


def _pattern_answer(found: dict[str, Any], status: int = 200, location: str | None = None) -> Response:
    response = json_answer(found, status, etag=found["version"])
    if location:
        response.headers["Location"] = location
    return response


@api.route("/patterns/<uuid:pattern_id>/versions/<int:revision>", "GET",
           response=s.PatternVersion, errors=READ_ERRORS, tag="patterns")
def get_pattern_version(pattern_id: UUID, revision: int) -> Response:
    """One version of a pattern (1: as published), as it was written."""
    require_reader()
    catch_up()
    current = _pattern_or_404(pattern_id)
    found = library.version(views(), pattern_id, revision)
    if found is None:
        raise NotFound("version of this pattern", str(revision))
    found.pop("position", None)
    return json_answer({**found, "current_revision": current["revision"],
                        "status": current["status"]})


# Publishing, revising, retiring (the CCO and the leads she allows; retiring: the CCO)


def _content(body: s.PatternFields) -> dict[str, Any]:
    return {"title": body.title, "text": body.text, "journeys": body.journeys,
            "departments": body.departments,
            "links": [link.model_dump() for link in body.links]}


@api.route("/patterns", "POST", body=s.NewPattern, response=s.Pattern, status=201,
           errors=WRITE_ERRORS, tag="patterns")
def publish_pattern() -> Response:
    """Publish a pattern (the CCO, or a lead she allows to publish)."""
    who = require_write_scope()
    body = parse_body(s.NewPattern)
    receipt = tracker().publish_pattern(who.id, **_content(body),
                                        idempotency_key=body.idempotency_key or None)
    catch_up(receipt.position)
    return _pattern_answer(_whole_pattern(receipt.id), 201,
                           url_for("api.get_pattern", pattern_id=receipt.id))


@api.route("/patterns/<uuid:pattern_id>/versions", "POST", body=s.PatternRevision,
           response=s.Pattern, status=201, errors=VERSIONED_WRITE_ERRORS, if_match=True,
           tag="patterns")
def revise_pattern(pattern_id: UUID) -> Response:
    """Revise a live pattern: a whole new version with the reason, optionally only at the
    version you read; the earlier versions stay readable."""
    who = require_write_scope()
    body = parse_body(s.PatternRevision)
    receipt = at_version("pattern", body.version, lambda version: tracker().revise_pattern(
        who.id, pattern_id, reason=body.reason, expected_version=version, **_content(body)))
    catch_up(receipt.position)
    found = _whole_pattern(pattern_id)
    return _pattern_answer(found, 201, url_for("api.get_pattern_version", pattern_id=pattern_id,
                                               revision=found["revision"]))


@api.route("/patterns/<uuid:pattern_id>/retire", "POST", body=s.PatternRetirement,
           response=s.Pattern, errors=VERSIONED_WRITE_ERRORS, if_match=True, tag="patterns")
def retire_pattern(pattern_id: UUID) -> Response:
    """Retire a pattern (the CCO), with the reason: no commitment can cite it any more."""
    who = require_write_scope()
    body = parse_body(s.PatternRetirement)
    receipt = at_version("pattern", body.version, lambda version: tracker().retire_pattern(
        who.id, pattern_id, reason=body.reason, expected_version=version))
    catch_up(receipt.position)
    return _pattern_answer(_whole_pattern(pattern_id))


# Who may publish (the CCO allows leads)


def _publishers_change(command: Callable[[UUID, str], Receipt], status: int) -> Response:
    who = require_write_scope()
    body = parse_body(s.Publisher)
    try:
        receipt = command(who.id, body.member)
    except NotFound as e:  # an address in the body: a field to correct, not a path to a resource
        if e.what != "member":
            raise
        raise Invalid.field("member", "no member has this e-mail address") from None
    catch_up(receipt.position)
    items = library.publishers(views())
    return json_answer({"items": items, "count": len(items)}, status)


@api.route("/patterns/publishers", "POST", body=s.Publisher, response=s.PatternPublishers,
           status=201, errors=WRITE_ERRORS, tag="patterns")
def grant_publisher() -> Response:
    """Allow a department lead to publish and revise patterns (the CCO)."""
    return _publishers_change(tracker().grant_pattern_publisher, 201)


@api.route("/patterns/publishers/revoke", "POST", body=s.Publisher,
           response=s.PatternPublishers, errors=WRITE_ERRORS, tag="patterns")
def revoke_publisher() -> Response:
    """Take back a lead's right to publish and revise patterns (the CCO)."""
    return _publishers_change(tracker().revoke_pattern_publisher, 200)


# Citing (the commitment's department: its lead or the CCO)


def _cited_answer(commitment_id: UUID, status: int = 200) -> Response:
    commitment_row(commitment_id)  # 404 for a commitment there is not
    items = library.cited_by(views(), commitment_id)
    return json_answer({"commitment_id": str(commitment_id), "items": items,
                        "count": len(items)}, status)


@api.route("/commitments/<uuid:commitment_id>/patterns", "GET", response=s.CitedPatterns,
           errors=READ_ERRORS, tag="commitments")
def cited_patterns(commitment_id: UUID) -> Response:
    """The patterns a commitment cites now."""
    require_reader()
    catch_up()
    return _cited_answer(commitment_id)


@api.route("/commitments/<uuid:commitment_id>/patterns", "POST", body=s.Citation,
           response=s.CitedPatterns, status=201, errors=WRITE_ERRORS, tag="commitments")
def cite_pattern(commitment_id: UUID) -> Response:
    """Cite a live pattern the commitment applies."""
    who = require_write_scope()
    body = parse_body(s.Citation)
    receipt = tracker().cite_pattern(who.id, commitment_id, pattern_id=body.pattern)
    catch_up(receipt.position)
    return _cited_answer(commitment_id, 201)


@api.route("/commitments/<uuid:commitment_id>/patterns/<uuid:pattern_id>/uncite", "POST",
           response=s.CitedPatterns, errors=WRITE_ERRORS, tag="commitments")
def uncite_pattern(commitment_id: UUID, pattern_id: UUID) -> Response:
    """Stop citing a pattern (a retired one too)."""
    who = require_write_scope()
    try:
        receipt = tracker().uncite_pattern(who.id, commitment_id, pattern_id=pattern_id)
    except Invalid as e:  # the one refusal left once the commitment and the member are checked
        if set(e.errors) != {"pattern"}:
            raise
        raise NotFound("pattern cited by this commitment", pattern_id) from None
    catch_up(receipt.position)
    return _cited_answer(commitment_id)
