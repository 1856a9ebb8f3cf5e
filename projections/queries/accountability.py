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

# Each key's figures are the closed commitments' running totals (see the view) plus the open
# commitments' share, less the withdrawn ones whose original due date is still ahead (not yet due
# so far). `{only}` limits every part to one department.
_PARTS = """
    SELECT department, owner_id, made, 0 AS open, kept, kept_on_original, late, 0 AS missed,
           withdrawn, kept + late + withdrawn AS due_so_far, moves, days_slipped
    FROM accountability_closed WHERE {only}
    UNION ALL
    SELECT department, owner_id, 1, 1, 0, 0, 0, due_date < :today, 0, original_due_date <= :today,
           moves, days_slipped
    FROM accountability_commitments WHERE status = 'open' AND {only}
    UNION ALL
    SELECT department, owner_id, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0
    FROM accountability_commitments
    WHERE status = 'withdrawn' AND original_due_date > :today AND {only}
"""
_SUMS = ", ".join(f"sum({name})" for name in (
    "made", "open", "kept", "kept_on_original", "late", "missed", "withdrawn", "due_so_far",
    "moves", "days_slipped"))
_ZERO = {
    "made": 0, "open": 0, "kept": 0, "kept_on_original": 0, "late": 0, "missed": 0,
    "withdrawn": 0, "due_so_far": 0, "due_date_moves": 0, "days_slipped": 0,
}
_R = "accountability_roadblocks"
Counts = dict[str, tuple[Any, ...]]


def by_department(db: Database, today: date) -> list[dict[str, Any]]:
    """One row per department of the plan, in the plan's order."""
    figures = _figures(db, "department", today, None)
    raised, helped, medians = _roadblock_figures(db, "department")
    handovers = _counts(db, "SELECT department, count(*) FROM accountability_handovers"
                        " GROUP BY department")
    rows = []
    for key, name in db.execute("SELECT slug, name FROM departments ORDER BY ordinal"):
        row = {"department": key, "department_name": name, **figures.get(key, _ZERO)}
        row["handovers"] = handovers.get(key, (0,))[0]
        _add_roadblocks(row, raised.get(key), helped.get(key), medians.get(key))
        rows.append(row)
    return rows


def by_owner(db: Database, today: date, department: str | None = None) -> list[dict[str, Any]]:
    """One row per member who owns, handed over or helped with commitments, by name; with
    `department`, only that department's commitments, handovers and roadblocks count."""
    params: dict[str, Any] = {"today": today.isoformat(), "department": department}
    only = "1" if department is None else "department = :department"
    figures = _figures(db, "owner_id", today, department)
    ins = _counts(db, "SELECT to_owner, count(*) FROM accountability_handovers"
                  f" WHERE {only} GROUP BY to_owner", params)
    outs = _counts(db, "SELECT from_owner, count(*) FROM accountability_handovers"
                   f" WHERE {only} GROUP BY from_owner", params)
    if department is None:
        raised, helped, medians = _roadblock_figures(db, "owner_id")
    else:  # one department's roadblocks, counted at read time
        raised = _counts(db, f"SELECT owner_id, count(*), count(days_to_resolve) FROM {_R}"
                         f" WHERE {only} GROUP BY owner_id", params)
        helped = _counts(db, f"SELECT resolved_by, count(*) FROM {_R} WHERE"
                         f" resolved_by IS NOT NULL AND resolved_by <> owner_id AND {only}"
                         " GROUP BY resolved_by", params)
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


def _figures(db: Database, key: str, today: date, department: str | None
             ) -> dict[str, dict[str, Any]]:
    """The commitment figures per `key` ("department" or "owner_id"), optionally of one
    department only."""
    only = "1" if department is None else "department = :department"
    found = {}
    for row in db.execute(
        f"SELECT {key}, {_SUMS} FROM ({_PARTS.format(only=only)}) GROUP BY {key}",
        {"today": today.isoformat(), "department": department},
    ):
        found[row[0]] = dict(zip(_ZERO, row[1:]))
    return found


def _roadblock_figures(db: Database, scope: str) -> tuple[Counts, Counts, dict[str, float]]:
    """The view's roadblock figures per department or owner (`scope`): (raised, resolved),
    (helped,) and the median days to resolve, keyed as `_counts` keys them."""
    raised, helped, medians = {}, {}, {}
    for key, n_raised, n_resolved, median, n_helped in db.execute(
        "SELECT key, raised, resolved, median_days_to_resolve, helped"
        " FROM accountability_roadblock_figures WHERE scope = ?", [scope]
    ):
        if n_raised:
            raised[key] = (n_raised, n_resolved)
        if n_helped:
            helped[key] = (n_helped,)
        if median is not None:
            medians[key] = median
    return raised, helped, medians


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
