"""The CX pattern library: patterns and assets the CCO (and leads she allows) publish, each
version kept and readable, the commitments that cite them with their health, and a search.

Every member with a role reads it; the service decides who publishes, revises, retires, allows
leads to publish and cites (`tracker/service/patterns.py`); the page only asks
`authorization.may_publish_patterns` which controls to show.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from projections.queries import directory
from projections.queries import patterns as library
from tracker import authorization, clock
from tracker.errors import Invalid, NotAllowed, NotFound
from tracker.service.base import Receipt
from web.access import require_reader
from web.blueprints.commitments import commitment_page
from web.forms import expected_version, form_value, refusal_status, run_form
from web.markdown import render_markdown
from web.redirects import same_site_path
from web.render import page_or_fragment
from web.services import catch_up, tracker, views

bp = Blueprint("patterns", __name__, url_prefix="/patterns")

Answer = str | Response | tuple[str, int]


@bp.app_template_filter("markdown")
def markdown_filter(text: str) -> Any:
    return render_markdown(text)


def may_publish() -> bool:
    return authorization.may_publish_patterns(
        current_user.roles, str(current_user.id), library.publisher_ids(views()))


def _names() -> dict[str, Any]:
    db = views()
    departments = directory.departments(db)
    journeys = directory.journeys(db)
    return {
        "department_names": {d["slug"]: d["name"] for d in departments},
        "journey_names": {j["key"]: j["name"] for j in journeys},
        "department_options": [(d["slug"], d["name"]) for d in directory.in_use(departments)],
        "journey_options": [(j["key"], j["name"]) for j in journeys if not j.get("retired_at")],
        "may_publish": may_publish(),
    }


def _query() -> str:
    return (request.args.get("q") or "")[: library.SEARCH_MAX]


@bp.route("/")
@login_required
def index() -> str:
    require_reader()
    catch_up()
    db = views()
    names = _names()
    q = _query()
    journey = request.args.get("journey") or None
    if journey not in names["journey_names"]:
        journey = None
    retired = request.args.get("retired") == "1"
    found = library.library(db, q=q, journey=journey, retired=retired)
    return page_or_fragment(
        "patterns/index.html", "patterns/_list.html", patterns=found, q=q, journey=journey,
        retired=retired, publishers=library.publishers(db) if current_user.is_cco else [],
        lead_options=_lead_options() if current_user.is_cco else [], **names,
    )


def _lead_options() -> list[tuple[str, str]]:
    allowed = {p["member_id"] for p in library.publishers(views())}
    return [(m["email"], f"{m['name']} ({m['email']})")
            for m in directory.members(views(), active_only=True)
            if str(m["id"]) not in allowed and any(r["role"] == "lead" for r in m["roles"])]


def _pattern_or_404(pattern_id: UUID) -> dict[str, Any]:
    found = library.pattern(views(), pattern_id)
    if found is None:
        raise NotFound("pattern", pattern_id)
    return found


@bp.route("/<uuid:pattern_id>")
@login_required
def show(pattern_id: UUID) -> str:
    require_reader()
    catch_up()
    p = _pattern_or_404(pattern_id)
    db = views()
    return render_template(
        "patterns/show.html", p=p, shown=p, versions=library.versions(db, pattern_id),
        citing=library.citing(db, pattern_id, clock.today()), **_names())


@bp.route("/<uuid:pattern_id>/v/<int:revision>")
@login_required
def version(pattern_id: UUID, revision: int) -> str:
    require_reader()
    catch_up()
    p = _pattern_or_404(pattern_id)
    found = library.version(views(), pattern_id, revision)
    if found is None:
        raise NotFound("version of this pattern", str(revision))
    return render_template("patterns/version.html", p=p, shown=found,
                           versions=library.versions(views(), pattern_id), **_names())


# Publishing and revising


def _content() -> dict[str, Any]:
    return {
        "title": form_value("title"), "text": request.form.get("text", "").strip(),
        "journeys": request.form.getlist("journeys"),
        "departments": request.form.getlist("departments"),
        "links": request.form.get("links", ""),
    }


def _publish_command() -> Receipt:
    return tracker().publish_pattern(current_user.id, **_content(),
                                     idempotency_key=form_value("idempotency_key") or None)


def _require_publisher() -> None:
    if not may_publish():
        raise NotAllowed("only the CCO and the leads she allows may publish or revise patterns")


def _form_context(p: dict[str, Any] | None) -> dict[str, Any]:
    """The form's pattern and what it shows checked: what was posted (a refused form keeps the
    member's input), else the pattern's current version."""
    if request.method == "POST":
        chosen = {"journeys": request.form.getlist("journeys"),
                  "departments": request.form.getlist("departments")}
    else:
        chosen = {"journeys": p["journeys"] if p else [], "departments": p["departments"] if p else []}
    links = "\n".join(f"{link['label']} | {link['url']}" for link in p["links"]) if p else ""
    # A new key each time the publish form is shown (kept when a refused form comes back), so a
    # double submit publishes one pattern.
    key = request.form.get("idempotency_key", "")[:100] or uuid4().hex
    return {"p": p, "chosen": chosen, "links_text": links, "idempotency_key": key, **_names()}


@bp.route("/new")
@login_required
def new() -> str:
    require_reader()
    catch_up()
    _require_publisher()
    return render_template("patterns/form.html", **_form_context(None))


@bp.route("/", methods=["POST"])
@login_required
def publish() -> Answer:
    return run_form(
        _publish_command,
        page="patterns/form.html", fragment="patterns/form.html",
        context=lambda: _form_context(None), done="The pattern is published.",
        redirect_to=_to_pattern, form_key="pattern",
    )


def _to_pattern(receipt: Receipt | None) -> str:
    assert receipt is not None
    return url_for("patterns.show", pattern_id=receipt.id)


@bp.route("/<uuid:pattern_id>/revise")
@login_required
def revise_form(pattern_id: UUID) -> str:
    require_reader()
    catch_up()
    p = _pattern_or_404(pattern_id)
    _require_publisher()
    if p["status"] != "live":
        raise Invalid.field("pattern", "is retired: it can no longer be revised")
    return render_template("patterns/form.html", **_form_context(p))


@bp.route("/<uuid:pattern_id>/revise", methods=["POST"])
@login_required
def revise(pattern_id: UUID) -> Answer:
    return run_form(
        lambda: tracker().revise_pattern(current_user.id, pattern_id, reason=form_value("reason"),
                                         expected_version=expected_version(), **_content()),
        page="patterns/form.html", fragment="patterns/form.html",
        context=lambda: _form_context(_pattern_or_404(pattern_id)),
        done="The pattern is revised; the earlier version stays readable.",
        redirect_to=_to_pattern, form_key="pattern",
    )


@bp.route("/<uuid:pattern_id>/retire", methods=["POST"])
@login_required
def retire(pattern_id: UUID) -> Answer:
    def context() -> dict[str, Any]:
        return dict(p=_pattern_or_404(pattern_id), shown=_pattern_or_404(pattern_id),
                    versions=library.versions(views(), pattern_id),
                    citing=library.citing(views(), pattern_id, clock.today()), **_names())
    return run_form(
        lambda: tracker().retire_pattern(current_user.id, pattern_id, reason=form_value("reason"),
                                         expected_version=expected_version()),
        page="patterns/show.html", fragment="patterns/show.html", context=context,
        done="The pattern is retired: no commitment can cite it any more.",
        redirect_to=url_for("patterns.show", pattern_id=pattern_id), form_key="retire",
    )


# Who may publish (the CCO)


def _publishers_form(command: Any, done: str, form_key: str) -> Answer:
    def context() -> dict[str, Any]:
        db = views()
        return dict(patterns=library.library(db), q="", journey=None, retired=False,
                    publishers=library.publishers(db), lead_options=_lead_options(), **_names())
    return run_form(
        lambda: command(current_user.id, form_value("member")),
        page="patterns/index.html", fragment="patterns/index.html", context=context,
        done=done, redirect_to=url_for("patterns.index"), form_key=form_key,
    )


@bp.route("/publishers", methods=["POST"])
@login_required
def grant_publisher() -> Answer:
    return _publishers_form(tracker().grant_pattern_publisher,
                            "The lead may now publish and revise patterns.", "publishers")


@bp.route("/publishers/revoke", methods=["POST"])
@login_required
def revoke_publisher() -> Answer:
    return _publishers_form(tracker().revoke_pattern_publisher,
                            "The lead may no longer publish patterns.", "revoke-publisher")


# Citing (a commitment's department): plain forms from the commitment's page


def _cite(cite: bool) -> Response | tuple[str, int]:
    commitment_id = _uuid(form_value("commitment_id"))
    command = tracker().cite_pattern if cite else tracker().uncite_pattern
    try:
        receipt = command(current_user.id, commitment_id, pattern_id=form_value("pattern_id"))
    except Invalid as refused:  # the commitment's page again, the reason beside the form
        catch_up()
        values = {k: v for k, v in request.form.items() if k != "csrf_token"}
        return render_template(
            "commitments/show.html", **commitment_page(commitment_id), errors=refused.errors,
            values=values, failed_form="cite" if cite else "uncite"), refusal_status()
    catch_up(receipt.position)
    flash("The commitment now cites the pattern." if cite
          else "The commitment no longer cites the pattern.", "success")
    back = same_site_path(request.form.get("next")) or url_for(
        "commitments.show", commitment_id=commitment_id)
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        answer = Response("", 200)  # htmx itself loads the commitment's page
        answer.headers["HX-Location"] = back
        return answer
    return redirect(back)


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise NotFound("commitment", value) from None


@bp.route("/cite", methods=["POST"])
@login_required
def cite() -> Response | tuple[str, int]:
    return _cite(True)


@bp.route("/uncite", methods=["POST"])
@login_required
def uncite() -> Response | tuple[str, int]:
    return _cite(False)


@bp.app_template_global()
def commitment_patterns(commitment_id: UUID | str) -> dict[str, Any]:
    """For a commitment's page: the patterns it cites and the live ones it could cite."""
    db = views()
    cited = library.cited_by(db, commitment_id)
    ids = {c["id"] for c in cited}
    return {"cited_patterns": cited,
            "pattern_options": [(p["id"], p["title"]) for p in library.library(db)
                                if p["id"] not in ids]}



@bp.app_template_global()
def journey_patterns() -> dict[str, list[dict[str, Any]]]:
    """journey key -> its live patterns, for the plan's journeys table."""
    return library.by_journey(views())
