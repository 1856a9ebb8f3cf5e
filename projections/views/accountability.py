"""Accountability facts, one row per commitment, handover and roadblock, so that the figures per
department and per owner are GROUP BY queries at read time (several of them depend on the day you
look). The semantics of each figure are documented in `projections.queries.accountability`.

- `accountability_commitments`: department, owner (the current one, which is also the owner at the
  outcome: ownership cannot change once a commitment is closed), original and current due date,
  status, completion date with its kept / kept-on-original / late flags, due-date moves and days
  slipped.
- `accountability_handovers`: every handover (from, to), for handovers in and out per owner.
- `accountability_roadblocks`: every roadblock with its commitment's department and owner (kept in
  step with handovers), its time to resolve in days (NULL while open), who resolved it and the
  department that helped.
"""

from __future__ import annotations

from datetime import datetime
from sqlite3 import Cursor

from sqlite_utils import Database

from projections.facts import Fact
from projections.view import View

COMMITMENTS = "accountability_commitments"
HANDOVERS = "accountability_handovers"
ROADBLOCKS = "accountability_roadblocks"
SECONDS_PER_DAY = 86400
# The columns the figures are summed from: indexed after the grouping key so that the GROUP BY
# queries read the index alone.
_SUMMED = "status, due_date, original_due_date, kept, kept_on_original, late, moves, days_slipped"


