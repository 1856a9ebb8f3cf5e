"""Accountability per department and per owner: did they do what they said, by when they said?

Figures (every row carries all of them; `today` is the day you look):
- made: commitments made.
- open: not yet completed or withdrawn.
- kept: completed on or before the due date in force at completion.
- kept_on_original: kept, and completed on or before the ORIGINAL due date too (a subset of kept;
  a commitment completed after a pulled-in date is not kept, so not kept on the original either).
- late: completed after the due date in force at completion (kept + late = completed).
- missed: open, and the due date in force is before `today` (the board's "overdue").
- withdrawn: withdrawn.
- due_so_far: commitments whose original due date is on or before `today`, or that are completed.
- say_do: kept_on_original / due_so_far; None when nothing is due so far.
- due_date_moves: number of due-date moves, earlier and later alike.
- days_slipped: sum over moves of max(0, new date - previous date) in days; pulling a date in
  counts as a move but never as negative slip.
- roadblocks_raised / roadblocks_resolved: roadblocks on these commitments, raised / resolved (a
  roadblock resolved after completion still counts as resolved).
- median_days_to_resolve: median of (resolved instant - raised instant) in fractional days over
  the resolved roadblocks counted above (mean of the two middle values for an even count); None
  when none is resolved.
- contributed (per department only): commitments of other departments this department contributes
  to now (named a contributing department beside the owning one), open or closed.
- roadblocks_helped: per department, roadblocks on other departments' commitments resolved with
  this department named as `helped_by`; per owner, roadblocks this member resolved on commitments
  owned by somebody else.
- handovers (per department): handovers of its commitments; handovers_in / handovers_out (per
  owner): handovers to / from this member.

Per owner, a commitment (with its moves and roadblocks) counts for its owner at the time of its
outcome: whoever owned it when it was completed or withdrawn, or owns it now while it is open.
(Ownership cannot change once a commitment is closed, so this is its current owner.) Members who
only appear in handovers or as helpers are listed too, with zero commitments.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlite_utils import Database

from projections.views.accountability import ALL

# Every row in one statement: the figures the view keeps per key (`f`), plus the open
# commitments' share of those that depend on the day (`o`: missed, due so far), less the
# withdrawn ones whose original due date is still ahead (`w`: not due so far). `o` and `w` read
# partial covering indexes: only the open commitments and the withdrawn ones not yet due.
_DATED = """
    WITH o AS (SELECT {key} AS k, sum(due_date < :today) AS missed,
                      sum(original_due_date <= :today) AS due
               FROM accountability_commitments WHERE status = 'open'{only} GROUP BY {key}),
         w AS (SELECT {key} AS k, count(*) AS n FROM accountability_commitments
               WHERE status = 'withdrawn' AND original_due_date > :today{only} GROUP BY {key})
"""
_FIGURES = """
    coalesce(f.made, 0) AS made, coalesce(f.made - f.kept - f.late - f.withdrawn, 0) AS open,
    coalesce(f.kept, 0) AS kept, coalesce(f.kept_on_original, 0) AS kept_on_original,
    coalesce(f.late, 0) AS late, coalesce(o.missed, 0) AS missed,
    coalesce(f.withdrawn, 0) AS withdrawn,
    coalesce(f.kept + f.late + f.withdrawn, 0) + coalesce(o.due, 0) - coalesce(w.n, 0)
        AS due_so_far,
    coalesce(f.moves, 0) AS due_date_moves, coalesce(f.days_slipped, 0) AS days_slipped, {handovers},
    coalesce(f.raised, 0) AS roadblocks_raised, coalesce(f.resolved, 0) AS roadblocks_resolved,
    coalesce(f.helped, 0) AS roadblocks_helped, f.median_days_to_resolve{contributed}
