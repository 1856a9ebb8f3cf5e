"""The celebrations wall, newest first.

Every item has the same keys: kind ("celebration" or "win"), commitment_id, title, department,
department_name, who (member id), who_name, at (ISO instant), message. A celebration's message is
what was said; a win's is the completion evidence, with completed_on and on_time (completed on or
before the due date in force then), which are None for celebrations. `who` of a win is the member
who recorded the completion.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

_END = 2**63 - 1  # `until` when not given: a range bound keeps the position index in use
_CELEBRATIONS = """
SELECT 'celebration' AS kind, c.position, c.commitment_id, c.title, c.department,
    c.celebrated_by AS who, c.celebrated_at AS at, c.message,
    NULL AS completed_on, NULL AS on_time
FROM celebrations c WHERE (:department IS NULL OR c.department = :department)
    AND c.position <= :until
"""
_WINS = """
SELECT 'win' AS kind, w.position, w.commitment_id, w.title, w.department,
    w.completed_by AS who, w.completed_at AS at, w.evidence AS message,
    w.completed_on, w.on_time
FROM wins w WHERE (:department IS NULL OR w.department = :department)
    AND w.position <= :until
"""


def wall(
    db: Database, *, department: str | None = None, include_wins: bool = False,
    limit: int = 50, offset: int = 0, until: int | None = None,
) -> list[dict[str, Any]]:
    """Celebrations (and, with `include_wins`, completions), newest first; with `until` (a log
    position), only those recorded by then (the wall as of an instant)."""
    # Each branch takes only its newest limit + offset rows (by its position index) before the
    # merge, so the wall never sorts everything ever celebrated.
    branch = "SELECT * FROM (SELECT * FROM ({}) ORDER BY position DESC LIMIT :limit + :offset)"
    source = branch.format(_CELEBRATIONS) + (
        " UNION ALL " + branch.format(_WINS) if include_wins else ""
    )
    rows = list(db.query(
        f"""SELECT i.kind, i.commitment_id, i.title, i.department, d.name AS department_name,
                i.who, m.name AS who_name, i.at, i.message, i.completed_on, i.on_time
            FROM ({source}) i
            LEFT JOIN departments d ON d.slug = i.department
            LEFT JOIN members m ON m.id = i.who
            ORDER BY i.position DESC LIMIT :limit OFFSET :offset""",
        {"department": department, "limit": limit, "offset": offset, "until": _END if until is None else until},
    ))
    for row in rows:
        if row["on_time"] is not None:
            row["on_time"] = bool(row["on_time"])
    return rows
