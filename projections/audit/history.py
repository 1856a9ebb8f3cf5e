"""The event history as an auditor reads it: every event with who, when, what, and its
field-level changes (see `projections.audit.changes`), filtered and keyset-paged on the log
position.

Filters are checked against the plan first (`check_filters`): an unknown department, member,
commitment or kind is an error, not an empty result.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlite_utils import Database

from projections.audit.changes import commitment_changes, detail_changes, states_around
from projections.audit.instants import OUTSIDE, parse_audit_instant, parse_day
from projections.instants import end_of, instant_text, start_of
from projections.views.timeline import SUMMARIES

# How a period's bounds are written: a date alone means the whole of that day.
PERIOD_FORMS = {
    "since": "YYYY-MM-DD (from the start of that day, UTC), YYYY-MM-DDTHH:MM[:SS] (UTC) or with"
             " an offset",
    "until": "YYYY-MM-DD (to the end of that day, UTC), YYYY-MM-DDTHH:MM[:SS] (UTC) or with"
             " an offset",
}
KINDS = tuple(key.split(".", 1)[1] for key in SUMMARIES)
MAX_LIMIT = 500

_SELECT = """SELECT t.position, t.at, t.actor_id, t.actor_name, m.email AS actor_email,
    t.department, t.commitment_id, t.commitment_title, t.kind, t.aggregate, t.summary, t.details
FROM timeline t LEFT JOIN members m ON m.id = t.actor_id"""


class BadFilter(ValueError):
    """A filter that names nothing in the plan, or is not well formed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Filters:
    department: str | None = None
    commitment: str | None = None
    actor: str | None = None  # member id
    kind: str | None = None
    since: str | None = None  # stored instant text, inclusive
    until: str | None = None  # stored instant text
    until_inclusive: bool = True


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]  # newest first
    next_before: int | None  # cursor for the next (older) page; None on the last page


def check_filters(
    db: Database, *, department: str | None = None, commitment: str | None = None,
    actor_email: str | None = None, actor_id: str | None = None, kind: str | None = None,
    since: str | None = None, until: str | None = None,
) -> Filters:
    """Filters from text, each checked; raises BadFilter for the first bad one. A date in
    `since` means the start of that day and in `until` the end of it (UTC); date-times without
    an offset are UTC."""
    if department and not _exists(db, "SELECT 1 FROM departments WHERE slug = ?", department):
        raise BadFilter("department", f"no department {department!r} in this plan")
    if commitment:
        try:
            commitment = str(UUID(commitment))
        except ValueError:
            raise BadFilter("commitment", f"{commitment!r} is not a commitment id") from None
        if not _exists(db, "SELECT 1 FROM commitments WHERE id = ?", commitment):
            raise BadFilter("commitment", f"no commitment {commitment}")
    if actor_email:
        if "@" not in actor_email or " " in actor_email.strip():
            raise BadFilter("actor", f"{actor_email!r} is not an e-mail address")
        found = db.execute("SELECT id FROM members WHERE email = ? COLLATE NOCASE",
                           [actor_email.strip()]).fetchone()
        if found is None:
            raise BadFilter("actor", f"no member {actor_email!r}")
        actor_id = found[0]
    elif actor_id and not _exists(db, "SELECT 1 FROM members WHERE id = ?", actor_id):
        raise BadFilter("member", f"no member {actor_id!r}")
    if kind and kind not in KINDS:
        raise BadFilter("kind", f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    low = _bound("since", since, lower=True)
    high, inclusive = (_bound("until", until, lower=False) if until else (None, True))
    if low and high and (low > high or (low == high and not inclusive)):
        raise BadFilter("until", "the period ends before it starts")
    return Filters(department or None, commitment or None, actor_id or None, kind or None,
                   low, high, inclusive)


def history_page(
    db: Database, filters: Filters, *, before: int | None = None, limit: int = 50
) -> Page:
    """One page of matching events, newest first, each with its `changes`."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be from 1 to {MAX_LIMIT}")
    where, params = _where(filters)
    if before is not None:
        where.append("t.position < :before")
        params["before"] = int(before)
    found = _query(db, where, params, "DESC", limit + 1)
    more = len(found) > limit
    found = found[:limit]
    return Page(with_changes(db, found), found[-1]["position"] if more else None)


def history_stream(db: Database, filters: Filters, *, batch: int = 500) -> Iterator[dict[str, Any]]:
    """Every matching event in log order (oldest first), read a batch at a time."""
    where, params = _where(filters)
    after = 0
    while True:
        found = _query(db, [*where, "t.position > :after"], {**params, "after": after}, "ASC", batch)
        if not found:
            return
        yield from with_changes(db, found)
        after = found[-1]["position"]


def recorded_kind(db: Database, position: int) -> str | None:
    """The kind of the event at this log position, as `history --kind` names it."""
    found = db.execute("SELECT kind FROM timeline WHERE position = ?", [position]).fetchone()
    return None if found is None else str(found[0])


def with_changes(db: Database, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Decode each event's details and add its `changes`."""
    after, before = states_around(
        db, (e["position"] for e in events if e["aggregate"] == "commitment")
    )
    for e in events:
        e["details"] = json.loads(e["details"])
        if e["aggregate"] == "commitment":
            e["changes"] = commitment_changes(before.get(e["position"]), after.get(e["position"]),
                                              e["details"])
        else:
            e["changes"] = detail_changes(db, e)
    return events


def _where(filters: Filters) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    for column, value in (("department", filters.department), ("commitment_id", filters.commitment),
                          ("actor_id", filters.actor), ("kind", filters.kind)):
        if value is not None:
            where.append(f"t.{column} = :{column}")
            params[column] = value
    if filters.since is not None:
        where.append("t.at >= :since")
        params["since"] = filters.since
    if filters.until is not None:
        where.append("t.at <= :until" if filters.until_inclusive else "t.at < :until")
        params["until"] = filters.until
    return where, params


def _query(
    db: Database, where: list[str], params: dict[str, Any], order: str, limit: int
) -> list[dict[str, Any]]:
    sql = (f"{_SELECT} WHERE {' AND '.join(where) or '1'}"
           f" ORDER BY t.position {order} LIMIT :limit")
    cursor = db.execute(sql, {**params, "limit": limit})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _bound(field: str, value: str | None, *, lower: bool) -> Any:
    """A period bound as stored text (with, for `until`, whether it is inclusive)."""
    if not value:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = parse_day(text)
            return start_of(day) if lower else end_of(day)
        moment = parse_audit_instant(text)
    except ValueError as e:
        if OUTSIDE in str(e):
            raise BadFilter(field, str(e)) from None
        raise BadFilter(field, f"{value!r} is not a date or date-time: use "
                               f"{PERIOD_FORMS['since' if lower else 'until']}") from None
    return instant_text(moment) if lower else (instant_text(moment), True)


def _exists(db: Database, sql: str, value: str) -> bool:
    return db.execute(sql, [value]).fetchone() is not None
