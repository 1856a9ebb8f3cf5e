"""An oracle for the board: the log folded in plain Python, with no view, no SQL and no code from
`projections` (not even its health rule or its fact decoding), so that a bug there cannot hide
in the oracle as well.

Generalised from `replay` / `replay_board` in `tests/projections_views/test_history.py`:
- the log is decoded once (`read_log`, incrementally with `after=`) and folded as often as needed;
- the board rows carry every column that `queries.board.board` and `queries.history.board_as_of`
  return (the texts, owner names, who made it and when, the last event's instant), and come out
  in the board's order, so whole query results compare with `==`;
- health is judged on the instant's *UTC* date, whatever the time zone the instant is given in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

from tracker.application import CxTracker

# The health rule, restated from the product brief and `projections/health.py`'s docstring.
AT_RISK_DAYS = 14
AT_RISK_PROGRESS = 50
HEALTH_ORDER = ("overdue", "blocked", "at risk", "on track", "done late", "done", "withdrawn")


@dataclass(frozen=True)
class Entry:
    """One event of the log, decoded by the application's own mapper."""

    position: int
    aggregate: str  # "plan" | "commitment" | "member"
    kind: str
    aggregate_id: UUID
    version: int
    timestamp: datetime
    state: dict[str, Any]


def read_log(app: CxTracker, after: int = 0) -> list[Entry]:
    """Every event after position `after`, in log order."""
    entries: list[Entry] = []
    while True:
        found = app.recorder.select_notifications(
            start=after, limit=500, inclusive_of_start=False
        )
        if not found:
            return entries
        for n in found:
            event = app.mapper.to_domain_event(n)
            _, aggregate, kind = n.topic.split("/", 2)
            entries.append(Entry(
                n.id, aggregate, kind, event.originator_id, event.originator_version,
                event.timestamp, dict(vars(event)),
            ))
        after = found[-1].id


