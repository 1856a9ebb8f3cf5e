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

_FIGURES = """
    count(c.department) AS made,
    coalesce(sum(c.status = 'open'), 0) AS open,
    coalesce(sum(c.kept), 0) AS kept,
    coalesce(sum(c.kept_on_original), 0) AS kept_on_original,
    coalesce(sum(c.late), 0) AS late,
    coalesce(sum(c.status = 'open' AND c.due_date < :today), 0) AS missed,
    coalesce(sum(c.status = 'withdrawn'), 0) AS withdrawn,
    coalesce(sum(c.status = 'completed' OR c.original_due_date <= :today), 0) AS due_so_far,
    coalesce(sum(c.moves), 0) AS due_date_moves,
    coalesce(sum(c.days_slipped), 0) AS days_slipped
"""  # only columns of the view's covering indexes, so the GROUP BY never reads the table
_ZERO = {
    "made": 0, "open": 0, "kept": 0, "kept_on_original": 0, "late": 0, "missed": 0,
    "withdrawn": 0, "due_so_far": 0, "due_date_moves": 0, "days_slipped": 0,
}
_R = "accountability_roadblocks"
Counts = dict[str, tuple[Any, ...]]


def by_department(db: Database, today: date) -> list[dict[str, Any]]:
    """One row per department of the plan, in the plan's order."""
    rows = list(db.query(
        f"SELECT d.slug AS department, d.name AS department_name, {_FIGURES}"
        " FROM departments d LEFT JOIN accountability_commitments c ON c.department = d.slug"
        " GROUP BY d.slug ORDER BY d.ordinal",
        {"today": today.isoformat()},
    ))
    raised = _counts(db, f"SELECT department, count(*), count(days_to_resolve) FROM {_R}"
                     " GROUP BY department")
    helped = _counts(db, f"SELECT helped_by, count(*) FROM {_R}"
                     " WHERE helped_by IS NOT NULL GROUP BY helped_by")
    handovers = _counts(db, "SELECT department, count(*) FROM accountability_handovers"
                        " GROUP BY department")
    medians = _medians(db, "department", raised, "1", {})
    for row in rows:
        key = row["department"]
        row["handovers"] = handovers.get(key, (0,))[0]
        _add_roadblocks(row, raised.get(key), helped.get(key), medians.get(key))
    return rows


def by_owner(db: Database, today: date, department: str | None = None) -> list[dict[str, Any]]:
    """One row per member who owns, handed over or helped with commitments, by name; with
    `department`, only that department's commitments, handovers and roadblocks count."""
    params: dict[str, Any] = {"today": today.isoformat(), "department": department}
    only = "1" if department is None else "department = :department"
    figures = {
        row.pop("owner_id"): row
        for row in db.query(
            f"SELECT owner_id, {_FIGURES} FROM accountability_commitments c"
            f" WHERE {only} GROUP BY owner_id",
            params,
        )
    }
    ins = _counts(db, "SELECT to_owner, count(*) FROM accountability_handovers"
                  f" WHERE {only} GROUP BY to_owner", params)
    outs = _counts(db, "SELECT from_owner, count(*) FROM accountability_handovers"
                   f" WHERE {only} GROUP BY from_owner", params)
    raised = _counts(db, f"SELECT owner_id, count(*), count(days_to_resolve) FROM {_R}"
                     f" WHERE {only} GROUP BY owner_id", params)
    helped = _counts(db, f"SELECT resolved_by, count(*) FROM {_R} WHERE resolved_by IS NOT NULL"
                     f" AND resolved_by <> owner_id AND {only} GROUP BY resolved_by", params)
    medians = _medians(db, "owner_id", raised, only, params)
    owners = set(figures) | set(ins) | set(outs) | set(helped)
    names = _members(db)
    rows = []
    for owner in owners:
        name, email = names.get(owner, (None, None))
        row = {"owner_id": owner, "owner_name": name, "owner_email": email,
               **figures.get(owner, _ZERO)}
        row["handovers_in"] = ins.get(owner, (0,))[0]
        row["handovers_out"] = outs.get(owner, (0,))[0]
        _add_roadblocks(row, raised.get(owner), helped.get(owner), medians.get(owner))
        rows.append(row)
    return sorted(rows, key=lambda r: (r["owner_name"] or "", r["owner_id"]))


def _add_roadblocks(
    row: dict[str, Any], raised: tuple[Any, ...] | None, helped: tuple[Any, ...] | None,
    median: float | None,
) -> None:
    """Add the roadblock figures and the say/do ratio to a row of commitment figures."""
    row["roadblocks_raised"], row["roadblocks_resolved"] = raised or (0, 0)
    row["roadblocks_helped"] = helped[0] if helped else 0
    row["median_days_to_resolve"] = median
    row["say_do"] = row["kept_on_original"] / row["due_so_far"] if row["due_so_far"] else None


def _counts(db: Database, sql: str, params: dict[str, Any] | None = None) -> Counts:
    """Rows of (key, figure, ...) as key -> (figure, ...)."""
    return {row[0]: tuple(row[1:]) for row in db.execute(sql, params or {}).fetchall()}


def _medians(
    db: Database, key: str, raised: Counts, where: str, params: dict[str, Any]
) -> dict[str, float]:
    """Median days to resolve per key: knowing each key's count of resolved roadblocks, read
    just the middle one or two durations in index order (no sort, no window over everything)."""
    medians = {}
    for value, (_, resolved) in raised.items():
        if resolved:
            middle = [row[0] for row in db.execute(
                f"SELECT days_to_resolve FROM {_R} WHERE {key} = :key AND {where}"
                " AND days_to_resolve IS NOT NULL ORDER BY days_to_resolve"
                " LIMIT :take OFFSET :skip",
                {**params, "key": value, "take": 2 - resolved % 2, "skip": (resolved - 1) // 2},
            ).fetchall()]
            medians[value] = sum(middle) / len(middle)
    return medians


def _members(db: Database) -> dict[str, tuple[str, str]]:
    """id -> (name, e-mail) of every member (a few hundred at most)."""
    return {
        row[0]: (row[1], row[2])
        for row in db.execute("SELECT id, name, email FROM members").fetchall()
    }
