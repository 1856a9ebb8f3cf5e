"""The board as it stood at any instant or log position, and each commitment's story.

An instant includes every event stamped at or before it; its health is judged on the instant's
UTC date. Both "as of" queries are index searches on `commitment_history` (see
`projections.views.history`), not replays.

The whole board as of an instant holds every commitment made by then (tens of thousands after
years); the board page shows what the live board showed then: the open ones and those closed
recently (`closed_since`), with the older closed ones counted (`closed_counts_as_of`). Those read
`commitment_spans`: the few candidates by index, then each one's state at the instant.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlite_utils import Database

from projections.audit import closed_snapshots
from projections.health import health_sql
from projections.instants import instant_text, parse_instant
from projections.queries.board import CLOSED, ORDER_BY, rows, with_health
from projections.views.history import STATE

# The board's columns, as of a past state: the state itself, the immutable texts from
# `commitments`, and the event that produced the state as the last one.
AS_OF_COLUMNS = ", ".join(
    ["h.commitment_id AS id", *(f"h.{c}" for c in STATE), "c.made_at",
     "c.made_by", "h.valid_from AS last_event_at", "h.version"]
)
# The same from a state `h` and its commitment's span `s` (which keeps the immutable texts).
SPAN_COLUMNS = AS_OF_COLUMNS.replace("c.made_", "s.made_")
# The state valid at :t of the commitment of span `s`: its latest starting by then.
STATE_THEN = ("commitment_history h ON h.valid_from_position = ("
              "SELECT x.valid_from_position FROM commitment_history x INDEXED BY history_made"
              " WHERE x.made_position = s.made_position AND x.valid_from <= :t"
              " ORDER BY x.valid_from_position DESC LIMIT 1)")


def board_as_of(
    db: Database, instant: datetime | str, *, department: str | None = None,
    closed_since: date | None = None,
) -> list[dict[str, Any]]:
    """The board (same rows and order as `queries.board.board`) as it stood at `instant`: every
    commitment made by then. With `closed_since`, as `queries.board.board(closed_since=...)`
    then: the open ones, and closed ones only when completed on or after that day or withdrawn
    with their last event by then on or after it."""
    moment = parse_instant(instant)
    params: dict[str, Any] = {"t": instant_text(moment), "today": moment.date().isoformat()}
    if closed_since is not None:
        return _recent_board(db, params, department, closed_since)
    where = "h.valid_from <= :t AND (h.valid_to IS NULL OR h.valid_to > :t)"
    if department is not None:
        where += " AND h.department = :department"
        params["department"] = department
    return _board(db, where, params)


# What the as-of dashboard reads of each commitment open then (`open_as_of`).
OpenThen = tuple[int, str, str | None, str, int]


def open_as_of(db: Database, instant: datetime | str) -> list[OpenThen]:
    """The commitments open at `instant` (the open ones of `board_as_of(closed_since=...)`),
    narrowly: (the position of their state then, department, journey, health then, due date
    moves), in no particular order; `states_as_of` reads the whole rows of the few a page lists.
    Any commitment open at t closes, if ever, on or after t's date, so the candidates are those
    `board_as_of` finds with `closed_since` that date."""
    moment = parse_instant(instant)
    return db.execute(
        f"SELECT h.valid_from_position, h.department, h.journey, {health_sql(':today', 'h.')},"
        f" h.due_date_moves FROM commitment_spans s JOIN {STATE_THEN}"
        " WHERE s.made_at <= :t AND (s.closed_day IS NULL OR s.closed_day >= :today)"
        " AND h.status = 'open'",
        {"t": instant_text(moment), "today": moment.date().isoformat()},
    ).fetchall()


def states_as_of(db: Database, instant: datetime | str, positions: list[int]
                 ) -> list[dict[str, Any]]:
    """The board's rows (as `board_as_of` reads them, in its order, health judged on the date of
    `instant`) of the states at `positions`."""
    source = (
        f"(SELECT {SPAN_COLUMNS} FROM commitment_history h"
        " JOIN commitment_spans s ON s.commitment_id = h.commitment_id"
        " WHERE h.valid_from_position IN (SELECT value FROM json_each(:positions)))"
    )
    return rows(db, f"SELECT * FROM ({with_health(source)}) {ORDER_BY}",
                {"positions": json.dumps(positions),
                 "today": parse_instant(instant).date().isoformat()})


def closed_counts_as_of(
    db: Database, instant: datetime | str, *, department: str | None = None
) -> list[tuple[str, str | None, str, int]]:
    """Commitments closed (completed or withdrawn) at `instant`, as (department, journey then,
    final health, how many): every one, however long ago. As `queries.board.closed_counts`, then.
    From the snapshot of the instant's month and the changes since (`audit.closed_snapshots`)."""
    return closed_snapshots.counted_as_of(db, instant_text(parse_instant(instant)), department)


def closed_counts_by_department(
    counted: list[tuple[str, str | None, str, int]]
) -> dict[str, dict[str, int]]:
    """`closed_counts_as_of` per department: {department: {health: n}}, every closed health."""
    found: dict[str, dict[str, int]] = {}
    for department, _, health, n in counted:
        counts = found.setdefault(department, dict.fromkeys(CLOSED, 0))
        counts[health] += n
    return found


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


def _recent_board(db: Database, params: dict[str, Any], department: str | None,
                  closed_since: date) -> list[dict[str, Any]]:
    """The candidates from `commitment_spans` (made by then, and not closed before
    `closed_since`, nor before the instant's day: open then), each at its latest state by then."""
    params["since"] = closed_since.isoformat()
    params["candidates_since"] = min(params["since"], params["today"])
    where = "s.made_at <= :t AND (s.closed_day IS NULL OR s.closed_day >= :candidates_since)"
    if department is not None:
        where += " AND s.department = :department"
        params["department"] = department
    source = (
        f"(SELECT {SPAN_COLUMNS} FROM commitment_spans s JOIN {STATE_THEN} WHERE {where}"
        " AND (h.status = 'open' OR h.completed_on >= :since"
        "      OR (h.status = 'withdrawn' AND h.valid_from >= :since)))"
    )
    return rows(db, f"SELECT * FROM ({with_health(source)}) {ORDER_BY}", params)


def _board(db: Database, where: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    source = (
        f"(SELECT {AS_OF_COLUMNS} FROM commitment_history h"
        f" JOIN commitments c ON c.id = h.commitment_id WHERE {where})"
    )
    return rows(db, f"SELECT * FROM ({with_health(source)}) {ORDER_BY}", params)