def instant_text(moment: datetime) -> str:
    """How the read models write an instant (fixed width, UTC, microseconds)."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def health(c: dict[str, Any], today: date) -> str:
    if c["status"] == "withdrawn":
        return "withdrawn"
    if c["status"] == "completed":
        return "done late" if c["completed_on"] > c["due_at_completion"] else "done"
    if c["due_date"] < today:
        return "overdue"
    if c["open_help_requests"]:
        return "blocked"
    if c["open_roadblocks"] or (
        c["due_date"] <= today + timedelta(days=AT_RISK_DAYS) and c["progress"] < AT_RISK_PROGRESS
    ):
        return "at risk"
    return "on track"


def fold(entries: Iterable[Entry], keep: Callable[[Entry], bool]) -> dict[str, dict[str, Any]]:
    """Each commitment's state after the commitment events that `keep` accepts, in log order.
    Member names are taken as they were when each event happened (they never change)."""
    names: dict[UUID, str] = {}
    state: dict[str, dict[str, Any]] = {}
    for entry in entries:
        e = entry.state
        if entry.aggregate == "member" and entry.kind == "Registered":
            names[entry.aggregate_id] = e["name"]
        if entry.aggregate != "commitment" or not keep(entry):
            continue
        cid, kind = str(entry.aggregate_id), entry.kind
        if kind == "Made":
            state[cid] = {
                "id": cid, "department": e["department"], "title": e["title"],
                "description": e["description"], "owner_id": e["owner_id"],
                "owner_name": names.get(e["owner_id"]), "journey": e["journey"], "kpi": e["kpi"],
                "made_at": instant_text(entry.timestamp), "made_by": _str(e["actor"]),
                "original_due_date": e["due_date"], "due_date": e["due_date"],
                "due_date_moves": 0, "progress": 0, "status": "open", "completed_on": None,
                "due_at_completion": None, "evidence": None, "withdrawn_reason": None,
                "roadblocks": {}, "contributors": [], "milestones": {},
            }
        c = state[cid]
        c["version"] = entry.version
        c["last_event_at"] = instant_text(entry.timestamp)
        if kind == "ProgressReported":
            c["progress"] = e["percent"]
        elif kind == "DueDateMoved":
            c["due_date"], c["due_date_moves"] = e["to_date"], c["due_date_moves"] + 1
        elif kind == "OwnershipHandedOver":
            c["owner_id"], c["owner_name"] = e["to_owner"], names.get(e["to_owner"])
        elif kind == "RoadblockRaised":
            c["roadblocks"][e["roadblock_id"]] = {"help": False, "open": True}
        elif kind == "HelpRequested":
            c["roadblocks"][e["roadblock_id"]]["help"] = True
        elif kind == "RoadblockResolved":
            c["roadblocks"][e["roadblock_id"]]["open"] = False
        elif kind == "Completed":
            c.update(status="completed", completed_on=e["completed_on"], progress=100,
                     due_at_completion=c["due_date"], evidence=e["evidence"])
        elif kind == "Withdrawn":
            c.update(status="withdrawn", withdrawn_reason=e["reason"])
        elif kind == "DetailsCorrected":
            c.update({field: after for field, (_, after) in e["changes"].items()})
        elif kind == "MovedToDepartment":
            c["department"] = e["to_department"]
            if e["to_department"] in c["contributors"]:
                c["contributors"].remove(e["to_department"])
        elif kind == "ContributorAdded":
            c["contributors"].append(e["department"])
        elif kind == "ContributorRemoved":
            c["contributors"].remove(e["department"])
        elif kind in MILESTONE_STATES:
            milestones = c["milestones"]
            milestones[e["milestone_id"]] = MILESTONE_STATES[kind]
            current = [m for m in milestones.values() if m != "removed"]
            if current:  # progress follows the milestones: the whole percent ticked
                c["progress"] = 100 * current.count("ticked") // len(current)
    return state


# What each milestone event leaves a milestone as.
MILESTONE_STATES = {"MilestoneAdded": "open", "MilestoneTicked": "ticked",
                    "MilestoneUnticked": "open", "MilestoneRemoved": "removed"}


def board_rows(state: dict[str, dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """The board's rows for these states on `today`, in the board's order."""
    rows = []
    for c in state.values():
        row = {k: v for k, v in c.items() if k not in ("roadblocks", "milestones")}
        row["contributors"] = ",".join(c["contributors"])
        current = [m for m in c["milestones"].values() if m != "removed"]
        row["milestones_total"], row["milestones_ticked"] = len(current), current.count("ticked")
        open_ = [r for r in c["roadblocks"].values() if r["open"]]
        row["open_roadblocks"] = len(open_)
        row["open_help_requests"] = sum(r["help"] for r in open_)
        row["days_slipped"] = max(0, (c["due_date"] - c["original_due_date"]).days)
        row["health"] = health(row, today)
        row.update({k: v.isoformat() for k, v in row.items() if isinstance(v, date)})
        row["owner_id"] = str(row["owner_id"])
        rows.append(row)
    # SQLite compares TEXT byte-wise in UTF-8, which orders like Python's code-point order.
    rows.sort(key=lambda r: (HEALTH_ORDER.index(r["health"]), r["due_date"], r["title"], r["id"]))
    return rows


def replay_board(entries: Iterable[Entry], instant: datetime) -> list[dict[str, Any]]:
    """The board at `instant`: every event stamped at or before it; health on its UTC date."""
    return board_rows(
        fold(entries, lambda e: e.timestamp <= instant),
        instant.astimezone(timezone.utc).date(),
    )


def replay_board_at_position(
    entries: Iterable[Entry], position: int, today: date
) -> list[dict[str, Any]]:
    """The board right after event #`position`, health judged on `today`."""
    return board_rows(fold(entries, lambda e: e.position <= position), today)


def _str(value: object) -> str | None:
    return None if value is None else str(value)