class Accountability(View):
    name = "accountability"
    version = 2
    tables = (COMMITMENTS, HANDOVERS, ROADBLOCKS)

    def create(self, db: Database) -> None:
        db.executescript(
            f"""
            CREATE TABLE {COMMITMENTS} (
                commitment_id TEXT PRIMARY KEY, department TEXT NOT NULL, owner_id TEXT NOT NULL,
                original_due_date TEXT NOT NULL, due_date TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'open', completed_on TEXT,
                kept INTEGER NOT NULL DEFAULT 0, kept_on_original INTEGER NOT NULL DEFAULT 0,
                late INTEGER NOT NULL DEFAULT 0, moves INTEGER NOT NULL DEFAULT 0,
                days_slipped INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX {COMMITMENTS}_by_department ON {COMMITMENTS} (department, {_SUMMED});
            CREATE INDEX {COMMITMENTS}_by_owner ON {COMMITMENTS} (owner_id, department, {_SUMMED});
            CREATE TABLE {HANDOVERS} (
                position INTEGER PRIMARY KEY, commitment_id TEXT NOT NULL,
                department TEXT NOT NULL, from_owner TEXT NOT NULL, to_owner TEXT NOT NULL,
                handed_over_at TEXT NOT NULL);
            CREATE INDEX {HANDOVERS}_by_department ON {HANDOVERS} (department);
            CREATE INDEX {HANDOVERS}_by_from ON {HANDOVERS} (from_owner, department);
            CREATE INDEX {HANDOVERS}_by_to ON {HANDOVERS} (to_owner, department);
            CREATE TABLE {ROADBLOCKS} (
                commitment_id TEXT NOT NULL, roadblock_id TEXT NOT NULL,
                department TEXT NOT NULL, owner_id TEXT NOT NULL, raised_at TEXT NOT NULL,
                resolved_at TEXT, days_to_resolve REAL, resolved_by TEXT, helped_by TEXT,
                PRIMARY KEY (commitment_id, roadblock_id));
            CREATE INDEX {ROADBLOCKS}_by_department ON {ROADBLOCKS} (department, days_to_resolve);
            CREATE INDEX {ROADBLOCKS}_by_owner ON {ROADBLOCKS} (owner_id, days_to_resolve);
            CREATE INDEX {ROADBLOCKS}_by_department_owner
                ON {ROADBLOCKS} (department, owner_id, days_to_resolve);
            CREATE INDEX {ROADBLOCKS}_by_helper ON {ROADBLOCKS} (helped_by);
            CREATE INDEX {ROADBLOCKS}_by_resolver
                ON {ROADBLOCKS} (resolved_by, owner_id, department);
            """
        )

    def on_commitment_Made(self, db: Database, fact: Fact) -> None:
        due = fact.data["due_date"].isoformat()
        db.execute(
            f"INSERT INTO {COMMITMENTS} (commitment_id, department, owner_id, original_due_date,"
            " due_date) VALUES (?, ?, ?, ?, ?)",
            [fact.aggregate_text, fact.data["department"], str(fact.data["owner_id"]), due, due],
        )

    def on_commitment_DueDateMoved(self, db: Database, fact: Fact) -> None:
        slip = max(0, (fact.data["to_date"] - fact.data["from_date"]).days)
        _expect_one(db.execute(
            f"UPDATE {COMMITMENTS} SET due_date = ?, moves = moves + 1,"
            " days_slipped = days_slipped + ? WHERE commitment_id = ?",
            [fact.data["to_date"].isoformat(), slip, fact.aggregate_text],
        ), fact)

    def on_commitment_OwnershipHandedOver(self, db: Database, fact: Fact) -> None:
        commitment_id = fact.aggregate_text
        to_owner = str(fact.data["to_owner"])
        _expect_one(db.execute(
            f"UPDATE {COMMITMENTS} SET owner_id = ? WHERE commitment_id = ?",
            [to_owner, commitment_id],
        ), fact)
        db.execute(
            f"UPDATE {ROADBLOCKS} SET owner_id = ? WHERE commitment_id = ?",
            [to_owner, commitment_id],
        )
        db.execute(
            f"INSERT INTO {HANDOVERS} SELECT ?, commitment_id, department, ?, ?, ?"
            f" FROM {COMMITMENTS} WHERE commitment_id = ?",
            [fact.position, str(fact.data["from_owner"]), to_owner, fact.timestamp.isoformat(),
             commitment_id],
        )

    def on_commitment_Completed(self, db: Database, fact: Fact) -> None:
        # Kept: on or before the due date in force; kept on the original date: kept, and not
        # after the original due date either (so a pulled-in date that was missed is not kept).
        _expect_one(db.execute(
            f"UPDATE {COMMITMENTS} SET status = 'completed', completed_on = :on,"
            " kept = (:on <= due_date), late = (:on > due_date),"
            " kept_on_original = (:on <= due_date AND :on <= original_due_date)"
            " WHERE commitment_id = :id",
            {"on": fact.data["completed_on"].isoformat(), "id": fact.aggregate_text},
        ), fact)

    def on_commitment_Withdrawn(self, db: Database, fact: Fact) -> None:
        _expect_one(db.execute(
            f"UPDATE {COMMITMENTS} SET status = 'withdrawn' WHERE commitment_id = ?",
            [fact.aggregate_text],
        ), fact)

    def on_commitment_RoadblockRaised(self, db: Database, fact: Fact) -> None:
        _expect_one(db.execute(
            f"INSERT INTO {ROADBLOCKS} (commitment_id, roadblock_id, department, owner_id,"
            f" raised_at) SELECT commitment_id, ?, department, owner_id, ? FROM {COMMITMENTS}"
            " WHERE commitment_id = ?",
            [fact.data["roadblock_id"], fact.timestamp.isoformat(), fact.aggregate_text],
        ), fact)

    def on_commitment_RoadblockResolved(self, db: Database, fact: Fact) -> None:
        key = [fact.aggregate_text, fact.data["roadblock_id"]]
        row = db.execute(
            f"SELECT raised_at FROM {ROADBLOCKS} WHERE commitment_id = ? AND roadblock_id = ?", key
        ).fetchone()
        if row is None:
            raise LookupError(f"accountability view: {fact.key} at {fact.position}: no roadblock")
        raised_at = datetime.fromisoformat(row[0])
        days = (fact.timestamp - raised_at).total_seconds() / SECONDS_PER_DAY
        db.execute(
            f"UPDATE {ROADBLOCKS} SET resolved_at = ?, days_to_resolve = ?, resolved_by = ?,"
            " helped_by = ? WHERE commitment_id = ? AND roadblock_id = ?",
            [fact.timestamp.isoformat(), days, fact.actor_text, fact.data["helped_by"], *key],
        )


def _expect_one(cursor: Cursor, fact: Fact) -> None:
    """A fact that matches no row means the view and the log disagree: stop, loudly."""
    if cursor.rowcount != 1:
        raise LookupError(f"accountability view: {fact.key} at position {fact.position} matched "
                          f"{cursor.rowcount} rows")
