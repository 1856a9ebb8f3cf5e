"""Ownership periods: who owned each commitment from when to when.

A commitment's first period starts when it is made (reason NULL); each handover ends the current
period and starts the next one, carrying the handover's reason. The current period has `until`
NULL — also after completion or withdrawal: the last owner stays answerable for the outcome.
"""

from __future__ import annotations

from sqlite_utils import Database

from projections.facts import Fact
from projections.view import View


class Ownership(View):
    name = "ownership"
    version = 1
    tables = ("ownership_periods",)

    def create(self, db: Database) -> None:
        db.executescript(
            """
            CREATE TABLE ownership_periods (
                commitment_id TEXT NOT NULL, seq INTEGER NOT NULL, department TEXT NOT NULL,
                owner_id TEXT NOT NULL, since TEXT NOT NULL, until TEXT, reason TEXT,
                assigned_by TEXT, PRIMARY KEY (commitment_id, seq));
            CREATE UNIQUE INDEX ownership_periods_current
                ON ownership_periods (commitment_id) WHERE until IS NULL;
            CREATE INDEX ownership_periods_by_owner ON ownership_periods (owner_id, since);
            """
        )

    def on_commitment_Made(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO ownership_periods VALUES (?, 1, ?, ?, ?, NULL, NULL, ?)",
            [fact.aggregate_text, fact.data["department"], str(fact.data["owner_id"]),
             fact.timestamp.isoformat(), fact.actor_text],
        )

    def on_commitment_OwnershipHandedOver(self, db: Database, fact: Fact) -> None:
        commitment_id = fact.aggregate_text
        current = db.execute(
            "SELECT seq, department, owner_id FROM ownership_periods"
            " WHERE commitment_id = ? AND until IS NULL",
            [commitment_id],
        ).fetchone()
        if current is None or current[2] != str(fact.data["from_owner"]):
            raise LookupError(
                f"ownership view: {fact.key} at position {fact.position} does not follow the "
                f"current period {current!r}"
            )
        seq, department, _ = current
        at = fact.timestamp.isoformat()
        db.execute(
            "UPDATE ownership_periods SET until = ? WHERE commitment_id = ? AND seq = ?",
            [at, commitment_id, seq],
        )
        db.execute(
            "INSERT INTO ownership_periods VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
            [commitment_id, seq + 1, department, str(fact.data["to_owner"]), at,
             fact.data["reason"], fact.actor_text],
        )
