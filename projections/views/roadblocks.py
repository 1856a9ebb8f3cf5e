"""Every roadblock: on which commitment, who raised it and when, which departments were asked for
help (and when), and how it was resolved — by whom, when, with which department's help."""

from __future__ import annotations

from sqlite3 import Cursor

from sqlite_utils import Database

from projections.facts import Fact
from projections.view import View


class Roadblocks(View):
    name = "roadblocks"
    # 3: corrections and moves; 4: the open roadblocks' index covers raised_at; 5: no index of
    # the help asked by department (the filter looks it up by roadblock)
    version = 5
    tables = ("roadblocks", "roadblock_help", "roadblock_commitments")

    def create(self, db: Database) -> None:
        db.executescript(
            """
            CREATE TABLE roadblock_commitments (commitment_id TEXT PRIMARY KEY,
                department TEXT NOT NULL, title TEXT NOT NULL);
            CREATE TABLE roadblocks (
                commitment_id TEXT NOT NULL, roadblock_id TEXT NOT NULL,
                department TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
                raised_at TEXT NOT NULL, raised_by TEXT, position INTEGER NOT NULL,
                resolved_at TEXT, resolved_by TEXT, resolution TEXT, helped_by TEXT,
                PRIMARY KEY (commitment_id, roadblock_id));
            CREATE INDEX roadblocks_by_position ON roadblocks (position);
            CREATE INDEX roadblocks_open ON roadblocks (position, raised_at) WHERE resolved_at IS NULL;
            CREATE INDEX roadblocks_by_department ON roadblocks (department, position);
            CREATE INDEX roadblocks_by_helper ON roadblocks (helped_by);
            CREATE TABLE roadblock_help (
                commitment_id TEXT NOT NULL, roadblock_id TEXT NOT NULL,
                department TEXT NOT NULL, requested_at TEXT NOT NULL, requested_by TEXT,
                position INTEGER NOT NULL,
                PRIMARY KEY (commitment_id, roadblock_id, department));
            """
        )

    def on_commitment_Made(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO roadblock_commitments VALUES (?, ?, ?)",
            [fact.aggregate_text, fact.data["department"], fact.data["title"]],
        )

    def on_commitment_DetailsCorrected(self, db: Database, fact: Fact) -> None:
        """A corrected title is the title everywhere (it was wrong, not changed)."""
        if "title" in fact.data["changes"]:
            title = fact.data["changes"]["title"][1]
            for table in ("roadblock_commitments", "roadblocks"):
                db.execute(f"UPDATE {table} SET title = ? WHERE commitment_id = ?",
                           [title, fact.aggregate_text])

    def on_commitment_MovedToDepartment(self, db: Database, fact: Fact) -> None:
        """Its roadblocks, open or resolved, go with the commitment to its new department."""
        for table in ("roadblock_commitments", "roadblocks"):
            db.execute(f"UPDATE {table} SET department = ? WHERE commitment_id = ?",
                       [fact.data["to_department"], fact.aggregate_text])

    def on_commitment_RoadblockRaised(self, db: Database, fact: Fact) -> None:
        cursor = db.execute(
            "INSERT INTO roadblocks (commitment_id, roadblock_id, department, title, description,"
            " raised_at, raised_by, position)"
            " SELECT commitment_id, ?, department, title, ?, ?, ?, ? FROM roadblock_commitments"
            " WHERE commitment_id = ?",
            [fact.data["roadblock_id"], fact.data["description"], fact.timestamp.isoformat(),
             fact.actor_text, fact.position, fact.aggregate_text],
        )
        _expect_one(cursor, fact)

    def on_commitment_HelpRequested(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO roadblock_help VALUES (?, ?, ?, ?, ?, ?)",
            [fact.aggregate_text, fact.data["roadblock_id"], fact.data["department"],
             fact.timestamp.isoformat(), fact.actor_text, fact.position],
        )

    def on_commitment_RoadblockResolved(self, db: Database, fact: Fact) -> None:
        cursor = db.execute(
            "UPDATE roadblocks SET resolved_at = ?, resolved_by = ?, resolution = ?, helped_by = ?"
            " WHERE commitment_id = ? AND roadblock_id = ? AND resolved_at IS NULL",
            [fact.timestamp.isoformat(), fact.actor_text, fact.data["resolution"],
             fact.data["helped_by"], fact.aggregate_text, fact.data["roadblock_id"]],
        )
        _expect_one(cursor, fact)


def _expect_one(cursor: Cursor, fact: Fact) -> None:
    """A fact that matches no row means the view and the log disagree: stop, loudly."""
    if cursor.rowcount != 1:
        raise LookupError(f"roadblocks view: {fact.key} at position {fact.position} matched "
                          f"{cursor.rowcount} rows")
