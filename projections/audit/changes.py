"""Field-level changes of one event: what each field was before it and what it became.

- Commitment events compare the commitment's state before the event with its state after it:
  two consecutive rows of `commitment_history` (the one ending at the event's position and the one
  starting there). `Made` has no state before; its changes are the fields it set.
- Plan and member events carry their new values in the timeline's `details`; where a value
  replaces an earlier one (a revised vision, a journey's new lead, a KPI redefined or measured
  again) the earlier value is read from the previous event about the same subject.

A change is a dict: {"field": name, "before": value or None, "after": value or None}.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

Change = dict[str, Any]

# The commitment fields compared, in the order shown. `owner` is the owner's name (compared by id).
FIELDS = (
    "title", "description", "department", "owner", "journey", "kpi", "original_due_date", "due_date",
    "due_date_moves", "days_slipped", "progress", "status", "completed_on", "due_at_completion",
    "evidence", "withdrawn_reason", "open_roadblocks", "open_help_requests",
    "contributors", "milestones_total", "milestones_ticked",
)
MADE_FIELDS = ("title", "department", "owner", "journey", "kpi", "due_date", "status")

# kind -> (kinds that set the same values, the detail naming the subject or None, fields)
_EARLIER: dict[str, tuple[tuple[str, ...], str | None, tuple[str, ...]]] = {
    "VisionRevised": (("Started", "VisionRevised"), None, ("vision", "reason")),
    "JourneyLeadChanged": (("JourneyDefined", "JourneyLeadChanged"), "key", ("lead_department",)),
    "KpiDefined": (("KpiDefined",), "key",
                   ("name", "unit", "baseline", "target", "target_date", "direction", "department")),
    "KpiMeasured": (("KpiMeasured",), "key", ("value", "measured_on", "note")),
}
_SET_ONLY = {  # fields shown for plan and member events without an earlier value
    "Started": ("name", "vision"), "DepartmentAdded": ("slug", "name"),
    "VisionEndorsed": ("department", "revision"), "JourneyDefined": ("key", "name", "lead_department"),
    "Registered": ("email", "name"), "Deactivated": ("reason",),
}


def states_around(
    db: Database, positions: Iterable[int]
) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
    """For commitment events at `positions`: the state each left behind, and the one it ended."""
    wanted = sorted(set(positions))
    after: dict[int, dict[str, Any]] = {}
    before: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in _select(db, "valid_from_position", marks, chunk):
            after[row["valid_from_position"]] = row
        for row in _select(db, "valid_to_position", marks, chunk):
            before[row["valid_to_position"]] = row
    return after, before


def _select(db: Database, column: str, marks: str, values: list[int]) -> list[dict[str, Any]]:
    cursor = db.execute(f"SELECT * FROM commitment_history WHERE {column} IN ({marks})", values)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def commitment_changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None, details: dict[str, Any]
) -> list[Change]:
    """The fields that differ between two states of a commitment (`before` None: it was made)."""
    if after is None:
        return []
    if before is None:
        found = [_change(f, None, _value(after, f)) for f in MADE_FIELDS]
        found.insert(1, _change("description", None, details.get("description")))
        return _real(found)
    found = [
        _change(f, _value(before, f), _value(after, f)) for f in FIELDS
        if (_key(before, f) != _key(after, f))
    ]
    if details.get("changes") is not None or "to_department" in details:
        found.append(_change("reason", None, details.get("reason")))
    if details.get("milestone_id"):  # which milestone (its text when it was added)
        named = details["milestone_id"] + (f": {details['text']}" if details.get("text") else "")
        found.append(_change("milestone", None, named))
    return found


def detail_changes(db: Database, event: dict[str, Any]) -> list[Change]:
    """The changes a plan or member event made, from its details (see the module docstring)."""
    kind, details = event["kind"], event["details"]
    if kind in _EARLIER:
        kinds, subject, fields = _EARLIER[kind]
        earlier = _earlier_details(db, event["position"], kinds, subject and details.get(subject))
        return _real([
            _change(f, earlier.get(f) if earlier else None, details.get(f)) for f in fields
            if earlier is None or earlier.get(f) != details.get(f)
        ])
    corrected = _corrections(kind, details)
    if corrected is not None:
        return _real(corrected + [_change("reason", None, details.get("reason"))])
    if kind == "RoleGranted":
        return [_change("role", None, _role(details))]
    if kind == "RoleRevoked":
        return [_change("role", _role(details), None)]
    if kind == "Deactivated":
        return [_change("active", True, False), _change("reason", None, details.get("reason"))]
    return [_change(f, None, details.get(f)) for f in _SET_ONLY.get(kind, ())
            if details.get(f) is not None]


def _corrections(kind: str, d: dict[str, Any]) -> list[Change] | None:
    """Corrections and reorganisations carry their own before and after (None: another kind)."""
    if kind in ("DepartmentRenamed", "JourneyRenamed"):
        return [_change("name", d["from_name"], d["to_name"])]
    if kind == "KpiRevised":
        return [_change(f, before, after) for f, (before, after) in d["changes"].items()]
    if kind == "MeasurementCorrected":
        return [_change("value", d["from_value"], d["to_value"]),
                _change("note", None, d.get("note"))]
    if kind == "MeasurementWithdrawn":
        return [_change("value", d["value"], None)]
    if kind in ("KpiLinked", "KpiUnlinked"):
        link = f"{d['area_kpi']} → {d['cx_kpi']}"
        return [_change("link", None, link) if kind == "KpiLinked" else _change("link", link, None)]
    if kind in SCORECARD_STATUS:
        found = [_change("status", None, SCORECARD_STATUS[kind])]
        if "items" in d:
            found.append(_change("items", None, "; ".join(
                f"{i['kpi']} {i['weight']} % target {i['target']:g}" for i in d["items"])))
        for f in ("period", "comment", "note"):
            if d.get(f):
                found.append(_change(f, None, d[f]))
        return found
    if kind in ("DepartmentRetired", "JourneyRetired", "KpiRetired"):
        return [_change("retired", False, True)]
    if kind == "DepartmentMerged":
        return [_change("merged_into", None, d["into"]), _change("retired", False, True)]
    return None


SCORECARD_STATUS = {
    "ScorecardProposed": "proposed", "ScorecardRevised": "proposed",
    "ScorecardChangeRequested": "change requested", "ScorecardAgreed": "agreed",
    "ScorecardApproved": "approved",
}


def _earlier_details(
    db: Database, position: int, kinds: tuple[str, ...], subject: str | None
) -> dict[str, Any] | None:
    """The details of the latest earlier event of `kinds` about the same subject (its `key`)."""
    marks = ", ".join("?" * len(kinds))
    where = f"kind IN ({marks}) AND position < ?"
    params: list[Any] = [*kinds, position]
    if subject is not None:
        where += " AND json_extract(details, '$.key') = ?"
        params.append(subject)
    found = db.execute(
        f"SELECT details FROM timeline WHERE {where} ORDER BY position DESC LIMIT 1", params
    ).fetchone()
    return json.loads(found[0]) if found else None


def _real(changes: list[Change]) -> list[Change]:
    """Without the "changes" from nothing to nothing (an empty text where there was none)."""
    return [c for c in changes if c["before"] not in (None, "") or c["after"] not in (None, "")]


def _role(details: dict[str, Any]) -> str:
    return f"{details['role']} ({details['department']})" if details.get("department") else details["role"]


def _key(state: dict[str, Any], field: str) -> Any:
    return state["owner_id"] if field == "owner" else state.get(field)


def _value(state: dict[str, Any], field: str) -> Any:
    if field == "owner":
        return state.get("owner_name") or state.get("owner_id")
    return state.get(field)


def _change(field: str, before: Any, after: Any) -> Change:
    return {"field": field, "before": before, "after": after}
