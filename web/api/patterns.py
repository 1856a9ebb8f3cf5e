"""The API's reads of the pattern library: the search, one pattern (its current version, every
version's summary, the commitments citing it with their health) and one earlier version. Every
member with a role reads it, as on the web (`tracker.authorization.require_reader`)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response

from projections.queries import patterns as library
from tracker import clock
from tracker.errors import NotFound
from web.api import schemas as s
from web.api.access import require_reader
from web.api.routes import api, json_answer
from web.api.spec import parse_query
from web.services import catch_up, views

READ_ERRORS = (400, 401, 403, 404, 429)
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
    """One pattern: its current version (raw Markdown), its versions and the commitments citing it."""
    require_reader()
    catch_up()
    found = _pattern_or_404(pattern_id)
    db = views()
    found["versions"] = [{k: v[k] for k in _SUMMARY} for v in library.versions(db, pattern_id)]
    found["citing"] = library.citing(db, pattern_id, clock.today())
    return json_answer(found)


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
