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
- `accountability_closed`: running totals of the closed (completed or withdrawn) commitments per
  department and owner. A closed commitment's figures never change (nor its owner), so the whole
  page adds to these only the open commitments' share (a few thousand at most) at read time.
- `accountability_roadblock_figures`: per department and per owner (`scope`), roadblocks raised,
  resolved, their median days to resolve and roadblocks helped with, refreshed for the keys each
  roadblock event or handover touches (one indexed median lookup each), so that the whole page
  reads them instead of one median query per owner.
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
CLOSED = "accountability_closed"
ROADBLOCK_FIGURES = "accountability_roadblock_figures"
SECONDS_PER_DAY = 86400
# The columns the figures are summed from: indexed after the grouping key so that the GROUP BY
# queries read the index alone.
_SUMMED = "status, due_date, original_due_date, kept, kept_on_original, late, moves, days_slipped"


class Accountability(View):
    name = "accountability"
    version = 3
    tables = (COMMITMENTS, HANDOVERS, ROADBLOCKS, CLOSED, ROADBLOCK_FIGURES)

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
            CREATE INDEX {COMMITMENTS}_open ON {COMMITMENTS}
                (department, owner_id, due_date, original_due_date, moves, days_slipped)
                WHERE status = 'open';
            CREATE INDEX {COMMITMENTS}_withdrawn ON {COMMITMENTS}
                (original_due_date, department, owner_id) WHERE status = 'withdrawn';
            CREATE TABLE {CLOSED} (
                department TEXT NOT NULL, owner_id TEXT NOT NULL, made INTEGER NOT NULL,
                kept INTEGER NOT NULL, kept_on_original INTEGER NOT NULL, late INTEGER NOT NULL,
                withdrawn INTEGER NOT NULL, moves INTEGER NOT NULL, days_slipped INTEGER NOT NULL,
                PRIMARY KEY (department, owner_id)) WITHOUT ROWID;
            CREATE TABLE {ROADBLOCK_FIGURES} (
                scope TEXT NOT NULL, key TEXT NOT NULL, raised INTEGER NOT NULL,
                resolved INTEGER NOT NULL, median_days_to_resolve REAL, helped INTEGER NOT NULL,
                PRIMARY KEY (scope, key)) WITHOUT ROWID;
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
        # The commitment's roadblocks move to the new owner; whoever resolved one of them may
        # now (or no longer) be helping somebody else: only the two owners' figures change.
        if db.execute(f"SELECT 1 FROM {ROADBLOCKS} WHERE commitment_id = ?",
                      [commitment_id]).fetchone():
            for owner in (str(fact.data["from_owner"]), to_owner):
                _refresh_owner(db, owner)

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
        _add_to_closed(db, fact.aggregate_text)

    def on_commitment_Withdrawn(self, db: Database, fact: Fact) -> None:
        _expect_one(db.execute(
            f"UPDATE {COMMITMENTS} SET status = 'withdrawn' WHERE commitment_id = ?",
            [fact.aggregate_text],
        ), fact)
        _add_to_closed(db, fact.aggregate_text)

    def on_commitment_RoadblockRaised(self, db: Database, fact: Fact) -> None:
        _expect_one(db.execute(
            f"INSERT INTO {ROADBLOCKS} (commitment_id, roadblock_id, department, owner_id,"
            f" raised_at) SELECT commitment_id, ?, department, owner_id, ? FROM {COMMITMENTS}"
            " WHERE commitment_id = ?",
            [fact.data["roadblock_id"], fact.timestamp.isoformat(), fact.aggregate_text],
        ), fact)
        _refresh_commitment_keys(db, fact.aggregate_text)

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
        _refresh_commitment_keys(db, fact.aggregate_text)
        if fact.data["helped_by"]:
            _refresh_department(db, fact.data["helped_by"])
        if fact.actor_text is not None:
            _refresh_owner(db, fact.actor_text)


def _add_to_closed(db: Database, commitment_id: str) -> None:
    """Add a commitment that has just closed to its department and owner's closed totals."""
    db.execute(
        f"INSERT INTO {CLOSED} SELECT department, owner_id, 1, kept, kept_on_original, late,"
        f" status = 'withdrawn', moves, days_slipped FROM {COMMITMENTS} WHERE commitment_id = ?"
        " ON CONFLICT (department, owner_id) DO UPDATE SET made = made + 1,"
        " kept = kept + excluded.kept, kept_on_original = kept_on_original"
        " + excluded.kept_on_original, late = late + excluded.late,"
        " withdrawn = withdrawn + excluded.withdrawn, moves = moves + excluded.moves,"
        " days_slipped = days_slipped + excluded.days_slipped",
        [commitment_id],
    )


def _refresh_commitment_keys(db: Database, commitment_id: str) -> None:
    """Refresh the roadblock figures of a commitment's department and owner."""
    department, owner = db.execute(
        f"SELECT department, owner_id FROM {COMMITMENTS} WHERE commitment_id = ?", [commitment_id]
    ).fetchone()
    _refresh_department(db, department)
    _refresh_owner(db, owner)


def _refresh_department(db: Database, department: str) -> None:
    helped = db.execute(f"SELECT count(*) FROM {ROADBLOCKS} WHERE helped_by = ?",
                        [department]).fetchone()[0]
    _refresh(db, "department", department, helped)


def _refresh_owner(db: Database, owner: str) -> None:
    helped = db.execute(f"SELECT count(*) FROM {ROADBLOCKS} WHERE resolved_by = :key"
                        " AND owner_id <> :key", {"key": owner}).fetchone()[0]
    _refresh(db, "owner_id", owner, helped)


def _refresh(db: Database, scope: str, key: str, helped: int) -> None:
    """Recount one key's roadblocks (`scope` is the column it is in) and find its median days to
    resolve: the middle one or two durations read in index order."""
    raised, resolved = db.execute(
        f"SELECT count(*), count(days_to_resolve) FROM {ROADBLOCKS} WHERE {scope} = ?", [key]
    ).fetchone()
    median = None
    if resolved:
        middle = [row[0] for row in db.execute(
            f"SELECT days_to_resolve FROM {ROADBLOCKS} WHERE {scope} = ?"
            " AND days_to_resolve IS NOT NULL ORDER BY days_to_resolve LIMIT ? OFFSET ?",
            [key, 2 - resolved % 2, (resolved - 1) // 2],
        ).fetchall()]
        median = sum(middle) / len(middle)
    db.execute(f"INSERT OR REPLACE INTO {ROADBLOCK_FIGURES} VALUES (?, ?, ?, ?, ?, ?)",
               [scope, key, raised, resolved, median, helped])


def _expect_one(cursor: Cursor, fact: Fact) -> None:
    """A fact that matches no row means the view and the log disagree: stop, loudly."""
    if cursor.rowcount != 1:
        raise LookupError(f"accountability view: {fact.key} at position {fact.position} matched "
                          f"{cursor.rowcount} rows")
