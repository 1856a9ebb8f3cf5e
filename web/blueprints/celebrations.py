"""The celebrations wall: celebrations and completed commitments (wins), newest first.
Every member with a role sees it: celebrating crosses silos on purpose."""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import login_required

from projections.queries import celebrations, directory
from web.access import require_reader
from web.params import PAGE_MAX, whole_number
from web.render import page_or_fragment
from web.services import catch_up, views
from web.settings import shown

bp = Blueprint("celebrations", __name__, url_prefix="/celebrations")



@bp.route("/")
@login_required
def index() -> str:
    require_reader()
    catch_up()
    db = views()
    names = directory.department_names(db)
    department = request.args.get("department") or None
    if department not in names:
        department = None
    page = whole_number("page", maximum=PAGE_MAX) or 1
    size = shown("CELEBRATIONS_PAGE_SIZE")
    found = celebrations.wall(db, department=department, include_wins=True,
                              limit=size + 1, offset=(page - 1) * size)
    return page_or_fragment(
        "celebrations/index.html", "celebrations/_wall.html",
        items=found[:size], more=len(found) > size, page_number=page, department=department,
        department_options=sorted(names.items(), key=lambda kv: kv[1]), department_names=names,
    )
