"""The commitment board: the current state of every commitment, one row each.

Health is not stored (it depends on the day you look): queries derive it with
`projections.health.health_sql` from the columns kept here.

- `due_date_moves`: how many times the due date was moved.
- `days_slipped`: the net slip, in days, of the current due date past the original one
  (`max(0, due_date - original_due_date)`); a due date moved back to or before the original
  date counts 0. A date moved out 31 days and then in 10 has slipped 21 days.
- `due_at_completion`: the due date in force when it was completed (what "done late" is judged
  against: moving a due date before completing is not lateness).
- `open_roadblocks` / `open_help_requests`: unresolved roadblocks / those on which another
  department's help was asked; `board_roadblocks` keeps the per-roadblock facts behind them.
- `version`: the aggregate's version, for the web's optimistic concurrency (`expected_version`).
- `contributors`: the contributing departments' slugs, comma-separated in the order named ('' for
  none); `board_contributors` has a row per (commitment, department) for a department's board.
- `milestones_total` / `milestones_ticked`: the current milestones (`board_milestones` keeps
  each, removed ones flagged); while there are any, `progress` is `100 * ticked / total`
  (integer division, as `Commitment` computes it).

`board_closed_counts` counts completed and withdrawn commitments per department, journey ('' for
none) and final health, so the dashboard derives health only for the open ones, from the
partial index `commitments_open_health` (every column the health rule reads) without the table.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from projections.facts import Fact
from projections.health import health_sql
from projections.instants import instant_text
from projections.view import View


class Board(View):
    name = "board"
    # 5: corrections and moves between departments; 6: contributors, milestones; 7: no index on
    # due_date alone (no query's plan used it)
    version = 7
    tables = ("commitments", "board_roadblocks", "board_closed_counts", "board_contributors",
              "board_milestones")
    lookup_indexes = frozenset({"board_contributors_department"})

    def create(self, db: Database) -> None:
        script = (
            """
            CREATE TABLE commitments (
                id TEXT PRIMARY KEY, department TEXT NOT NULL, title TEXT NOT NULL,
                description TEXT NOT NULL, owner_id TEXT NOT NULL, owner_name TEXT,
                journey TEXT, kpi TEXT, made_at TEXT NOT NULL, made_by TEXT,
                original_due_date TEXT NOT NULL, due_date TEXT NOT NULL,
                due_date_moves INTEGER NOT NULL DEFAULT 0, days_slipped INTEGER NOT NULL DEFAULT 0,
                progress INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'open',
                completed_on TEXT, due_at_completion TEXT, evidence TEXT, withdrawn_reason TEXT,
                open_roadblocks INTEGER NOT NULL DEFAULT 0,
                open_help_requests INTEGER NOT NULL DEFAULT 0,
                contributors TEXT NOT NULL DEFAULT '',
                milestones_total INTEGER NOT NULL DEFAULT 0,
                milestones_ticked INTEGER NOT NULL DEFAULT 0,
                last_event_at TEXT NOT NULL, version INTEGER NOT NULL);
            CREATE INDEX commitments_department ON commitments (department, due_date);
            CREATE INDEX commitments_owner ON commitments (owner_id, due_date);
            CREATE INDEX commitments_status ON commitments (status, due_date);
            CREATE INDEX commitments_journey ON commitments (journey, due_date);
            CREATE INDEX commitments_open_health ON commitments (department, journey, due_date,
                progress, open_roadblocks, open_help_requests, due_date_moves, status,
                completed_on, due_at_completion) WHERE status = 'open';
            CREATE INDEX commitments_burnup ON commitments (completed_on, due_date,
                due_at_completion, made_at) WHERE status <> 'withdrawn';
            CREATE TABLE board_roadblocks (
                commitment_id TEXT NOT NULL, roadblock_id TEXT NOT NULL,
                help_requested INTEGER NOT NULL DEFAULT 0, resolved INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (commitment_id, roadblock_id));
            CREATE TABLE board_contributors (
                commitment_id TEXT NOT NULL, department TEXT NOT NULL, added_at TEXT NOT NULL,
                PRIMARY KEY (commitment_id, department));
            CREATE INDEX board_contributors_department ON board_contributors (department);
            CREATE TABLE board_milestones (
                commitment_id TEXT NOT NULL, milestone_id TEXT NOT NULL, ordinal INTEGER NOT NULL,
                text TEXT NOT NULL, ticked INTEGER NOT NULL DEFAULT 0,
                removed INTEGER NOT NULL DEFAULT 0, ticked_at TEXT, ticked_by TEXT,
                PRIMARY KEY (commitment_id, milestone_id));
            CREATE TABLE board_closed_counts (
                department TEXT NOT NULL, journey TEXT NOT NULL, health TEXT NOT NULL,
                n INTEGER NOT NULL, PRIMARY KEY (department, journey, health));
            """
        )
        db.executescript(script)

    def on_commitment_Made(self, db: Database, fact: Fact) -> None:
        d = fact.data
        due = d["due_date"].isoformat()
        at = fact.instant
        db.conn.execute(
            "INSERT INTO commitments (id, department, title, description, owner_id, owner_name,"
            " journey, kpi, made_at, made_by, original_due_date, due_date, last_event_at, version)"
            " VALUES (?, ?, ?, ?, ?, (SELECT name FROM members WHERE id = ?),"
            " ?, ?, ?, ?, ?, ?, ?, ?)",
            [fact.aggregate_text, d["department"], d["title"], d["description"],
             str(d["owner_id"]), str(d["owner_id"]), d["journey"], d["kpi"], at,
             fact.actor_text, due, due, at, fact.version],
        )

    def on_commitment_ProgressReported(self, db: Database, fact: Fact) -> None:
        self._update(db, fact, "progress = ?", [fact.data["percent"]])

    def on_commitment_DueDateMoved(self, db: Database, fact: Fact) -> None:
        to = fact.data["to_date"].isoformat()
        self._update(
            db, fact,
            "due_date = ?, due_date_moves = due_date_moves + 1, days_slipped ="
            " MAX(0, CAST(julianday(?) - julianday(original_due_date) AS INTEGER))",
            [to, to],
        )

    def on_commitment_OwnershipHandedOver(self, db: Database, fact: Fact) -> None:
        owner = str(fact.data["to_owner"])
        self._update(
            db, fact, "owner_id = ?, owner_name = (SELECT name FROM members WHERE id = ?)",
            [owner, owner],
        )

    def on_commitment_RoadblockRaised(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO board_roadblocks (commitment_id, roadblock_id) VALUES (?, ?)",
            [str(fact.aggregate_id), fact.data["roadblock_id"]],
        )
        self._update_roadblocks(db, fact)

    def on_commitment_HelpRequested(self, db: Database, fact: Fact) -> None:
        self._roadblock(db, fact, "help_requested = 1")
        self._update_roadblocks(db, fact)

    def on_commitment_RoadblockResolved(self, db: Database, fact: Fact) -> None:
        self._roadblock(db, fact, "resolved = 1")
        self._update_roadblocks(db, fact)

    def on_commitment_Completed(self, db: Database, fact: Fact) -> None:
        self._update(
            db, fact,
            "status = 'completed', completed_on = ?, due_at_completion = due_date,"
            " evidence = ?, progress = 100",
            [fact.data["completed_on"].isoformat(), fact.data["evidence"]],
        )
        self._count_closed(db, fact)

    def on_commitment_Withdrawn(self, db: Database, fact: Fact) -> None:
        self._update(db, fact, "status = 'withdrawn', withdrawn_reason = ?", [fact.data["reason"]])
        self._count_closed(db, fact)

    def on_commitment_DetailsCorrected(self, db: Database, fact: Fact) -> None:
        changes = {f: after for f, (_, after) in fact.data["changes"].items() if f in CORRECTED}
        closed = "journey" in changes and self._is_closed(db, fact)
        if closed:  # a closed one is counted under its journey: count it under the new one
            self._count_closed(db, fact, -1)
        self._update(db, fact, ", ".join(f"{f} = ?" for f in changes), list(changes.values()))
        if closed:
            self._count_closed(db, fact)

    def on_commitment_MovedToDepartment(self, db: Database, fact: Fact) -> None:
        to = fact.data["to_department"]
        # A contributing department that now owns it no longer contributes (as Commitment does).
        db.execute("DELETE FROM board_contributors WHERE commitment_id = ? AND department = ?",
                   [fact.aggregate_text, to])
        self._update(db, fact, f"department = ?, contributors = {_CONTRIBUTORS}",
                     [to, fact.aggregate_text])

    def on_commitment_ContributorAdded(self, db: Database, fact: Fact) -> None:
        db.execute("INSERT INTO board_contributors VALUES (?, ?, ?)",
                   [fact.aggregate_text, fact.data["department"], instant_text(fact.timestamp)])
        self._update(db, fact, f"contributors = {_CONTRIBUTORS}", [fact.aggregate_text])

    def on_commitment_ContributorRemoved(self, db: Database, fact: Fact) -> None:
        db.execute("DELETE FROM board_contributors WHERE commitment_id = ? AND department = ?",
                   [fact.aggregate_text, fact.data["department"]])
        self._update(db, fact, f"contributors = {_CONTRIBUTORS}", [fact.aggregate_text])

    def on_commitment_MilestoneAdded(self, db: Database, fact: Fact) -> None:
        db.execute(
            "INSERT INTO board_milestones (commitment_id, milestone_id, ordinal, text)"
            " VALUES (?, ?, (SELECT count(*) FROM board_milestones WHERE commitment_id = ?), ?)",
            [fact.aggregate_text, fact.data["milestone_id"], fact.aggregate_text,
             fact.data["text"]],
        )
        self._follow_milestones(db, fact)

    def on_commitment_MilestoneTicked(self, db: Database, fact: Fact) -> None:
        self._milestone(db, fact, "ticked = 1, ticked_at = ?, ticked_by = ?",
                        [instant_text(fact.timestamp), _text(fact.actor)])

    def on_commitment_MilestoneUnticked(self, db: Database, fact: Fact) -> None:
        self._milestone(db, fact, "ticked = 0, ticked_at = NULL, ticked_by = NULL", [])

    def on_commitment_MilestoneRemoved(self, db: Database, fact: Fact) -> None:
        self._milestone(db, fact, "removed = 1", [])

    def on_commitment_Celebrated(self, db: Database, fact: Fact) -> None:
        self._update(db, fact)

    def on_commitment_NoteAdded(self, db: Database, fact: Fact) -> None:
        self._update(db, fact)

    def on_commitment_PatternCited(self, db: Database, fact: Fact) -> None:
        self._update(db, fact)

    def on_commitment_PatternUncited(self, db: Database, fact: Fact) -> None:
        self._update(db, fact)

    # Helpers

    @staticmethod
    def _update(db: Database, fact: Fact, sets: str = "", params: list[Any] | None = None) -> None:
        """Apply `sets` (code-defined SQL, values bound) and stamp the row with this event."""
        sql = _UPDATE_SQL.get(sets)
        if sql is None:
            sql = _UPDATE_SQL[sets] = (
                f"UPDATE commitments SET {sets + ', ' if sets else ''}last_event_at = ?,"
                " version = ? WHERE id = ?")
        cursor = db.conn.execute(
            sql, [*(params or ()), fact.instant, fact.version, fact.aggregate_text])
        if cursor.rowcount != 1:
            raise LookupError(f"board: no commitment {fact.aggregate_id} for {fact.key}")

    def _milestone(self, db: Database, fact: Fact, sets: str, params: list[Any]) -> None:
        cursor = db.execute(
            f"UPDATE board_milestones SET {sets} WHERE commitment_id = ? AND milestone_id = ?",
            [*params, fact.aggregate_text, fact.data["milestone_id"]],
        )
        if cursor.rowcount != 1:
            raise LookupError(f"board: no milestone {fact.data['milestone_id']} for {fact.key}")
        self._follow_milestones(db, fact)

    def _follow_milestones(self, db: Database, fact: Fact) -> None:
        """Recount the commitment's current milestones (a short checklist: O(1) per event) and,
        while there are any, set its progress from them."""
        total, ticked = db.execute(
            "SELECT count(*), coalesce(sum(ticked), 0) FROM board_milestones"
            " WHERE commitment_id = ? AND removed = 0", [fact.aggregate_text]).fetchone()
        progress = "progress = ?, " if total else ""
        self._update(
            db, fact, f"{progress}milestones_total = ?, milestones_ticked = ?",
            ([100 * ticked // total] if total else []) + [total, ticked],
        )

    @staticmethod
    def _roadblock(db: Database, fact: Fact, sets: str) -> None:
        cursor = db.execute(
            f"UPDATE board_roadblocks SET {sets} WHERE commitment_id = ? AND roadblock_id = ?",
            [str(fact.aggregate_id), fact.data["roadblock_id"]],
        )
        if cursor.rowcount != 1:
            raise LookupError(f"board: no roadblock {fact.data['roadblock_id']} for {fact.key}")

    @staticmethod
    def _count_closed(db: Database, fact: Fact, n: int = 1) -> None:
        """Count the just-closed commitment under its final health (which never changes again);
        `n` -1 takes it out again (before a correction moves it to another journey)."""
        db.execute(
            "INSERT INTO board_closed_counts (department, journey, health, n)"
            f" SELECT department, COALESCE(journey, ''), {health_sql('NULL')}, ?"
            " FROM commitments WHERE id = ?"
            " ON CONFLICT (department, journey, health) DO UPDATE SET n = n + excluded.n",
            [n, str(fact.aggregate_id)],
        )

    @staticmethod
    def _is_closed(db: Database, fact: Fact) -> bool:
        row = db.execute("SELECT status FROM commitments WHERE id = ?",
                         [str(fact.aggregate_id)]).fetchone()
        return row is not None and row[0] != "open"

    def _update_roadblocks(self, db: Database, fact: Fact) -> None:
        cid = str(fact.aggregate_id)
        self._update(
            db, fact,
            "open_roadblocks = (SELECT count(*) FROM board_roadblocks"
            "  WHERE commitment_id = ? AND resolved = 0),"
            " open_help_requests = (SELECT count(*) FROM board_roadblocks"
            "  WHERE commitment_id = ? AND resolved = 0 AND help_requested = 1)",
            [cid, cid],
        )


_UPDATE_SQL: dict[str, str] = {}  # sets -> the UPDATE statement of `Board._update`
# The contributing departments in the order named, as the `contributors` column keeps them.
_CONTRIBUTORS = ("(SELECT coalesce(group_concat(department, ','), '') FROM (SELECT department"
                 " FROM board_contributors WHERE commitment_id = ? ORDER BY rowid))")
CORRECTED = ("title", "description", "journey", "kpi")  # the board columns a correction sets


def _text(value: object) -> str | None:
    return None if value is None else str(value)
