"""Accountability per department and per owner: did they do what they said, by when they said?
Every figure of `projections.queries.accountability`, sortable by `?sort=<figure>&order=asc|desc`;
`?department=` narrows the per-owner table, which shows its first OWNERS_SHOWN (app config) rows in that order
(a large company has thousands of owners) and all of them with `?owners=all`. The tables show the
key figures (`KEY_FIGURES`, and the one sorted by) unless `?columns=all` asks for every one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from flask_login import current_user

from projections.queries import accountability, directory
from tracker import clock
from web.access import overview_readers_only
from web.render import page_or_fragment
from web.services import catch_up, views
from web.settings import shown

bp = Blueprint("accountability", __name__, url_prefix="/accountability")

# (figure, column heading, explanation) in the order the tables show them.
FIGURES = [
    ("say_do", "Say/do", "kept on the original date ÷ due so far"),
    ("made", "Made", "commitments made"),
    ("open", "Open", "not yet completed or withdrawn"),
    ("due_so_far", "Due so far", "originally due by today, or completed"),
    ("kept", "Kept", "completed by the due date in force then"),
    ("kept_on_original", "Kept on original date", "completed by the date first promised"),
    ("late", "Late", "completed after the due date"),
    ("missed", "Missed", "open and past the due date"),
    ("withdrawn", "Withdrawn", "withdrawn"),
    ("due_date_moves", "Date moves", "due-date moves, earlier or later"),
    ("days_slipped", "Days slipped", "days the due dates were pushed out, in all"),
    ("handovers", "Handovers", "commitments handed to another owner"),
    ("handovers_in", "Handed in", "commitments handed to this member"),
    ("handovers_out", "Handed out", "commitments this member handed on"),
    ("roadblocks_raised", "Roadblocks raised", "roadblocks on these commitments"),
    ("roadblocks_resolved", "Resolved", "of those, resolved"),
    ("roadblocks_helped", "Helped others", "other departments' (members') roadblocks resolved"),
    ("contributed", "Contributed to", "other departments' commitments it contributes to"),
    ("median_days_to_resolve", "Median days to resolve", "median time from raised to resolved"),
]
KEY_FIGURES = ("say_do", "made", "open", "kept", "late", "missed", "days_slipped", "roadblocks_raised",
               "contributed")
NAME = {"department": "department_name", "owner": "owner_name"}


def columns(table: str, every: bool = True, sort: str | None = None) -> list[tuple[str, str, str]]:
    """The table's figures: all of them, or the key ones and the one sorted by."""
    skip = {"handovers_in", "handovers_out"} if table == "department" else {"handovers", "contributed"}
    return [f for f in FIGURES if f[0] not in skip and (every or f[0] in KEY_FIGURES or f[0] == sort)]


def sorted_rows(rows: list[dict[str, Any]], table: str, sort: str | None, descending: bool
                ) -> list[dict[str, Any]]:
    """Rows by the figure (or "name"); missing figures (None) always last. Unknown: as given."""
    key = NAME[table] if sort == "name" else sort
    if key is None or key not in (rows[0] if rows else {}):
        return rows
    present = [r for r in rows if r[key] is not None]
    absent = [r for r in rows if r[key] is None]
    present.sort(key=lambda r: (r[key], str(r.get(NAME[table]) or "")), reverse=descending)
    return present + absent


@bp.route("/")
@overview_readers_only
def index() -> str:
    catch_up()
    db = views()
    today = clock.today()
    names = directory.department_names(db)
    if "department" in request.args:
        department = request.args["department"] or None
    else:  # a lead lands on their own department's owners; the others on every owner
        department = next(iter(current_user.lead_departments), None) if not current_user.is_overseer else None
    if department not in names:
        department = None
    sort = request.args.get("sort") or None
    descending = request.args.get("order", "desc" if sort != "name" else "asc") != "asc"
    all_owners = request.args.get("owners") == "all"
    every = request.args.get("columns") == "all"
    if sort is None and not all_owners:  # the first owners by name: no need to read them all
        owners = accountability.by_owner(db, today, department, limit=shown("OWNERS_SHOWN"))
        owners_total = accountability.count_owners(db, department)
    else:
        owners = sorted_rows(accountability.by_owner(db, today, department), "owner", sort, descending)
        owners_total = len(owners)
    return page_or_fragment(
        "accountability/index.html", "accountability/_tables.html",
        departments=sorted_rows(accountability.by_department(db, today), "department", sort, descending),
        owners=owners if all_owners else owners[:shown("OWNERS_SHOWN")], owners_total=owners_total,
        all_owners=all_owners,
        department_columns=columns("department", every, sort), owner_columns=columns("owner", every, sort),
        all_columns=every, glossary=FIGURES,
        sort=sort, descending=descending, department=department, today=today,
        department_options=sorted(names.items(), key=lambda kv: kv[1]), department_names=names,
    )
