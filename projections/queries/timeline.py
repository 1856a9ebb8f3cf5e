"""The timeline, newest first, filtered and keyset-paginated on the log position.

Pass a page's `next_before` as `before` to get the next (older) page: every row appears on
exactly one page even while new events arrive, since positions never change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlite_utils import Database

from projections.instants import end_of, start_of
from projections.queries.board import rows

MAX_LIMIT = 500


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]  # timeline rows, newest first; `details` decoded from JSON
    next_before: int | None  # cursor for the next (older) page; None on the last page


def timeline_page(
    db: Database, *, department: str | None = None, journey: str | None = None,
    commitment: UUID | str | None = None, actor: UUID | str | None = None,
    kind: str | None = None, since: datetime | date | str | None = None,
    until: datetime | date | str | None = None, before: int | None = None, limit: int = 50,
) -> Page:
    """Rows matching every given filter, newest first. `since`/`until` bound the event's time,
    both inclusive; a date means the whole day (UTC). `before` is an exclusive position cursor."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be from 1 to {MAX_LIMIT}")
    where = ["1 = 1"]
    params: dict[str, Any] = {"limit": limit + 1}
    for column, value in (
        ("department", department), ("journey", journey), ("commitment_id", commitment),
        ("actor_id", actor), ("kind", kind),
    ):
        if value is not None:
            where.append(f"{column} = :{column}")
            params[column] = str(value)
    if since is not None:
        where.append("at >= :since")
        params["since"] = start_of(since)
    if until is not None:
        bound, inclusive = end_of(until)
        where.append("at <= :until" if inclusive else "at < :until")
        params["until"] = bound
    if before is not None:
        where.append("position < :before")
        params["before"] = int(before)
    found = rows(
        db, f"SELECT * FROM timeline WHERE {' AND '.join(where)}"
        " ORDER BY position DESC LIMIT :limit", params,
    )
    current = {slug: name for slug, name in db.execute(
        "SELECT slug, name FROM departments")} if any(r["department"] for r in found) else {}
    for row in found:
        row["details"] = json.loads(row["details"])
        row["department_label"] = department_label(
            current.get(row["department"]), row["department_name"]) if row["department"] else None
    more = len(found) > limit
    found = found[:limit]
    return Page(found, found[-1]["position"] if more else None)


def department_label(now: str | None, then: str | None) -> str:
    """A department as a row about the past names it: "Customer Care (then Customer Service)"
    when it has been renamed since, else its one name."""
    if now is None or then is None or now == then:
        return now or then or ""
    return f"{now} (then {then})"