"""
_JOINS = "LEFT JOIN o ON o.k = {key} LEFT JOIN w ON w.k = {key}"
# A member is listed with the commitments they own, their handovers either way, or their help.
_LISTED = "(f.made OR f.handovers_in OR f.handovers_out OR f.helped)"
_BY_DEPARTMENT = (
    _DATED.format(key="department", only="")
    + "SELECT d.slug AS department, d.name AS department_name, "
    + _FIGURES.format(handovers="coalesce(f.handovers_in, 0) AS handovers",
                     contributed=", coalesce(f.contributed, 0) AS contributed")
    + " FROM departments d LEFT JOIN accountability_figures f"
    " ON f.department = d.slug AND f.owner_id = :all "
    + _JOINS.format(key="d.slug") + " ORDER BY d.ordinal"
)
# Per owner, the page of owners is picked first (by name, `{limit}`), then only their open and
# withdrawn commitments are grouped and their figures joined: at thousands of owners, the page of
# 100 no longer groups, joins and sorts every owner's row.
_OWNERS_PAGE = (
    "WITH page AS (SELECT f.owner_id AS k, m.name AS owner_name, m.email AS owner_email"
    " FROM accountability_figures f LEFT JOIN members m ON m.id = f.owner_id"
    f" WHERE f.department = :department AND f.owner_id <> :all AND {_LISTED}"
    " ORDER BY coalesce(m.name, ''), f.owner_id{limit}),"
)
_PAGE_DATED = """
    o AS (SELECT owner_id AS k, sum(due_date < :today) AS missed,
                 sum(original_due_date <= :today) AS due
          FROM accountability_commitments WHERE status = 'open'{only}
          AND owner_id IN (SELECT k FROM page) GROUP BY owner_id),
    w AS (SELECT owner_id AS k, count(*) AS n FROM accountability_commitments
          WHERE status = 'withdrawn' AND original_due_date > :today{only}
          AND owner_id IN (SELECT k FROM page) GROUP BY owner_id)
"""
_BY_OWNER = {
    (scoped, limited): _OWNERS_PAGE.format(limit=" LIMIT :limit" if limited else "")
    + _PAGE_DATED.format(only=" AND department = :department" if scoped else "")
    + "SELECT p.k AS owner_id, p.owner_name, p.owner_email, "
    + _FIGURES.format(handovers="f.handovers_in, f.handovers_out", contributed="")
    + " FROM page p JOIN accountability_figures f ON f.department = :department AND f.owner_id = p.k "
    + _JOINS.format(key="p.k")
    + " ORDER BY coalesce(p.owner_name, ''), p.k"
    for scoped in (False, True) for limited in (False, True)
}


def by_department(db: Database, today: date) -> list[dict[str, Any]]:
    """One row per department of the plan, in the plan's order."""
    return _rows(db, _BY_DEPARTMENT, {"today": today.isoformat(), "all": ALL})


def by_owner(db: Database, today: date, department: str | None = None, *,
             limit: int | None = None) -> list[dict[str, Any]]:
    """One row per member who owns, handed over or helped with commitments, by name (the first
    `limit` of them: a large company has thousands); with `department`, only that department's
    commitments, handovers and roadblocks count."""
    sql = _BY_OWNER[department is not None, limit is not None]
    return _rows(db, sql, {
        "today": today.isoformat(), "all": ALL, "limit": limit,
        "department": ALL if department is None else department,
    })


def count_owners(db: Database, department: str | None = None) -> int:
    """How many rows `by_owner` has in all."""
    return db.execute(
        "SELECT count(*) FROM accountability_figures f WHERE f.department = :department"
        f" AND f.owner_id <> :all AND {_LISTED}",
        {"all": ALL, "department": ALL if department is None else department},
    ).fetchone()[0]


def _rows(db: Database, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows as dicts, with the say/do ratio."""
    found = db.execute(sql, params)
    names = [column[0] for column in found.description]
    rows = [dict(zip(names, row)) for row in found.fetchall()]
    for row in rows:
        due = row["due_so_far"]
        row["say_do"] = row["kept_on_original"] / due if due else None
    return rows
