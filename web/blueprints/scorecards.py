"""Leader scorecards. `/scorecards/`: every leader's scorecard of one period with attainment (the
CCO, executives, auditors), a lead's own scorecards for a lead; `/scorecards/<id>`: one
scorecard, its history of events, and the forms its reader may use (the lead agrees or asks for a
change, an executive approves, the CCO revises). The CCO proposes on the index page.
Who may read and do what is `tracker.authorization`'s; the service refuses the rest."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, abort, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from projections.queries import directory
from projections.queries import scorecards as q
from tracker import authorization, clock
from tracker.domain import Period
from tracker.domain.scorecard import is_settled
from tracker.errors import Invalid, NotFound
from tracker.service.base import Receipt
from tracker.service.scorecards import MAX_KPIS
from web.forms import expected_version, form_value, run_form
from web.render import page_or_fragment
from web.services import catch_up, tracker, views

bp = Blueprint("scorecards", __name__, url_prefix="/scorecards")

Answer = str | Response | tuple[str, int]
FORM_ROWS = 6  # KPI rows on the propose and revise forms


def _period_asked() -> str | None:
    raw = request.args.get("period", "").strip()
    if not raw:
        return None
    try:
        return Period.parse(raw).label
    except Invalid:
        abort(400, description="period: must be a quarter such as 2026-Q1 or a year such as 2026")


def _index_context() -> dict[str, Any]:
    db = views()
    today = clock.today()
    roles = current_user.roles
    overseer = roles.is_overseer
    period = _period_asked() or q.default_period(db, today)
    if overseer:
        cards = q.scorecards(db, period=period) if period else []
    else:
        cards = q.scorecards(db, lead_id=str(current_user.id))
    attain = q.Attainments(db, today)
    for card in cards:
        card["attained"] = attain.of(card)
    kpis = [k for k in directory.kpis(db) if not k["retired_at"]]
    next_quarter = Period.of_day(today, 1).label
    return {
        "overseer": overseer, "period": period, "periods": q.periods(db), "cards": cards,
        "today": today, "kpis": kpis, "kpi_names": {k["key"]: k["name"] for k in directory.kpis(db)},
        "leads": _leads(db) if roles.is_cco else [], "next_quarter": next_quarter,
        "form_rows": FORM_ROWS, "max_kpis": MAX_KPIS,
        "kpi_options": kpi_options(kpis, directory.department_names(db)),
    }


def kpi_options(kpis: list[dict[str, Any]], names: dict[str, str]) -> list[tuple[str, str]]:
    """(key, label) of each KPI: CX KPIs first, then each department's area KPIs."""
    return [(k["key"], f"{k['name']} ({'CX' if k['department'] is None else names.get(k['department'], k['department'])})")
            for k in sorted(kpis, key=lambda k: k["department"] is not None)]


def _leads(db: Any) -> list[tuple[str, str]]:
    names = directory.department_names(db)
    found = []
    for m in directory.members(db, active_only=True):
        for grant in m["roles"]:
            if grant["role"] == "lead" and grant["department"]:
                found.append((f"{m['email']}|{grant['department']}",
                              f"{m['name']}, {names.get(grant['department'], grant['department'])}"))
    return sorted(found, key=lambda o: o[1])


@bp.route("/")
@login_required
def index() -> str:
    authorization.require_reader(current_user.roles)
    catch_up()
    return page_or_fragment("scorecards/index.html", "scorecards/_index.html", **_index_context())


def _items_from_form() -> list[dict[str, Any]]:
    """The KPI rows of a propose or revise form; rows without a KPI are left out."""
    found = []
    for n in range(1, MAX_KPIS + 1):
        kpi = form_value(f"kpi_{n}")
        if kpi:
            found.append({"kpi": kpi, "weight": form_value(f"weight_{n}"),
                          "target": form_value(f"target_{n}")})
    return found


@bp.route("/", methods=["POST"])
@login_required
def propose() -> Answer:
    lead, _, department = form_value("lead").partition("|")

    def command() -> Receipt:
        return tracker().propose_scorecard(
            current_user.id, lead=lead, department=department or None,
            period=form_value("period"), items=_items_from_form(), note=form_value("note"))

    return run_form(command, page="scorecards/index.html", fragment="scorecards/_index.html",
                    context=_index_context, done="Scorecard proposed; the lead is asked to agree.",
                    redirect_to=lambda r: url_for("scorecards.show", scorecard_id=r.id) if r
                    else url_for("scorecards.index"), form_key="propose")


def _card_context(scorecard_id: str) -> dict[str, Any]:
    db = views()
    card = q.scorecard(db, scorecard_id)
    if card is None:
        raise NotFound("scorecard", scorecard_id)
    authorization.require_scorecard_reader(current_user.roles, current_user.id, card["lead_id"])
    today = clock.today()
    card["attained"] = q.Attainments(db, today).of(card)
    kpis = [k for k in directory.kpis(db) if not k["retired_at"]
            and k["department"] in (None, card["department"])]
    return {
        "card": card, "today": today, "kpis": kpis,
        "kpi_names": {k["key"]: k["name"] for k in directory.kpis(db)},
        "is_lead": str(current_user.id) == card["lead_id"],
        "settled": is_settled(card["status"], card["period"], today),
        "form_rows": min(MAX_KPIS, max(FORM_ROWS, len(card["items"]) + 2)), "max_kpis": MAX_KPIS,
        "kpi_options": kpi_options(kpis, directory.department_names(db)),
    }


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise NotFound("scorecard", text) from None


@bp.route("/<scorecard_id>")
@login_required
def show(scorecard_id: str) -> str:
    catch_up()
    return page_or_fragment("scorecards/show.html", "scorecards/_show.html",
                            **_card_context(str(_uuid(scorecard_id))))


def _step(scorecard_id: str, form: str, done: str, act: Any) -> Answer:
    card = _uuid(scorecard_id)
    return run_form(lambda: act(card), page="scorecards/show.html",
                    fragment="scorecards/_show.html",
                    context=lambda: _card_context(str(card)), done=done,
                    redirect_to=url_for("scorecards.show", scorecard_id=str(card)), form_key=form)


@bp.route("/<scorecard_id>/agree", methods=["POST"])
@login_required
def agree(scorecard_id: str) -> Answer:
    if form_value("action") == "change":
        return _step(scorecard_id, "respond", "Change requested; the CCO is asked to revise it.",
                     lambda card: tracker().request_scorecard_change(
                         current_user.id, card, comment=form_value("comment"),
                         expected_version=expected_version()))
    return _step(scorecard_id, "respond", "Agreed; an executive is asked to approve it.",
                 lambda card: tracker().agree_scorecard(
                     current_user.id, card, comment=form_value("comment"),
                     expected_version=expected_version()))


@bp.route("/<scorecard_id>/approve", methods=["POST"])
@login_required
def approve(scorecard_id: str) -> Answer:
    return _step(scorecard_id, "approve", "Scorecard approved.",
                 lambda card: tracker().approve_scorecard(
                     current_user.id, card, comment=form_value("comment"),
                     expected_version=expected_version()))


@bp.route("/<scorecard_id>/revise", methods=["POST"])
@login_required
def revise(scorecard_id: str) -> Answer:
    return _step(scorecard_id, "revise", "Scorecard revised; the lead is asked to agree again.",
                 lambda card: tracker().revise_scorecard(
                     current_user.id, card, items=_items_from_form(), reason=form_value("reason"),
                     expected_version=expected_version()))
