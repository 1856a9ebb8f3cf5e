"""The API's operations. Reads go through `projections` queries; writes through the application
service (the same authorization and optimistic concurrency as the web), then the views catch up
to the write before answering (read-your-writes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

from flask import Blueprint, Response, jsonify, request, url_for

from projections.queries import accountability, board, kpis
from projections.queries.timeline import timeline_page
from tracker import clock
from tracker.domain import member_id
from tracker.errors import Conflict, NotFound
from tracker.service.base import Receipt
from web.api import schemas as s
from web.api.access import require_overview_reader, require_reader, require_write_scope
from web.api.problems import ApiProblem
from web.api.spec import Registry, parse_body, parse_query
from web.services import catch_up, tracker, views

bp = Blueprint("api", __name__, url_prefix="/api/v1")
api = Registry(bp)
WRITE_ERRORS = (400, 401, 403, 404, 429, 503)


def json_answer(data: Any, status: int = 200, etag: int | None = None) -> Response:
    response = jsonify(data)
    response.status_code = status
    if etag is not None:
        response.headers["ETag"] = f'"{etag}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def commitment_row(commitment_id: UUID) -> dict[str, Any]:
    row = board.commitment(views(), commitment_id, today=clock.today())
    if row is None:
        raise NotFound("commitment", commitment_id)
    return row


# Commitments


@api.route("/commitments", "GET", query=s.CommitmentFilters, response=s.CommitmentList,
           tag="commitments")
def list_commitments() -> Response:
    """Commitments with their health, filtered as on the board, what needs attention first."""
    require_reader()
    q = parse_query(s.CommitmentFilters)
    catch_up()
    since = None if q.closed == "all" else clock.today() - timedelta(days=board.RECENTLY_CLOSED_DAYS)
    rows = board.board(
        views(), today=clock.today(), department=q.department, health=q.health,
        journey=q.journey, owner=member_id(q.owner) if q.owner else None, closed_since=since,
    )
    return json_answer({"items": rows, "count": len(rows)})


@api.route("/commitments", "POST", body=s.NewCommitment, response=s.Commitment, status=201,
           errors=WRITE_ERRORS, tag="commitments")
def make_commitment() -> Response:
    """Make a commitment (a lead for their department, or the CCO)."""
    who = require_write_scope()
    body = parse_body(s.NewCommitment)
    receipt = tracker().make_commitment(
        who.id, department=body.department, title=body.title, due_date=body.due_date,
        owner=body.owner, description=body.description, journey=body.journey, kpi=body.kpi,
    )
    catch_up(receipt.position)
    row = commitment_row(receipt.id)
    response = json_answer(row, 201, etag=row["version"])
    response.headers["Location"] = url_for("api.get_commitment", commitment_id=receipt.id)
    return response


@api.route("/commitments/<uuid:commitment_id>", "GET", response=s.CommitmentWithStory,
           errors=(400, 401, 403, 404, 429), tag="commitments")
def get_commitment(commitment_id: UUID) -> Response:
    """One commitment with its story (every event, newest first). The ETag is its version."""
    require_reader()
    catch_up()
    row = commitment_row(commitment_id)
    story = timeline_page(views(), commitment=commitment_id, limit=500).rows
    return json_answer({"commitment": row, "story": story}, etag=row["version"])


def _expected_version(body_version: int | None) -> tuple[int | None, bool]:
    """The version the client read: If-Match (then a mismatch is 412) or the body's (409)."""
    header = request.headers.get("If-Match")
    if header is None:
        return body_version, False
    tag = header.strip().removeprefix("W/").strip('"')
    if not (tag.isascii() and tag.isdecimal()) or len(tag) > 19:  # not "²"; no 4,301 digits
        raise ApiProblem(400, 'If-Match must be an ETag this API gave, e.g. "7".')
    return int(tag), True


