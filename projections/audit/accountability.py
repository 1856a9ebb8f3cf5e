"""Accountability (every figure of `projections.queries.accountability`, same rows and keys) as
it stood at an instant: the commitments' states come from the temporal history, due-date moves
and handovers from the timeline, roadblocks from the accountability facts with their raise and
resolve instants. The figures are counted here in Python, over the plan as of that instant.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from sqlite_utils import Database

from projections.queries.board import rows

ZERO = {
    "made": 0, "open": 0, "kept": 0, "kept_on_original": 0, "late": 0, "missed": 0,
    "withdrawn": 0, "due_so_far": 0, "due_date_moves": 0, "days_slipped": 0,
}
_VALID_AT = "h.valid_from <= :t AND (h.valid_to IS NULL OR h.valid_to > :t)"


class Facts:
    """The accountability facts as of one instant (`t`: stored instant text, `p`: its log
    position, `today`: its UTC date)."""

    def __init__(self, db: Database, t: str, p: int, today: date) -> None:
        self.today = today.isoformat()
        self.commitments = rows(
            db, "SELECT h.commitment_id, h.department, h.owner_id, h.original_due_date,"
            " h.due_date, h.status, h.completed_on, h.due_at_completion, h.due_date_moves"
            f" FROM commitment_history h WHERE {_VALID_AT}", {"t": t},
        )
        moves = rows(db, "SELECT commitment_id, details FROM timeline WHERE kind = 'DueDateMoved'"
                     " AND position <= :p", {"p": p})
        self.slipped: dict[str, int] = defaultdict(int)
        for m in moves:
            d = json.loads(m["details"])
            days = (date.fromisoformat(d["to_date"]) - date.fromisoformat(d["from_date"])).days
            self.slipped[m["commitment_id"]] += max(0, days)
        self.handovers = [
            {"department": h["department"], **json.loads(h["details"])}
            for h in rows(db, "SELECT department, details FROM timeline"
                          " WHERE kind = 'OwnershipHandedOver' AND position <= :p", {"p": p})
        ]
        owners = {c["commitment_id"]: c["owner_id"] for c in self.commitments}
        held_by = {c["commitment_id"]: c["department"] for c in self.commitments}
        # Stored instants compare as text (UTC; a stored instant without microseconds still
        # sorts correctly against `t`, which always has them).
        self.roadblocks = rows(
            db, "SELECT commitment_id, department, raised_at, resolved_by, helped_by,"
            " CASE WHEN resolved_at <= :t THEN days_to_resolve END AS days_to_resolve"
            " FROM accountability_roadblocks WHERE raised_at <= :t", {"t": t},
        )
        for r in self.roadblocks:
            r["owner_id"] = owners[r["commitment_id"]]
            r["department"] = held_by[r["commitment_id"]]  # roadblocks follow a moved commitment
            if r["days_to_resolve"] is None:
                r["resolved_by"] = r["helped_by"] = None

    def figures(self, key: str, department: str | None = None) -> dict[str, dict[str, int]]:
        """The commitment figures per `key` ("department" or "owner_id")."""
        found: dict[str, dict[str, int]] = {}
        for c in self.commitments:
            if department is not None and c["department"] != department:
                continue
            f = found.setdefault(c[key], dict(ZERO))
            completed = c["status"] == "completed"
            kept = completed and c["completed_on"] <= c["due_at_completion"]
            f["made"] += 1
            f["open"] += c["status"] == "open"
            f["kept"] += kept
            f["kept_on_original"] += kept and c["completed_on"] <= c["original_due_date"]
            f["late"] += completed and not kept
            f["missed"] += c["status"] == "open" and c["due_date"] < self.today
            f["withdrawn"] += c["status"] == "withdrawn"
            f["due_so_far"] += completed or c["original_due_date"] <= self.today
            f["due_date_moves"] += c["due_date_moves"]
            f["days_slipped"] += self.slipped.get(c["commitment_id"], 0)
        return found

    def roadblock_figures(self, key: str, department: str | None = None
                          ) -> tuple[dict[str, tuple[int, int]], dict[str, float]]:
        """Per key: (raised, resolved), and the median days to resolve."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        durations: dict[str, list[float]] = defaultdict(list)
        for r in self._roadblocks(department):
            counts[r[key]][0] += 1
            if r["days_to_resolve"] is not None:
                counts[r[key]][1] += 1
                durations[r[key]].append(r["days_to_resolve"])
        return {k: (v[0], v[1]) for k, v in counts.items()}, {
            k: _median(v) for k, v in durations.items()
        }

    def _roadblocks(self, department: str | None) -> list[dict[str, Any]]:
        return [r for r in self.roadblocks if department is None or r["department"] == department]


def by_department(facts: Facts, departments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per department (the plan's departments as of the instant, in order)."""
    figures = facts.figures("department")
    raised, medians = facts.roadblock_figures("department")
    helped = _count(r["helped_by"] for r in facts.roadblocks if r["helped_by"])
    handovers = _count(h["department"] for h in facts.handovers)
    found = []
    for d in departments:
        key = d["slug"]
        row = {"department": key, "department_name": d["name"], **figures.get(key, ZERO)}
        row["handovers"] = handovers.get(key, 0)
        _add_roadblocks(row, raised.get(key), helped.get(key, 0), medians.get(key))
        found.append(row)
    return found


def by_owner(facts: Facts, members: dict[str, tuple[str, str]],
             department: str | None = None) -> list[dict[str, Any]]:
    """One row per member who owned, handed over or helped with commitments at the instant."""
    figures = facts.figures("owner_id", department)
    handovers = [h for h in facts.handovers if department is None or h["department"] == department]
    ins = _count(h["to_owner"] for h in handovers)
    outs = _count(h["from_owner"] for h in handovers)
    raised, medians = facts.roadblock_figures("owner_id", department)
    helped = _count(r["resolved_by"] for r in facts._roadblocks(department)
                    if r["resolved_by"] is not None and r["resolved_by"] != r["owner_id"])
    found = []
    for owner in set(figures) | set(ins) | set(outs) | set(helped):
        name, email = members.get(owner, (None, None))
        row = {"owner_id": owner, "owner_name": name, "owner_email": email,
               **figures.get(owner, ZERO)}
        row["handovers_in"] = ins.get(owner, 0)
        row["handovers_out"] = outs.get(owner, 0)
        _add_roadblocks(row, raised.get(owner), helped.get(owner, 0), medians.get(owner))
        found.append(row)
    return sorted(found, key=lambda r: (r["owner_name"] or "", r["owner_id"]))


def _add_roadblocks(row: dict[str, Any], raised: tuple[int, int] | None, helped: int,
                    median: float | None) -> None:
    row["roadblocks_raised"], row["roadblocks_resolved"] = raised or (0, 0)
    row["roadblocks_helped"] = helped
    row["median_days_to_resolve"] = median
    row["say_do"] = row["kept_on_original"] / row["due_so_far"] if row["due_so_far"] else None


def _count(keys: Any) -> dict[str, int]:
    found: dict[str, int] = defaultdict(int)
    for key in keys:
        found[key] += 1
    return found


def _median(values: list[float]) -> float:
    """As the live query takes it: the middle value, or the mean of the two middle values."""
    ordered = sorted(values)
    middle = ordered[(len(ordered) - 1) // 2: len(ordered) // 2 + 1]
    return sum(middle) / len(middle)
