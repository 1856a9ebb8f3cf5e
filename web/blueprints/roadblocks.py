"""Roadblocks: where my department's help was asked (open first, oldest first), my department's
own open roadblocks, and for the CCO, executives and auditors every open roadblock. Those who may
resolve one do it inline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from flask import Blueprint, abort, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from projections.queries import board
from projections.queries import roadblocks as queries
from tracker import clock
from web.access import is_overseer, require_reader
from web.blueprints.commitments import (
    card_options, resolve_command, this_page,
)
from web.forms import run_form
from web.redirects import same_site_path
from web.render import page_or_fragment, wants_fragment
from web.services import catch_up, tracker, views
from web.settings import shown

bp = Blueprint("roadblocks", __name__, url_prefix="/roadblocks")



@dataclass
class Section:
    key: str  # part of each item's id and form key, so an item may appear in two sections
    title: str
    intro: str
    items: list[dict[str, Any]] = field(default_factory=list)


def _sections(names: Mapping[str, str]) -> list[Section]:
    db, today = views(), clock.today()
    sections = []
    if is_overseer():
        everything = queries.roadblocks(db, today, state="open")
        sections.append(Section("all", "Open roadblocks across the plan",
                                "Oldest first: the longer one waits, the more it costs.",
                                sorted(everything, key=lambda r: -r["days_open"])))
    for slug in current_user.lead_departments:
        name = names.get(slug, slug)
        asked = queries.roadblocks(db, today, asked=slug)
        open_ = sorted((r for r in asked if r["is_open"]), key=lambda r: -r["days_open"])
        resolved = sorted((r for r in asked if not r["is_open"]), key=lambda r: r["resolved_at"],
                          reverse=True)[:shown("RESOLVED_ROADBLOCKS_SHOWN")]
        sections.append(Section(f"asked-{slug}", f"{name}'s help asked",
                                "Other departments are waiting on you: open ones first, oldest first.",
                                open_ + resolved))
        own = queries.roadblocks(db, today, state="open", department=slug)
        sections.append(Section(f"own-{slug}", f"{name}'s own open roadblocks",
                                "In the way of your own commitments.",
                                sorted(own, key=lambda r: -r["days_open"])))
    return sections


def _versions(items: list[dict[str, Any]]) -> dict[str, int]:
    """Each commitment's version, sent as `expected_version` with a resolution."""
    db, versions = views(), {}
    for r in items:
        cid = r["commitment_id"]
        if cid not in versions:
            row = board.commitment(db, cid)
            versions[cid] = row["version"] if row else 0
    return versions


def _context(back: str | None = None) -> dict[str, Any]:
    options = card_options(views())
    sections = _sections(options["department_names"])
    items = [r for s in sections for r in s.items]
    return {**options, "sections": sections, "versions": _versions(items), "back": back or this_page(),
            "view": ""}


@bp.route("/")
@login_required
def index() -> str:
    require_reader()
    catch_up()
    return page_or_fragment("roadblocks/index.html", "roadblocks/_sections.html", **_context())


def _item_context(commitment_id: UUID, roadblock_id: str, section: str) -> dict[str, Any]:
    db = views()
    r = queries.roadblock(db, str(commitment_id), roadblock_id, clock.today())
    if r is None:
        abort(404)
    back = same_site_path(request.form.get("next")) or url_for("roadblocks.index")
    options = card_options(db)
    counts = {s.key: sum(1 for i in s.items if i["is_open"])
              for s in _sections(options["department_names"])}
    return {**options, "r": r, "section": section, "back": back, "view": "",
            "versions": _versions([r]), "open_counts": counts}


@bp.route("/<uuid:commitment_id>/<roadblock_id>/resolution", methods=["POST"])
@login_required
def resolve(commitment_id: UUID, roadblock_id: str) -> str | Response | tuple[str, int]:
    """Resolve from this page: htmx gets the item back, a plain post a redirect."""
    require_reader()
    section = request.form.get("section", "all")
    back = same_site_path(request.form.get("next")) or url_for("roadblocks.index")
    return run_form(
        lambda: resolve_command(commitment_id, roadblock_id)(tracker(), current_user.id),
        page="roadblocks/index.html", fragment="roadblocks/_resolved.html",
        context=lambda: _item_context(commitment_id, roadblock_id, section)
        if wants_fragment() else _context(back),
        done="Roadblock resolved.", redirect_to=back,
        form_key=f"resolve-{section}-{roadblock_id}-{commitment_id}",
    )
