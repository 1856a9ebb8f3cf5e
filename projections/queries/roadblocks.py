"""Roadblocks: open or resolved, how old, which departments were asked for help, which helped.

Age is in whole calendar days (UTC): an open roadblock is `today - day raised` days old; a
resolved one was open `day resolved - day raised` days.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal

from sqlite_utils import Database

State = Literal["open", "resolved"]

_SELECT_OF = """
SELECT r.commitment_id, {commitment}, r.roadblock_id, r.description,
    r.raised_at, r.raised_by, raiser.name AS raised_by_name,
    {resolution},
    (SELECT json_group_array(json_object('department', h.department,
                                         'requested_at', h.requested_at,
                                         'requested_by', h.requested_by))
     FROM (SELECT * FROM roadblock_help h WHERE h.commitment_id = r.commitment_id
           AND h.roadblock_id = r.roadblock_id{help_then} ORDER BY h.position) h) AS help_requested
FROM roadblocks r
LEFT JOIN members raiser ON raiser.id = r.raised_by
{joins}
"""
_SELECT = _SELECT_OF.format(
    commitment="r.title, r.department", help_then="",
    resolution="r.resolved_at, r.resolved_by, resolver.name AS resolved_by_name, r.resolution,"
               " r.helped_by",
    joins="LEFT JOIN members resolver ON resolver.id = r.resolved_by",
)
# The same columns as the roadblocks stood at log position :p, for those open then (the as-of
# pages, `projections.audit.as_of`): not yet resolved, the help asked by then, and the
# commitment's title and department then (a later correction or move must not rename the past).
_SELECT_THEN = _SELECT_OF.format(
    commitment="coalesce(state_then.title, r.title) AS title,"
               " coalesce(state_then.department, r.department) AS department",
    help_then=" AND h.position <= :p",
    resolution="NULL AS resolved_at, NULL AS resolved_by, NULL AS resolved_by_name,"
               " NULL AS resolution, NULL AS helped_by",
    joins="LEFT JOIN commitment_history state_then ON state_then.valid_from_position = ("
          " SELECT max(h.valid_from_position) FROM commitment_history h"
          " WHERE h.commitment_id = r.commitment_id AND h.valid_from_position <= :p)",
)


def roadblocks(
    db: Database, today: date, *, state: State | None = None, department: str | None = None,
    asked: str | None = None, helped_by: str | None = None, commitment_id: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Roadblocks in the order they were raised, filtered by state, by the commitment's
    department, by a department asked for help, by the department that helped, or by commitment."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if state == "open":
        where.append("r.resolved_at IS NULL")
    elif state == "resolved":
        where.append("r.resolved_at IS NOT NULL")
    elif state is not None:
        raise ValueError(f"state must be 'open', 'resolved' or None, not {state!r}")
    if department is not None:
        where.append("r.department = :department")
        params["department"] = department
    if asked is not None:
        where.append(
            "EXISTS (SELECT 1 FROM roadblock_help a WHERE a.commitment_id = r.commitment_id"
            " AND a.roadblock_id = r.roadblock_id AND a.department = :asked)"
        )
        params["asked"] = asked
    if helped_by is not None:
        where.append("r.helped_by = :helped_by")
        params["helped_by"] = helped_by
    if commitment_id is not None:
        where.append("r.commitment_id = :commitment_id")
        params["commitment_id"] = str(commitment_id)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY r.position"
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [_shaped(row, today) for row in db.query(sql, params)]


def oldest_open(
    db: Database, today: date, limit: int, *, asking_help: bool = False
) -> tuple[list[dict[str, Any]], int]:
    """The `limit` open roadblocks open longest (most days open first, then in the order raised)
    and how many are open in all; with `asking_help`, only those where another department's help
    was asked. Only the rows shown are shaped."""
    # Pick the rows shown first, so names and help requests are looked up for them only.
    order = "ORDER BY min(substr(r.raised_at, 1, 10), :today), r.position"
    where = "r.resolved_at IS NULL" + (_ASKING_HELP if asking_help else "")
    rows = [_shaped(row, today) for row in db.query(
        _SELECT + " WHERE r.position IN (SELECT r.position FROM roadblocks r"
        f" WHERE {where} {order} LIMIT :limit) {order}",
        {"today": today.isoformat(), "limit": limit},
    )]
    total = db.execute(f"SELECT count(*) FROM roadblocks r WHERE {where}").fetchone()[0]
    return rows, total


_ASKING_HELP = (
    " AND EXISTS (SELECT 1 FROM roadblock_help h"
    " WHERE h.commitment_id = r.commitment_id AND h.roadblock_id = r.roadblock_id)"
)


def open_then(db: Database, today: date, where: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The roadblocks matching `where` as they stood at log position `params["p"]`, taken as open
    then (`where` picks those), in the order raised, shaped as `roadblocks` with their age on
    `today`."""
    return [_shaped(row, today) for row in db.query(
        _SELECT_THEN + f" WHERE {where} ORDER BY r.position", params)]


def roadblock(
    db: Database, commitment_id: str, roadblock_id: str, today: date
) -> dict[str, Any] | None:
    rows = list(db.query(
        _SELECT + " WHERE r.commitment_id = ? AND r.roadblock_id = ?",
        [str(commitment_id), roadblock_id],
    ))
    return _shaped(rows[0], today) if rows else None


def _shaped(row: dict[str, Any], today: date) -> dict[str, Any]:
    row["help_requested"] = json.loads(row["help_requested"])
    row["is_open"] = row["resolved_at"] is None
    raised = datetime.fromisoformat(row["raised_at"]).date()
    until = today if row["is_open"] else datetime.fromisoformat(row["resolved_at"]).date()
    row["days_open"] = max(0, (until - raised).days)
    return row
