"""The board as it stood at any instant or log position, and each commitment's story.

An instant includes every event stamped at or before it; its health is judged on the instant's
UTC date. Both "as of" queries are index searches on `commitment_history` (see
`projections.views.history`), not replays.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlite_utils import Database

from projections.health import health_sql
from projections.instants import instant_text, parse_instant
from projections.queries.board import ORDER_BY, rows, with_health
from projections.views.history import STATE

# The board's columns, as of a past state: the state itself, the immutable texts from
# `commitments`, and the event that produced the state as the last one.
AS_OF_COLUMNS = ", ".join(
    ["h.commitment_id AS id", *(f"h.{c}" for c in STATE), "c.description", "c.made_at",
     "c.made_by", "h.valid_from AS last_event_at", "h.version"]
)


def board_as_of(
    db: Database, instant: datetime | str, *, department: str | None = None
) -> list[dict[str, Any]]:
    """The board (same rows and order as `queries.board.board`) as it stood at `instant`."""
    moment = parse_instant(instant)
    params: dict[str, Any] = {"t": instant_text(moment), "today": moment.date().isoformat()}
    where = "h.valid_from <= :t AND (h.valid_to IS NULL OR h.valid_to > :t)"
    if department is not None:
        where += " AND h.department = :department"
        params["department"] = department
    return _board(db, where, params)


def board_as_of_position(
    db: Database, position: int, *, today: date | None = None
) -> list[dict[str, Any]]:
    """The board right after event #`position` (0: before any event). Health is judged on
    `today`, by default the date of that event."""
    if today is None:
        found = db.execute(
            "SELECT at FROM timeline WHERE position <= ? ORDER BY position DESC LIMIT 1", [position]
        ).fetchone()
        if found is None:
            return []
        today = datetime.fromisoformat(found[0]).date()
    where = (
        "h.valid_from_position <= :n AND (h.valid_to_position IS NULL OR h.valid_to_position > :n)"
    )
    return _board(db, where, {"n": position, "today": today.isoformat()})


def commitment_story(db: Database, commitment_id: UUID | str) -> list[dict[str, Any]]:
    """Every state of one commitment, oldest first: the state columns, `event_kind` and
    `version` of the event that produced it, its validity, and `health` on the day it began."""
    today = "date(substr(h.valid_from, 1, 10))"
    return rows(
        db,
        f"SELECT h.*, {health_sql(today, 'h.')} AS health FROM commitment_history h"
        " WHERE h.commitment_id = :id ORDER BY h.valid_from_position",
        {"id": str(commitment_id)},
    )


def _board(db: Database, where: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    source = (
        f"(SELECT {AS_OF_COLUMNS} FROM commitment_history h"
        f" JOIN commitments c ON c.id = h.commitment_id WHERE {where})"
    )
    return rows(db, f"SELECT * FROM ({with_health(source)}) {ORDER_BY}", params)
