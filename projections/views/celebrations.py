"""The celebrations wall: every celebration, and every completion as a win.

A win remembers whether the commitment was completed on or before the due date in force then
(`on_time`); a helper table keeps each commitment's department, title and current due date.
"""

from __future__ import annotations

from sqlite3 import Cursor

from sqlite_utils import Database

from projections.facts import Fact
from projections.view import View


class Celebrations(View):
    name = "celebrations"
    # 2: corrections and moves; 3: no index by department (the wall's plan never used them)
    version = 3
    tables = ("celebrations", "wins", "celebration_commitments")

    def create(self, db: Database) -> None:
        db.executescript(
            """
            CREATE TABLE celebration_commitments (commitment_id TEXT PRIMARY KEY,
                department TEXT NOT NULL, title TEXT NOT NULL, due_date TEXT NOT NULL);
            CREATE TABLE celebrations (
                position INTEGER PRIMARY KEY, commitment_id TEXT NOT NULL,
                department TEXT NOT NULL, title TEXT NOT NULL, message TEXT NOT NULL,
                celebrated_by TEXT, celebrated_at TEXT NOT NULL);
            CREATE TABLE wins (
                position INTEGER PRIMARY KEY, commitment_id TEXT NOT NULL UNIQUE,
                department TEXT NOT NULL, title TEXT NOT NULL, evidence TEXT NOT NULL,
                completed_on TEXT NOT NULL, due_date TEXT NOT NULL, on_time INTEGER NOT NULL,
                completed_by TEXT, completed_at TEXT NOT NULL);
            """
        )

    def on_commitment_Made(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO celebration_commitments VALUES (?, ?, ?, ?)",
            [fact.aggregate_text, fact.data["department"], fact.data["title"],
             fact.data["due_date"].isoformat()],
        )

    def on_commitment_DueDateMoved(self, db: Database, fact: Fact) -> None:
        _expect_one(db.execute(
            "UPDATE celebration_commitments SET due_date = ? WHERE commitment_id = ?",
            [fact.data["to_date"].isoformat(), fact.aggregate_text],
        ), fact)

    def on_commitment_DetailsCorrected(self, db: Database, fact: Fact) -> None:
        """A corrected title is the title everywhere; a win stays with its department."""
        if "title" in fact.data["changes"]:
            title = fact.data["changes"]["title"][1]
            for table in ("celebration_commitments", "celebrations", "wins"):
                db.execute(f"UPDATE {table} SET title = ? WHERE commitment_id = ?",
                           [title, fact.aggregate_text])

    def on_commitment_MovedToDepartment(self, db: Database, fact: Fact) -> None:
        _expect_one(db.execute(
            "UPDATE celebration_commitments SET department = ? WHERE commitment_id = ?",
            [fact.data["to_department"], fact.aggregate_text],
        ), fact)

    def on_commitment_Celebrated(self, db: Database, fact: Fact) -> None:
        _expect_one(db.execute(
            "INSERT INTO celebrations SELECT ?, commitment_id, department, title, ?, ?, ?"
            " FROM celebration_commitments WHERE commitment_id = ?",
            [fact.position, fact.data["message"], fact.actor_text, fact.timestamp.isoformat(),
             fact.aggregate_text],
        ), fact)

    def on_commitment_Completed(self, db: Database, fact: Fact) -> None:
        _expect_one(db.execute(
            "INSERT INTO wins SELECT :position, commitment_id, department, title, :evidence, :on,"
            " due_date, :on <= due_date, :by, :at"
            " FROM celebration_commitments WHERE commitment_id = :id",
            {"position": fact.position, "evidence": fact.data["evidence"],
             "on": fact.data["completed_on"].isoformat(), "by": fact.actor_text,
             "at": fact.timestamp.isoformat(), "id": fact.aggregate_text},
        ), fact)


def _expect_one(cursor: Cursor, fact: Fact) -> None:
    """A fact that matches no row means the view and the log disagree: stop, loudly."""
    if cursor.rowcount != 1:
        raise LookupError(f"celebrations view: {fact.key} at position {fact.position} matched "
                          f"{cursor.rowcount} rows")
