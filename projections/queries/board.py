"""The commitment board: current commitments with their health on a given day.

Ordering puts what needs attention first: overdue, blocked, at risk, on track, then the closed
ones (done late, done, withdrawn); within each, the nearest due date first.

A department accumulates thousands of closed commitments over the years; the board page shows
the open ones and those closed since a recent date (`closed_since`), and counts the older ones
(`closed_counts`: every closed commitment, per final health).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from sqlite_utils import Database

from projections.health import HEALTHS, health_sql

SLIPPING_MOVES = 2  # an open commitment whose due date moved this many times is "slipping"
ATTENTION = ("overdue", "blocked", "at risk")
CLOSED = ("done late", "done", "withdrawn")
RECENTLY_CLOSED_DAYS = 90  # the board page shows closed commitments this recent; counts older ones

HEALTH_ORDER = """CASE health WHEN 'overdue' THEN 0 WHEN 'blocked' THEN 1 WHEN 'at risk' THEN 2
    WHEN 'on track' THEN 3 WHEN 'done late' THEN 4 WHEN 'done' THEN 5 ELSE 6 END"""
ORDER_BY = f"ORDER BY {HEALTH_ORDER}, due_date, title, id"


def with_health(source: str, today_param: str = ":today") -> str:
    """`source` (a table or subquery with the board's columns) plus its derived `health`."""
    return f"SELECT b.*, {health_sql(today_param, 'b.')} AS health FROM {source} b"


def rows(db: Database, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def check_health(health: str | None) -> None:
    if health is not None and health not in HEALTHS:
        raise ValueError(f"unknown health {health!r}: one of {', '.join(HEALTHS)}")


def board(
    db: Database, *, today: date, department: str | None = None, owner: UUID | str | None = None,
    health: str | None = None, journey: str | None = None, closed_since: date | None = None,
    contributed: bool = False,
) -> list[dict[str, Any]]:
    """Every commitment matching the filters, as a dict of the board's columns plus `health`.
    With `closed_since`, closed commitments only when closed on or after that day: completed
    on it or later, or withdrawn with their last event (the withdrawal, or a later note) then.
    With `contributed`, a department's board also holds the commitments it contributes to."""
    check_health(health)
    where, params = ["1 = 1"], {"today": today.isoformat()}
    for column, value in (("department", department), ("owner_id", owner), ("journey", journey)):
        if value is not None:
            if column == "department" and contributed:
                where.append("(department = :department OR id IN (SELECT commitment_id FROM"
                             " board_contributors WHERE department = :department))")
            else:
                where.append(f"{column} = :{column}")
            params[column] = str(value)
    if closed_since is not None:
        where.append("(status = 'open' OR completed_on >= :since"
                     " OR (status = 'withdrawn' AND last_event_at >= :since))")
        params["since"] = closed_since.isoformat()
    source = f"(SELECT * FROM commitments WHERE {' AND '.join(where)})"
    outer = ""
    if health is not None:
        outer, params["health"] = "WHERE health = :health", health
    return rows(db, f"SELECT * FROM ({with_health(source)}) {outer} {ORDER_BY}", params)


def closed_counts(
    db: Database, *, department: str | None = None, journey: str | None = None
) -> dict[str, int]:
    """How many closed commitments (of a department, a journey) there are per final health:
    'done late', 'done' and 'withdrawn', zeros included. `journey` '' means those without one."""
    where, params = ["1 = 1"], {}
    for column, value in (("department", department), ("journey", journey)):
        if value is not None:
            where.append(f"{column} = :{column}")
            params[column] = value
    found = dict(db.execute(
        f"SELECT health, sum(n) FROM board_closed_counts WHERE {' AND '.join(where)}"
        " GROUP BY health", params,
    ).fetchall())
    return {h: found.get(h, 0) for h in CLOSED}


def commitment(
    db: Database, commitment_id: UUID | str, *, today: date | None = None
) -> dict[str, Any] | None:
    """One commitment's board row (with `health` when `today` is given), or None."""
    params = {"id": str(commitment_id), "today": (today or date.min).isoformat()}
    source = "(SELECT * FROM commitments WHERE id = :id)"
    found = rows(db, with_health(source), params)
    if not found:
        return None
    if today is None:
        del found[0]["health"]
    return found[0]


def milestones(db: Database, commitment_id: UUID | str) -> list[dict[str, Any]]:
    """A commitment's current milestones in the order added (id, text, ticked, ticked_at,
    ticked_by_name)."""
    return rows(db, "SELECT m.milestone_id AS id, m.text, m.ticked, m.ticked_at,"
                    " p.name AS ticked_by_name FROM board_milestones m"
                    " LEFT JOIN members p ON p.id = m.ticked_by"
                    " WHERE m.commitment_id = :id AND m.removed = 0 ORDER BY m.ordinal",
                {"id": str(commitment_id)})


@dataclass(frozen=True)
class GroupHealth:
    """How many commitments of one department (or journey) are in each health."""

    key: str | None  # department slug or journey key; None: commitments with no journey
    name: str
    counts: dict[str, int] = field(default_factory=dict)  # every health, zeros included

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def health_counts(db: Database, today: date, by: str = "department") -> list[GroupHealth]:
    """Per department (in the plan's order) or per journey, every health counted; groups without
    commitments are included with zeros."""
    if by not in ("department", "journey"):
        raise ValueError("by must be 'department' or 'journey'")
    return _grouped(db, by, _counted(db, today))


def health_overview(db: Database, today: date) -> tuple[list[GroupHealth], list[GroupHealth]]:
    """`health_counts` per department and per journey, from one count of the board."""
    counted = _counted(db, today)
    return _grouped(db, "department", counted), _grouped(db, "journey", counted)


Counted = list[tuple[str, str | None, str, int]]  # department, journey, health, how many


def _counted(db: Database, today: date) -> Counted:
    """Commitments per department, journey and health. Health is derived only for the open
    ones; the closed ones (whose health never changes) are counted by the view."""
    return db.execute(
        f"SELECT department, journey, health, count(*) FROM ({with_health(_OPEN_HEALTH)})"
        " GROUP BY department, journey, health"
        " UNION ALL SELECT department, NULLIF(journey, ''), health, n FROM board_closed_counts",
        {"today": today.isoformat()},
    ).fetchall()


def _grouped(db: Database, by: str, counted: Counted) -> list[GroupHealth]:
    if by == "department":
        groups = rows(db, "SELECT slug AS key, name FROM departments ORDER BY ordinal", {})
    else:
        groups = rows(db, "SELECT key, name FROM journeys ORDER BY ordinal", {})
    return group_health(counted, groups, by)


def group_health(counted: Counted, groups: list[dict[str, Any]], by: str) -> list[GroupHealth]:
    """`counted` per group (`groups`: key, name, in order) by department or journey, every health
    counted; groups not in `groups` follow (commitments with no journey last)."""
    per_group: dict[str | None, dict[str, int]] = {}
    for department, journey, health, n in counted:
        found = per_group.setdefault(department if by == "department" else journey, {})
        found[health] = found.get(health, 0) + n
    known = {g["key"] for g in groups}
    extra = [{"key": k, "name": k or "No journey"} for k in per_group if k not in known]
    return [
        GroupHealth(g["key"], g["name"], {h: per_group.get(g["key"], {}).get(h, 0) for h in HEALTHS})
        for g in groups + sorted(extra, key=lambda g: (g["key"] is None, g["key"] or ""))
    ]


def at_risk(db: Database, today: date, limit: int | None = None) -> list[dict[str, Any]]:
    """Open commitments that need attention: overdue, blocked or at risk, or "slipping" (due
    date moved `SLIPPING_MOVES` or more times), the first `limit` of them (all by default).
    Each row has `health` and `slipping`."""
    sql = f"SELECT *, due_date_moves >= :moves AS slipping FROM ({_AT_RISK}) {ORDER_BY}"
    params: dict[str, Any] = {"today": today.isoformat(), "moves": SLIPPING_MOVES}
    if limit is not None:
        sql, params["limit"] = sql + " LIMIT :limit", limit
    found = rows(db, sql, params)
    for row in found:
        row["slipping"] = bool(row["slipping"])
    return found


def count_at_risk(db: Database, today: date) -> int:
    """How many commitments `at_risk` lists."""
    return db.execute(f"SELECT count(*) FROM ({_AT_RISK_OF.format(with_health(_OPEN_HEALTH))})",
                      {"today": today.isoformat(), "moves": SLIPPING_MOVES}).fetchone()[0]


# Only the columns of the partial index commitments_open_health: counting reads the index,
# never the table.
_OPEN_HEALTH = (
    "(SELECT department, journey, due_date, progress, open_roadblocks, open_help_requests,"
    " due_date_moves, status, completed_on, due_at_completion"
    " FROM commitments INDEXED BY commitments_open_health WHERE status = 'open')"
)
_OPEN_HEALTH_ROWID = _OPEN_HEALTH.replace("(SELECT ", "(SELECT rowid AS rid, ", 1)
_AT_RISK_OF = (
    "SELECT * FROM ({})"
    f" WHERE health IN ({', '.join(repr(h) for h in ATTENTION)}) OR due_date_moves >= :moves"
)
# The open commitments needing attention, picked from the partial index alone; only those rows
# are then read from the table (not every open commitment's).
_AT_RISK = (
    f"SELECT c.*, a.health FROM commitments c JOIN ({_AT_RISK_OF.format(with_health(_OPEN_HEALTH_ROWID))}) a"
    " ON c.rowid = a.rid"
)
