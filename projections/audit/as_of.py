"""The whole plan as it stood at an instant: the board, the dashboard (health per department and
journey, at risk, open roadblocks with their age then, wins) and accountability.

Every event stamped at or before the instant counts; health and ages are judged on the instant's
UTC date. The board comes from the temporal history (`queries.history.board_as_of`); the rest
from the other views, filtered by log position or stored instant. Nothing here replays the log.

A page asks only for the `parts` it shows: the dashboard's health counts and at-risk list read the
commitments open then and count the closed ones (never the whole board, which after years holds
tens of thousands); the whole board (`BOARD`: every commitment made by then, for the command
line's report) and accountability are read only when asked for.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from projections.audit import accountability
from projections.audit.instants import log_position
from projections.audit.kpis_as_of import kpis_as_of
from projections.queries.scorecards import scorecards_as_of
from projections.instants import instant_text
from projections.queries import celebrations, roadblocks
from projections.queries.patterns import library_as_of
from projections.queries.board import (
    ATTENTION, SLIPPING_MOVES, Counted, GroupHealth, group_health, rows,
)
from projections.queries.history import (
    OpenThen, board_as_of, closed_counts_as_of, open_as_of, states_as_of,
)

WINS_SHOWN = 6
DASHBOARD, BOARD, ACCOUNTABILITY = "dashboard", "board", "accountability"
EVERYTHING = (DASHBOARD, BOARD, ACCOUNTABILITY)


class BoardThen:
    """The whole board at an instant (every commitment made by then), read when iterated, or a
    department at a time (`of`): after years it holds tens of thousands, so a report that goes
    department by department never holds them all at once."""

    def __init__(self, db: Database, moment: datetime) -> None:
        self.db, self.moment = db, moment

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(board_as_of(self.db, self.moment))

    def of(self, department: str) -> list[dict[str, Any]]:
        """One department's commitments then, in the board's order."""
        return board_as_of(self.db, self.moment, department=department)


@dataclass(frozen=True)
class PlanAsOf:
    instant: datetime
    today: date  # the instant's UTC date: health and ages are judged on it
    position: int  # the last event that counts (0: none)
    plan: dict[str, Any] | None
    departments: list[dict[str, Any]]  # slug, name; in the plan's order
    journeys: list[dict[str, Any]]  # key, name, lead_department; in the plan's order
    # The parts below are None unless asked for (see `plan_as_of`).
    # BOARD: every commitment made by then (closed ones too, however long ago).
    board: BoardThen | None
    # DASHBOARD
    by_department: list[GroupHealth] | None
    by_journey: list[GroupHealth] | None
    at_risk: list[dict[str, Any]] | None
    roadblocks: list[dict[str, Any]] | None  # open at the instant, oldest raised first
    roadblocks_total: int | None  # how many were open (`roadblocks` may hold the oldest only)
    wins: list[dict[str, Any]] | None  # the latest celebrations and completions, newest first
    # ACCOUNTABILITY
    accountability_departments: list[dict[str, Any]] | None
    accountability_owners: list[dict[str, Any]] | None
    # Every KPI defined by then, as revised and measured (corrections applied) by then.
    kpis: list[dict[str, Any]] | None = None
    # The pattern library then: every pattern published by then in its version then, whether it
    # was retired by then, and the commitments citing it then.
    patterns: list[dict[str, Any]] | None = None
    # Every leader scorecard proposed by then, as it stood then (status, revision, items).
    scorecards: list[dict[str, Any]] | None = None

    @property
    def department_names(self) -> dict[str, str]:
        return {d["slug"]: d["name"] for d in self.departments}


def plan_as_of(db: Database, moment: datetime, parts: Collection[str] = EVERYTHING, *,
               roadblocks_shown: int | None = None) -> PlanAsOf:
    """The plan at `moment`: its instant, log position, plan, departments and journeys, and the
    `parts` asked for (DASHBOARD, BOARD, ACCOUNTABILITY; all by default); the others are None.
    `roadblocks_shown`: the dashboard's open roadblocks are only the ones open longest (all by
    default), with their total."""
    t, today = instant_text(moment), moment.date()
    p = log_position(db, moment)
    departments = departments_as_of(db, t, p)
    journeys = journeys_as_of(db, p)
    found: dict[str, Any] = dict.fromkeys(
        ("board", "by_department", "by_journey", "at_risk", "roadblocks", "roadblocks_total", "wins",
         "accountability_departments", "accountability_owners"))
    if BOARD in parts:
        found["board"] = BoardThen(db, moment)
    if DASHBOARD in parts:
        open_then = open_as_of(db, moment)
        counted = health_counted(open_then, closed_counts_as_of(db, moment))
        found.update(
            by_department=health_counts(counted, departments, 0, "slug"),
            by_journey=health_counts(counted, journeys, 1, "key"),
            at_risk=at_risk(db, moment, open_then), wins=wins(db, p),
            roadblocks=open_roadblocks(db, t, p, today, limit=roadblocks_shown),
        )
        found["roadblocks_total"] = (len(found["roadblocks"]) if roadblocks_shown is None
                                     else count_open_roadblocks(db, t, p))
    if ACCOUNTABILITY in parts:
        facts = accountability.Facts(db, t, p, today)
        members = {i: (name, email) for i, name, email in db.execute(
            "SELECT id, name, email FROM members").fetchall()}
        found.update(accountability_departments=accountability.by_department(facts, departments),
                     accountability_owners=accountability.by_owner(facts, members))
    return PlanAsOf(instant=moment, today=today, position=p, plan=plan_at(db, t, p),
                    departments=departments, journeys=journeys,
                    kpis=kpis_as_of(db, p) if BOARD in parts else None,
                    patterns=library_as_of(db, t),
                    scorecards=scorecards_as_of(db, p) if BOARD in parts else None, **found)


def plan_at(db: Database, t: str, p: int) -> dict[str, Any] | None:
    """The plan's name, vision (and its revision) and that revision's endorsements then."""
    found = rows(db, "SELECT * FROM plan WHERE started_at <= :t", {"t": t})
    if not found:
        return None
    plan = found[0]
    visions = rows(db, "SELECT details FROM timeline WHERE kind IN ('Started', 'VisionRevised')"
                   " AND position <= :p ORDER BY position", {"p": p})
    plan["vision"] = json.loads(visions[-1]["details"])["vision"]
    plan["vision_revision"] = len(visions)
    plan["version"] = db.execute("SELECT version FROM plan_versions WHERE position <= ?"
                                 " ORDER BY position DESC LIMIT 1", [p]).fetchone()[0]
    plan["endorsements"] = rows(
        db, f"SELECT e.department, {name_then('e.department')} AS name, e.endorsed_at"
        " FROM endorsements e JOIN departments d ON d.slug = e.department"
        " WHERE e.revision = :r AND e.endorsed_at <= :t"
        " ORDER BY d.ordinal", {"r": len(visions), "t": t, "p": p},
    )
    return plan


def name_then(column: str, kind: str = "department") -> str:
    """SQL for the name the department (journey, KPI) in `column` had at log position :p."""
    return (f"(SELECT n.name FROM names n WHERE n.kind = '{kind}' AND n.key = {column}"
            " AND n.position <= :p ORDER BY n.position DESC LIMIT 1)")


def departments_as_of(db: Database, t: str, p: int) -> list[dict[str, Any]]:
    """Departments added by then, in the plan's order, with the name they had then and whether
    they had been retired (or merged) by then."""
    return [dict(d, retired=bool(d["retired"])) for d in rows(db, f"""
        SELECT d.slug, {name_then("d.slug")} AS name,
            (d.retired_at IS NOT NULL AND d.retired_at <= :t) AS retired
        FROM departments d WHERE d.added_at <= :t ORDER BY d.ordinal""", {"t": t, "p": p})]


def journeys_as_of(db: Database, p: int) -> list[dict[str, Any]]:
    """Journeys defined by position `p`, with the name and lead department they had then."""
    found: dict[str, dict[str, Any]] = {}
    for row in rows(db, "SELECT kind, details FROM timeline WHERE kind IN ('JourneyDefined',"
                    " 'JourneyLeadChanged', 'JourneyRenamed', 'JourneyRetired')"
                    " AND position <= :p ORDER BY position", {"p": p}):
        d = json.loads(row["details"])
        if row["kind"] == "JourneyDefined":
            found[d["key"]] = {"key": d["key"], "name": d["name"], "retired": False}
        if row["kind"] == "JourneyRenamed":
            found[d["key"]]["name"] = d["to_name"]
        elif row["kind"] == "JourneyRetired":
            found[d["key"]]["retired"] = True
        else:
            found[d["key"]]["lead_department"] = d.get("lead_department",
                                                       found[d["key"]].get("lead_department"))
    return list(found.values())


def health_counted(open_then: list[OpenThen], closed: Counted) -> Counted:
    """The open commitments' health then (`open_as_of`), counted, and the closed ones
    (`closed_counts_as_of`)."""
    counted: dict[tuple[str, str | None, str], int] = {}
    for _, department, journey, health, _ in open_then:
        key = (department, journey, health)
        counted[key] = counted.get(key, 0) + 1
    return [(*key, n) for key, n in counted.items()] + closed


def health_counts(counted: Counted, groups: list[dict[str, Any]], column: int,
                  key: str) -> list[GroupHealth]:
    """The live board's grouping (`queries.board.group_health`) of the groups then, per
    department (`column` 0) or journey (1)."""
    return group_health(counted, [{"key": g[key], "name": g["name"]} for g in groups],
                        "department" if column == 0 else "journey")


def at_risk(db: Database, moment: datetime, open_then: list[OpenThen]) -> list[dict[str, Any]]:
    """As `queries.board.at_risk`: open and overdue, blocked or at risk, or slipping; of the
    commitments open then (`open_as_of`) only these are read whole (`states_as_of`)."""
    listed = [position for position, _, _, health, moves in open_then
              if health in ATTENTION or moves >= SLIPPING_MOVES]
    return [dict(c, slipping=c["due_date_moves"] >= SLIPPING_MOVES)
            for c in states_as_of(db, moment, listed)]


_OPEN_THEN = "r.position <= :p AND (r.resolved_at IS NULL OR r.resolved_at > :t)"


def count_open_roadblocks(db: Database, t: str, p: int) -> int:
    return db.execute(f"SELECT count(*) FROM roadblocks r WHERE {_OPEN_THEN}",
                      {"p": p, "t": t}).fetchone()[0]


def open_roadblocks(db: Database, t: str, p: int, today: date,
                    limit: int | None = None) -> list[dict[str, Any]]:
    """As `queries.roadblocks.roadblocks(state="open")` (its query, `open_then`), for the
    roadblocks open at the instant: raised by then and not yet resolved; help requests made by
    then; age on `today`. With `limit`, only the `limit` open longest (raised on the earliest
    day, then first in the log), picked before their help requests are read."""
    where = _OPEN_THEN if limit is None else (
        "r.position IN (SELECT r.position FROM roadblocks r"
        f" WHERE {_OPEN_THEN} ORDER BY substr(r.raised_at, 1, 10), r.position LIMIT :limit)")
    return roadblocks.open_then(db, today, where, {"p": p, "t": t, "limit": limit})


def wins(db: Database, p: int, limit: int = WINS_SHOWN) -> list[dict[str, Any]]:
    """The celebrations wall's latest wins and celebrations recorded by position `p`, each
    department named as it was then."""
    found = celebrations.wall(db, include_wins=True, limit=limit, until=p)
    sql = f"SELECT {name_then(':slug')}"
    for row in found:
        named = db.execute(sql, {"slug": row["department"], "p": p}).fetchone()
        if named is not None and named[0] is not None:
            row["department_name"] = named[0]
    return found
