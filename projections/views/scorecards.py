"""Leader scorecards: each one's current state (`scorecards`) and every step of it
(`scorecard_events`: who proposed, revised, asked for a change, agreed, approved, when, with the
items as they stood after the step). A scorecard as of a log position is the last step at or
before it (`projections/audit/scorecards_as_of.py`); no replay."""

from __future__ import annotations

import json

from sqlite_utils import Database

from projections.facts import Fact
from projections.view import View
from tracker.domain import Period

STATUS_AFTER = {
    "ScorecardProposed": "proposed", "ScorecardRevised": "proposed",
    "ScorecardChangeRequested": "change_requested", "ScorecardAgreed": "agreed",
    "ScorecardApproved": "approved",
}


class Scorecards(View):
    name = "scorecards"
    version = 1
    tables = ("scorecards", "scorecard_events")
    lookup_indexes = frozenset({"scorecard_events_by_card"})

    def create(self, db: Database) -> None:
        db.executescript(
            """
            CREATE TABLE scorecards (
                id TEXT PRIMARY KEY, lead_id TEXT NOT NULL, department TEXT NOT NULL,
                period TEXT NOT NULL, period_start TEXT NOT NULL, period_end TEXT NOT NULL,
                status TEXT NOT NULL, revision INTEGER NOT NULL, items TEXT NOT NULL,
                proposed_at TEXT NOT NULL, updated_at TEXT NOT NULL, version INTEGER NOT NULL);
            CREATE INDEX scorecards_by_period ON scorecards (period, department);
            CREATE INDEX scorecards_by_lead ON scorecards (lead_id, period_start);
            CREATE TABLE scorecard_events (
                position INTEGER PRIMARY KEY, scorecard_id TEXT NOT NULL, at TEXT NOT NULL,
                actor_id TEXT, kind TEXT NOT NULL, status TEXT NOT NULL, revision INTEGER NOT NULL,
                items TEXT NOT NULL, text TEXT NOT NULL DEFAULT '');
            CREATE INDEX scorecard_events_by_card ON scorecard_events (scorecard_id, position);
            """
        )

    def on_scorecard_ScorecardProposed(self, db: Database, fact: Fact) -> None:
        d = fact.data
        period = Period.parse(d["period"])
        items = json.dumps(d["items"])
        db.execute(
            "INSERT INTO scorecards VALUES (?, ?, ?, ?, ?, ?, 'proposed', 1, ?, ?, ?, ?)",
            [fact.aggregate_text, str(d["lead_id"]), d["department"], period.label,
             period.start.isoformat(), period.end.isoformat(), items, fact.instant, fact.instant,
             fact.version],
        )
        self._step(db, fact, d.get("note") or "")

    def on_scorecard_ScorecardRevised(self, db: Database, fact: Fact) -> None:
        db.execute(
            "UPDATE scorecards SET items = ?, revision = revision + 1 WHERE id = ?",
            [json.dumps(fact.data["items"]), fact.aggregate_text],
        )
        self._step(db, fact, fact.data["reason"])

    def on_scorecard_ScorecardChangeRequested(self, db: Database, fact: Fact) -> None:
        self._step(db, fact, fact.data["comment"])

    def on_scorecard_ScorecardAgreed(self, db: Database, fact: Fact) -> None:
        self._step(db, fact, fact.data["comment"])

    def on_scorecard_ScorecardApproved(self, db: Database, fact: Fact) -> None:
        self._step(db, fact, fact.data["comment"])

    @staticmethod
    def _step(db: Database, fact: Fact, text: str) -> None:
        status = STATUS_AFTER[fact.kind]
        db.execute("UPDATE scorecards SET status = ?, updated_at = ?, version = ? WHERE id = ?",
                   [status, fact.instant, fact.version, fact.aggregate_text])
        revision, items = db.execute("SELECT revision, items FROM scorecards WHERE id = ?",
                                     [fact.aggregate_text]).fetchone()
        db.execute(
            "INSERT INTO scorecard_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [fact.position, fact.aggregate_text, fact.instant, fact.actor_text, fact.kind, status,
             revision, items, text],
        )