def at_version(what: str, body_version: int | None,
               write: Callable[[int | None], Receipt]) -> Receipt:
    """`write(expected_version)` at the version the client read: If-Match's (a conflict is 412)
    or the body's `version` (409); with neither, at whatever version is current."""
    version, precondition = _expected_version(body_version)
    try:
        return write(version)
    except Conflict:
        if precondition:
            raise ApiProblem(412, f"The {what} changed since the version in If-Match; "
                                  "nothing was recorded. Read it again.") from None
        raise


@api.route("/commitments/<uuid:commitment_id>/progress", "POST", body=s.ProgressReport,
           response=s.Commitment, errors=(*WRITE_ERRORS, 409, 412), if_match=True,
           tag="commitments")
def report_progress(commitment_id: UUID) -> Response:
    """Report progress (percent and an optional note), optionally only at the version you read."""
    who = require_write_scope()
    body = parse_body(s.ProgressReport)
    receipt = at_version("commitment", body.version, lambda version: tracker().report_progress(
        who.id, commitment_id, percent=body.percent, note=body.note, expected_version=version))
    catch_up(receipt.position)
    row = commitment_row(commitment_id)
    return json_answer(row, etag=row["version"])


@api.route("/commitments/<uuid:commitment_id>/notes", "POST", body=s.Note,
           response=s.Commitment, status=201, errors=WRITE_ERRORS, tag="commitments")
def add_note(commitment_id: UUID) -> Response:
    """Add a note to a commitment's story."""
    who = require_write_scope()
    body = parse_body(s.Note)
    receipt = tracker().add_note(who.id, commitment_id, text=body.text)
    catch_up(receipt.position)
    row = commitment_row(commitment_id)
    return json_answer(row, 201, etag=row["version"])


# Timeline and accountability (the overview's readers)


@api.route("/timeline", "GET", query=s.TimelineQuery, response=s.TimelinePage, tag="history")
def timeline() -> Response:
    """Every event, newest first, filtered; page on with `before=next_cursor`."""
    require_overview_reader()
    q = parse_query(s.TimelineQuery)
    catch_up()
    page = timeline_page(
        views(), department=q.department, journey=q.journey, commitment=q.commitment,
        kind=q.kind, since=q.since, until=q.until, before=q.before, limit=q.limit,
    )
    return json_answer({"items": page.rows, "next_cursor": page.next_before})


@api.route("/accountability", "GET", query=s.AccountabilityQuery, response=s.Accountability,
           tag="accountability")
def accountability_figures() -> Response:
    """Accountability per department and per owner (kept, late, missed, slips, roadblocks...)."""
    require_overview_reader()
    q = parse_query(s.AccountabilityQuery)
    catch_up()
    today = clock.today()
    return json_answer({"departments": accountability.by_department(views(), today),
                  "owners": accountability.by_owner(views(), today, q.department)})


# KPIs


@api.route("/kpis", "GET", response=s.KpiList, tag="kpis")
def list_kpis() -> Response:
    """Every KPI with its latest measurement and whether it is on course."""
    require_reader()
    catch_up()
    return json_answer({"items": kpis.kpi_overview(views())})


@api.route("/kpis/<key>", "GET", response=s.KpiSeries, errors=(400, 401, 403, 404, 429),
           tag="kpis")
def get_kpi(key: str) -> Response:
    """One KPI with every measurement, oldest first."""
    require_reader()
    catch_up()
    series = kpis.kpi_series(views(), key)
    if series is None:
        raise NotFound("KPI", key)
    return json_answer(series)


@api.route("/kpis/<key>/measurements", "POST", body=s.NewMeasurement, response=s.KpiSeries,
           status=201, errors=WRITE_ERRORS, tag="kpis")
def record_measurement(key: str) -> Response:
    """Record a KPI measurement (the CCO's token; e.g. a survey tool pushing NPS weekly)."""
    who = require_write_scope()
    body = parse_body(s.NewMeasurement)
    catch_up()
    if kpis.kpi_series(views(), key) is None:
        raise NotFound("KPI", key)
    receipt = tracker().record_measurement(who.id, key=key, value=body.value,
                                           measured_on=body.measured_on, note=body.note)
    catch_up(receipt.position)
    return json_answer(kpis.kpi_series(views(), key), 201)
