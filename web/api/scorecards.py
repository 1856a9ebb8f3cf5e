"""The API's reads of leader scorecards, with attainment once the period has ended
(docs/scorecards.md). Who reads which is `tracker.authorization`'s, as on the web: the CCO,
executives and auditors every leader's; a lead their own."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response

from projections.queries import scorecards as q
from tracker import clock
from tracker.domain import Period
from tracker.errors import Invalid, NotFound
from web.api import schemas as s
from web.api.problems import ApiProblem
from web.api.access import require_reader, require_scorecard_reader
from web.api.routes import api, json_answer
from web.api.spec import parse_query
from web.services import catch_up, views

_CARD = ("id", "period", "period_start", "period_end", "lead_id", "lead_name", "lead_email",
         "department", "department_name", "status", "status_title", "revision", "version",
         "items", "proposed_at", "updated_at")
_FIGURE = ("start", "end", "end_on", "attainment")


def _plain(card: dict[str, Any], attain: q.Attainments) -> dict[str, Any]:
    attained = attain.of(card)
    found = {k: card[k] for k in _CARD}
    found["attainment"] = None if attained is None else {
        "period": attained["period"], "as_of": attained["as_of"].isoformat(),
        "total": attained["total"], "corrected": attained["corrected"],
        "items": [{**item, "corrected": {k: item["corrected"][k] for k in _FIGURE}
                   if "corrected" in item else None} for item in attained["items"]],
    }
    return found


def _period(asked: str | None) -> str | None:
    """The period's label, or 400 (a year out of range is a malformed query here, not 422)."""
    try:
        return Period.parse(asked).label if asked else None
    except Invalid as e:
        raise ApiProblem(400, "Bad query parameters.", errors=e.errors) from None


@api.route("/scorecards", "GET", query=s.ScorecardQuery, response=s.ScorecardList,
           tag="scorecards")
def list_scorecards() -> Response:
    """Every leader's scorecard of a period with attainment (a lead: their own), as on the web."""
    who = require_reader()
    period = _period(parse_query(s.ScorecardQuery).period)
    catch_up()
    db = views()
    if who.roles.is_overseer:
        period = period or q.default_period(db, clock.today())
        cards = q.scorecards(db, period=period) if period else []
    else:
        cards = q.scorecards(db, period=period, lead_id=str(who.id))
    attain = q.Attainments(db, clock.today())
    items = [_plain(card, attain) for card in cards]
    return json_answer({"period": period, "items": items, "count": len(items)})


@api.route("/scorecards/<uuid:scorecard_id>", "GET", response=s.ScorecardWithHistory,
           errors=(400, 401, 403, 404, 429), tag="scorecards")
def get_scorecard(scorecard_id: UUID) -> Response:
    """One scorecard with attainment and its history (every event, oldest first)."""
    catch_up()
    db = views()
    card = q.scorecard(db, str(scorecard_id))
    if card is None:
        raise NotFound("scorecard", scorecard_id)
    require_scorecard_reader(card["lead_id"])
    history = [{k: v for k, v in e.items() if k != "scorecard_id"} for e in card["events"]]
    return json_answer({"scorecard": _plain(card, q.Attainments(db, clock.today())),
                        "history": history})
