"""What changed in the plan between two instants A and B (A at or before B).

- added: commitments on the board at B and not at A (made in between);
- completed / withdrawn: at B completed (withdrawn), and not so at A (or not yet made);
- changed: on the board at both, neither completed nor withdrawn in between, with any field
  different; each with its changes (field, before at A, after at B) — health too when it moved;
- roadblocks opened (raised after A, at or before B) and resolved (resolved after A, at or
  before B), each with its commitment.
A commitment made and completed in between is both added and completed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from projections.audit.changes import commitment_changes
from projections.audit.instants import log_position
from projections.instants import instant_text
from projections.queries.board import rows
from projections.queries.history import board_as_of
from projections.queries.patterns import changes_between, citations_between
from projections.queries.scorecards import scorecards_as_of


@dataclass(frozen=True)
class PlanDiff:
    a: datetime
    b: datetime
    added: list[dict[str, Any]]  # board rows at B
    changed: list[dict[str, Any]]  # board rows at B, each with `changes`
    completed: list[dict[str, Any]]  # board rows at B, each with `changes`
    withdrawn: list[dict[str, Any]]  # board rows at B, each with `changes`
    roadblocks_opened: list[dict[str, Any]]
    roadblocks_resolved: list[dict[str, Any]]
    # The pattern library: versions published or revised and patterns retired in between
    # (kind, pattern_id, title, revision, reason, at); commitments that cited or stopped citing
    # a pattern in between (kind cited / uncited, commitment_id, commitment title, pattern title, at).
    patterns: list[dict[str, Any]] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    # Scorecards proposed or moved on (revised, agreed, approved, ...) in between: as at B, with
    # `before` (status and revision at A; None when proposed in between).
    scorecards: list[dict[str, Any]] = field(default_factory=list)


def plan_diff(db: Database, a: datetime, b: datetime) -> PlanDiff:
    if a > b:
        raise ValueError("the first instant must not be later than the second")
    before = {c["id"]: c for c in board_as_of(db, a)}
    after = board_as_of(db, b)
    added: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    completed: list[dict[str, Any]] = []
    withdrawn: list[dict[str, Any]] = []
    for c in after:
        old = before.get(c["id"])
        if old is None:
            added.append(c)
        closed = c["status"] in ("completed", "withdrawn") and (old is None or old["status"] != c["status"])
        if old is None and not closed:
            continue
        entry = dict(c, changes=_changes(old, c))
        if closed:
            (completed if c["status"] == "completed" else withdrawn).append(entry)
        elif any(ch["field"] != "health" for ch in entry["changes"]):
            changed.append(entry)
    ta, tb = instant_text(a), instant_text(b)
    pa, pb = log_position(db, a), log_position(db, b)
    return PlanDiff(a, b, added, changed, completed, withdrawn,
                    _roadblocks(db, "r.position > :pa AND r.position <= :pb", {"pa": pa, "pb": pb}),
                    _roadblocks(db, "r.resolved_at > :ta AND r.resolved_at <= :tb",
                                {"ta": ta, "tb": tb}),
                    changes_between(db, ta, tb), citations_between(db, ta, tb),
                    _scorecards(db, pa, pb))


def _scorecards(db: Database, pa: int, pb: int) -> list[dict[str, Any]]:
    then = {c["id"]: c for c in scorecards_as_of(db, pa)}
    found = []
    for card in scorecards_as_of(db, pb):
        old = then.get(card["id"])
        if old is None or (old["status"], old["revision"]) != (card["status"], card["revision"]):
            found.append(dict(card, before=None if old is None else
                              {"status": old["status"], "revision": old["revision"]}))
    return found


def _changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[dict[str, Any]]:
    if old is None:
        return commitment_changes(None, new, new)
    found = commitment_changes(old, new, {})
    if old["health"] != new["health"]:
        found.append({"field": "health", "before": old["health"], "after": new["health"]})
    return found


def _roadblocks(db: Database, where: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    # Stored instants compare as text: UTC, and `:ta`/`:tb` always carry microseconds.
    return rows(db, f"""
        SELECT r.commitment_id, r.title, r.department, r.roadblock_id, r.description,
            r.raised_at, raiser.name AS raised_by_name, r.resolved_at,
            resolver.name AS resolved_by_name, r.resolution, r.helped_by
        FROM roadblocks r LEFT JOIN members raiser ON raiser.id = r.raised_by
        LEFT JOIN members resolver ON resolver.id = r.resolved_by
        WHERE {where} ORDER BY r.position""", params)
