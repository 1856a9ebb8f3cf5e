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
- `accountability_contributors`: which departments contribute to which commitment (beside the
  owning one); `contributed` in a department's figures row counts the commitments it contributes
  to now (+1 named, -1 removed or when the commitment moves to it).
- `accountability_figures`: every figure that does not depend on the day you look, kept per
  department and owner (`owner_id` ''), per owner (`department` '') and per department and
  owner, updated in place by each event (+1/-1, a handover moves its commitment's share from one
  owner to the other): nothing is ever recounted. The median days to resolve is kept with a
  cursor on the lower middle resolved roadblock in (days_to_resolve, rowid) order; a roadblock
  resolved, or moved to another owner by a handover, moves the cursor by at most one place (one
  indexed look-up of the next or previous duration), so each costs O(log n) whatever the
  history. The page reads these rows and adds only the open and withdrawn commitments' share of
  the figures that depend on the day (missed, due so far) from partial indexes. The as-of page
  (`projections.audit.accountability`) reads their handovers in and out per owner and per
  department, less the handovers after its instant, late in the log.
"""

from __future__ import annotations

from datetime import datetime
from sqlite3 import Cursor
from typing import Any

from sqlite_utils import Database

from projections.facts import Fact
from projections.view import View

COMMITMENTS = "accountability_commitments"
CONTRIBUTORS = "accountability_contributors"
HANDOVERS = "accountability_handovers"
ROADBLOCKS = "accountability_roadblocks"
FIGURES = "accountability_figures"
SECONDS_PER_DAY = 86400
ALL = ""  # the department or owner of a figures row that counts every department or owner
# The columns of `accountability_figures` that events add to (the median's are kept apart).
COUNTED = ("made", "kept", "kept_on_original", "late", "withdrawn", "moves", "days_slipped",
           "handovers_in", "handovers_out", "raised", "helped", "contributed")
# The indexes the median cursors walk, per kind of key, and the WHERE that selects the key's
# roadblocks; the handlers look up through them, so a rebuild keeps them during the load.
MEDIAN_INDEXES = {
    "pair": (f"{ROADBLOCKS}_by_department_owner", "department = :department AND owner_id = :owner"),
    "department": (f"{ROADBLOCKS}_by_department", "department = :department"),
    "owner": (f"{ROADBLOCKS}_by_owner", "owner_id = :owner"),
}
Key = tuple[str, str]  # (department, owner_id), either may be ALL


class Accountability(View):
    name = "accountability"
    version = 5  # 4: commitments moved between departments; 5: contributing departments
    tables = (COMMITMENTS, HANDOVERS, ROADBLOCKS, FIGURES, CONTRIBUTORS)
    lookup_indexes = frozenset(index for index, _ in MEDIAN_INDEXES.values())  # the cursors

    def __init__(self) -> None:
        super().__init__()
        self._figures = Figures()

    def start_bulk_load(self) -> None:
        self._figures.hold()

    def finish_bulk_load(self, db: Database | None) -> None:
        self._figures.write(db)

    def create(self, db: Database) -> None:
        counted = ", ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in COUNTED)
        db.executescript(
            f"""
            CREATE TABLE {COMMITMENTS} (
                commitment_id TEXT PRIMARY KEY, department TEXT NOT NULL, owner_id TEXT NOT NULL,
                original_due_date TEXT NOT NULL, due_date TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'open', completed_on TEXT,
                kept INTEGER NOT NULL DEFAULT 0, kept_on_original INTEGER NOT NULL DEFAULT 0,
                late INTEGER NOT NULL DEFAULT 0, moves INTEGER NOT NULL DEFAULT 0,
                days_slipped INTEGER NOT NULL DEFAULT 0);
            -- The figures that depend on the day: open commitments (missed, due so far) and
            -- withdrawn ones not yet due on their original date (due so far).
            CREATE INDEX {COMMITMENTS}_open
                ON {COMMITMENTS} (department, owner_id, due_date, original_due_date, status)
                WHERE status = 'open';
            CREATE INDEX {COMMITMENTS}_withdrawn
                ON {COMMITMENTS} (original_due_date, department, owner_id, status)
                WHERE status = 'withdrawn';
            CREATE TABLE {CONTRIBUTORS} (
                commitment_id TEXT NOT NULL, department TEXT NOT NULL,
                PRIMARY KEY (commitment_id, department)) WITHOUT ROWID;
            CREATE TABLE {HANDOVERS} (
                position INTEGER PRIMARY KEY, commitment_id TEXT NOT NULL,
                department TEXT NOT NULL, from_owner TEXT NOT NULL, to_owner TEXT NOT NULL,
                handed_over_at TEXT NOT NULL);
            CREATE TABLE {ROADBLOCKS} (
                commitment_id TEXT NOT NULL, roadblock_id TEXT NOT NULL,
                department TEXT NOT NULL, owner_id TEXT NOT NULL, raised_at TEXT NOT NULL,
                resolved_at TEXT, days_to_resolve REAL, resolved_by TEXT, helped_by TEXT,
                PRIMARY KEY (commitment_id, roadblock_id));
            CREATE INDEX {ROADBLOCKS}_by_department ON {ROADBLOCKS} (department, days_to_resolve);
            CREATE INDEX {ROADBLOCKS}_by_owner ON {ROADBLOCKS} (owner_id, days_to_resolve);
            CREATE INDEX {ROADBLOCKS}_by_department_owner
                ON {ROADBLOCKS} (department, owner_id, days_to_resolve);
            CREATE TABLE {FIGURES} (
                department TEXT NOT NULL, owner_id TEXT NOT NULL, {counted},
                resolved INTEGER NOT NULL DEFAULT 0, median_days_to_resolve REAL,
                middle_days REAL, middle_rowid INTEGER,
                PRIMARY KEY (department, owner_id)) WITHOUT ROWID;
            """
        )

    def on_commitment_Made(self, db: Database, fact: Fact) -> None:
        due = fact.data["due_date"].isoformat()
        department, owner = fact.data["department"], str(fact.data["owner_id"])
        db.execute(
            f"INSERT INTO {COMMITMENTS} (commitment_id, department, owner_id, original_due_date,"
            " due_date) VALUES (?, ?, ?, ?, ?)",
            [fact.aggregate_text, department, owner, due, due],
        )
        self._figures.add(db, _keys(department, owner), made=1)

    def on_commitment_DueDateMoved(self, db: Database, fact: Fact) -> None:
        slip = max(0, (fact.data["to_date"] - fact.data["from_date"]).days)
        department, owner = _one(db.execute(
            f"UPDATE {COMMITMENTS} SET due_date = ?, moves = moves + 1,"
            " days_slipped = days_slipped + ? WHERE commitment_id = ?"
            " RETURNING department, owner_id",
            [fact.data["to_date"].isoformat(), slip, fact.aggregate_text],
        ), fact)
        self._figures.add(db, _keys(department, owner), moves=1, days_slipped=slip)

    def on_commitment_OwnershipHandedOver(self, db: Database, fact: Fact) -> None:
        commitment_id = fact.aggregate_text
        to_owner = str(fact.data["to_owner"])
        department, from_owner, *share = _one(db.execute(
            f"SELECT department, owner_id, kept, kept_on_original, late, status = 'withdrawn',"
            f" moves, days_slipped FROM {COMMITMENTS} WHERE commitment_id = ?", [commitment_id]
        ), fact)
        db.execute(f"UPDATE {COMMITMENTS} SET owner_id = ? WHERE commitment_id = ?",
                   [to_owner, commitment_id])
        db.execute(
            f"INSERT INTO {HANDOVERS} VALUES (?, ?, ?, ?, ?, ?)",
            [fact.position, commitment_id, department, str(fact.data["from_owner"]), to_owner,
             fact.timestamp.isoformat()],
        )
        # The commitment's whole share moves from one owner to the other (its department's
        # figures stay), its resolved roadblocks one by one so that the medians follow.
        raised = 0
        helped = {from_owner: 0, to_owner: 0}
        for rowid, days, resolved_by in db.execute(
            f"SELECT rowid, days_to_resolve, resolved_by FROM {ROADBLOCKS}"
            " WHERE commitment_id = ?", [commitment_id]
        ).fetchall():
            raised += 1
            db.execute(f"UPDATE {ROADBLOCKS} SET owner_id = ? WHERE rowid = ?", [to_owner, rowid])
            if days is None:
                continue
            for key in _owner_keys(department, from_owner):
                self._figures.remove_resolved(db, key, (days, rowid))
            for key in _owner_keys(department, to_owner):
                self._figures.insert_resolved(db, key, (days, rowid))
            # Helping is resolving a roadblock on somebody else's commitment.
            if resolved_by in helped and from_owner != to_owner:
                helped[resolved_by] += 1 if resolved_by == from_owner else -1
        kept, kept_on_original, late, withdrawn, moves, slipped = share
        moved = dict(made=1, kept=kept, kept_on_original=kept_on_original, late=late,
                     withdrawn=withdrawn, moves=moves, days_slipped=slipped, raised=raised)
        self._figures.add(db, _owner_keys(department, from_owner), handovers_out=1,
             helped=helped[from_owner], **{k: -v for k, v in moved.items()})
        self._figures.add(db, _owner_keys(department, to_owner), handovers_in=1, helped=helped[to_owner],
             **moved)
        self._figures.add(db, [(department, ALL)], handovers_in=1)

    def on_commitment_MovedToDepartment(self, db: Database, fact: Fact) -> None:
        """The commitment's own figures (made, due-date moves and days slipped, roadblocks raised
        and their time to resolve) go with it to its new department; what people did (handovers,
        help given) stays where it happened. Only an open commitment moves, so its outcome is
        counted where it is when it is due or completed: never twice."""
        commitment_id, to_department = fact.aggregate_text, fact.data["to_department"]
        from_department, owner, moves, slipped = _one(db.execute(
            f"SELECT department, owner_id, moves, days_slipped FROM {COMMITMENTS}"
            " WHERE commitment_id = ?", [commitment_id]), fact)
        db.execute(f"UPDATE {COMMITMENTS} SET department = ? WHERE commitment_id = ?",
                   [to_department, commitment_id])
        raised = 0
        for rowid, days in db.execute(
            f"SELECT rowid, days_to_resolve FROM {ROADBLOCKS} WHERE commitment_id = ?",
            [commitment_id],
        ).fetchall():
            raised += 1
            db.execute(f"UPDATE {ROADBLOCKS} SET department = ? WHERE rowid = ?",
                       [to_department, rowid])
            if days is None:
                continue
            for key in _department_keys(from_department, owner):
                self._figures.remove_resolved(db, key, (days, rowid))
            for key in _department_keys(to_department, owner):
                self._figures.insert_resolved(db, key, (days, rowid))
        share = dict(made=1, moves=moves, days_slipped=slipped, raised=raised)
        self._figures.add(db, _department_keys(from_department, owner), **{k: -v for k, v in share.items()})
        self._figures.add(db, _department_keys(to_department, owner), **share)
        # A contributing department that now owns it no longer contributes (as Commitment does).
        if db.execute(f"DELETE FROM {CONTRIBUTORS} WHERE commitment_id = ? AND department = ?",
                      [commitment_id, to_department]).rowcount:
            self._figures.add(db, [(to_department, ALL)], contributed=-1)

    def on_commitment_ContributorAdded(self, db: Database, fact: Fact) -> None:
        db.execute(f"INSERT INTO {CONTRIBUTORS} VALUES (?, ?)",
                   [fact.aggregate_text, fact.data["department"]])
        self._figures.add(db, [(fact.data["department"], ALL)], contributed=1)

    def on_commitment_ContributorRemoved(self, db: Database, fact: Fact) -> None:
        if not db.execute(f"DELETE FROM {CONTRIBUTORS} WHERE commitment_id = ? AND department = ?",
                          [fact.aggregate_text, fact.data["department"]]).rowcount:
            raise LookupError(f"accountability view: {fact.key} at {fact.position}: no contributor")
        self._figures.add(db, [(fact.data["department"], ALL)], contributed=-1)

    def on_commitment_Completed(self, db: Database, fact: Fact) -> None:
        # Kept: on or before the due date in force; kept on the original date: kept, and not
        # after the original due date either (so a pulled-in date that was missed is not kept).
        department, owner, kept, kept_on_original, late = _one(db.execute(
            f"UPDATE {COMMITMENTS} SET status = 'completed', completed_on = :on,"
            " kept = (:on <= due_date), late = (:on > due_date),"
            " kept_on_original = (:on <= due_date AND :on <= original_due_date)"
            " WHERE commitment_id = :id"
            " RETURNING department, owner_id, kept, kept_on_original, late",
            {"on": fact.data["completed_on"].isoformat(), "id": fact.aggregate_text},
        ), fact)
        self._figures.add(db, _keys(department, owner), kept=kept, kept_on_original=kept_on_original,
             late=late)

    def on_commitment_Withdrawn(self, db: Database, fact: Fact) -> None:
        department, owner = _one(db.execute(
            f"UPDATE {COMMITMENTS} SET status = 'withdrawn' WHERE commitment_id = ?"
            " RETURNING department, owner_id",
            [fact.aggregate_text],
        ), fact)
        self._figures.add(db, _keys(department, owner), withdrawn=1)

    def on_commitment_RoadblockRaised(self, db: Database, fact: Fact) -> None:
        department, owner = _one(db.execute(
            f"INSERT INTO {ROADBLOCKS} (commitment_id, roadblock_id, department, owner_id,"
            f" raised_at) SELECT commitment_id, ?, department, owner_id, ? FROM {COMMITMENTS}"
            " WHERE commitment_id = ? RETURNING department, owner_id",
            [fact.data["roadblock_id"], fact.timestamp.isoformat(), fact.aggregate_text],
        ), fact)
        self._figures.add(db, _keys(department, owner), raised=1)

    def on_commitment_RoadblockResolved(self, db: Database, fact: Fact) -> None:
        key = [fact.aggregate_text, fact.data["roadblock_id"]]
        row = db.execute(
            f"SELECT raised_at, days_to_resolve FROM {ROADBLOCKS}"
            " WHERE commitment_id = ? AND roadblock_id = ?", key
        ).fetchone()
        if row is None:
            raise LookupError(f"accountability view: {fact.key} at {fact.position}: no roadblock")
        if row[1] is not None:
            raise LookupError(f"accountability view: {fact.key} at {fact.position}: resolved twice")
        raised_at = datetime.fromisoformat(row[0])
        days = (fact.timestamp - raised_at).total_seconds() / SECONDS_PER_DAY
        rowid, department, owner = _one(db.execute(
            f"UPDATE {ROADBLOCKS} SET resolved_at = ?, days_to_resolve = ?, resolved_by = ?,"
            " helped_by = ? WHERE commitment_id = ? AND roadblock_id = ?"
            " RETURNING rowid, department, owner_id",
            [fact.timestamp.isoformat(), days, fact.actor_text, fact.data["helped_by"], *key],
        ), fact)
        for figures_key in _keys(department, owner):
            self._figures.insert_resolved(db, figures_key, (days, rowid))
        if fact.data["helped_by"]:
            self._figures.add(db, [(fact.data["helped_by"], ALL)], helped=1)
        if fact.actor_text is not None and fact.actor_text != owner:
            self._figures.add(db, _owner_keys(department, fact.actor_text), helped=1)


def _keys(department: str, owner: str) -> list[Key]:
    """The figures rows a commitment counts in: its department, its owner, both."""
    return [(department, ALL), *_owner_keys(department, owner)]


def _department_keys(department: str, owner: str) -> list[Key]:
    """The figures rows that change with a commitment's department (the owner's total does not)."""
    return [(department, ALL), (department, owner)]


def _owner_keys(department: str, owner: str) -> list[Key]:
    """An owner's figures rows: in one department, and in all of them."""
    return [(department, owner), (ALL, owner)]


_ADD_SQL: dict[tuple[int, tuple[str, ...]], str] = {}
Duration = tuple[float, int]  # (days_to_resolve, rowid): the order the median cursor walks
Median = tuple[int, Duration | None]  # resolved roadblocks, the lower middle one


class Figures:
    """How the handlers change `accountability_figures`: in place, event by event; during a
    rebuild's load (`hold`) in memory instead, one entry per figures row (as many as
    departments and owners, whatever the log's length), written set-based by `write`. No
    handler reads the counted columns back, and the median cursors only through `_middle`."""

    def __init__(self) -> None:
        self._deltas: dict[Key, dict[str, int]] | None = None
        self._medians: dict[Key, Median] | None = None

    def hold(self) -> None:
        self._deltas, self._medians = {}, {}

    def write(self, db: Database | None) -> None:
        """Write what was held (`db` None: forget it) and go back to writing in place."""
        deltas, medians = self._deltas, self._medians
        self._deltas = self._medians = None
        if db is None or deltas is None or medians is None:
            return
        if deltas:
            db.conn.executemany(
                f"INSERT INTO {FIGURES} (department, owner_id, {', '.join(COUNTED)})"
                f" VALUES (?, ?{', ?' * len(COUNTED)}) ON CONFLICT (department, owner_id)"
                " DO UPDATE SET " + ", ".join(f"{c} = {c} + excluded.{c}" for c in COUNTED),
                [(*key, *(counted.get(c, 0) for c in COUNTED)) for key, counted in deltas.items()],
            )
        for key, (resolved, middle) in medians.items():
            _store(db, key, resolved, middle)

    def add(self, db: Database, keys: list[Key], **deltas: int) -> None:
        """Add `deltas` to the figures rows of `keys` (created at zero), in one statement."""
        columns = tuple(c for c, v in deltas.items() if v)
        if not columns:
            return
        held = self._deltas
        if held is not None:
            for key in keys:
                counted = held.get(key)
                if counted is None:
                    counted = held[key] = {}
                for c in columns:
                    counted[c] = counted.get(c, 0) + deltas[c]
            return
        sql = _ADD_SQL.get((len(keys), columns))
        if sql is None:
            values = ", ".join([f"(?, ?{', ?' * len(columns)})"] * len(keys))
            sql = _ADD_SQL[(len(keys), columns)] = (
                f"INSERT INTO {FIGURES} (department, owner_id, {', '.join(columns)})"
                f" VALUES {values} ON CONFLICT (department, owner_id) DO UPDATE SET "
                + ", ".join(f"{c} = {c} + excluded.{c}" for c in columns)
            )
        params: list[Any] = []
        for key in keys:
            params.extend(key)
            params.extend(deltas[c] for c in columns)
        db.execute(sql, params)

    def insert_resolved(self, db: Database, key: Key, added: Duration) -> None:
        """Count a roadblock of `key` just resolved (already in the roadblocks table) and move
        the key's median cursor by at most one place."""
        n, middle = self._middle(db, key)
        if n == 0 or middle is None:
            middle = added
        elif n % 2 == 0:  # the lower middle moves up one place unless the new one sorts before it
            if added > middle:
                middle = _step(db, key, middle, up=True)
        elif added < middle:  # n odd: it moves down one place if the new one sorts before it
            middle = _step(db, key, middle, up=False)
        self._store(db, key, n + 1, middle)

    def remove_resolved(self, db: Database, key: Key, removed: Duration) -> None:
        """Stop counting a resolved roadblock for `key` (already gone from its rows in the
        roadblocks table) and move the key's median cursor by at most one place."""
        n, middle = self._middle(db, key)
        if n <= 1 or middle is None:
            self._store(db, key, n - 1, None)
            return
        if n % 2 == 1:  # the lower middle moves down unless the one removed sorts before it
            if removed >= middle:
                middle = _step(db, key, middle, up=False)
        elif removed <= middle:  # n even: it moves up unless the one removed sorts after it
            middle = _step(db, key, middle, up=True)
        self._store(db, key, n - 1, middle)

    def _middle(self, db: Database, key: Key) -> Median:
        if self._medians is not None:
            return self._medians.get(key, (0, None))
        row = db.execute(
            f"SELECT resolved, middle_days, middle_rowid FROM {FIGURES}"
            " WHERE department = ? AND owner_id = ?", key
        ).fetchone()
        if row is None:
            return 0, None
        return row[0], None if row[1] is None else (row[1], row[2])

    def _store(self, db: Database, key: Key, resolved: int, middle: Duration | None) -> None:
        if self._medians is not None:
            self._medians[key] = (resolved, middle)
        else:
            _store(db, key, resolved, middle)


def _store(db: Database, key: Key, resolved: int, middle: Duration | None) -> None:
    median = None
    if middle is not None:
        median = middle[0] if resolved % 2 else (middle[0] + _step(db, key, middle, True)[0]) / 2
    db.execute(
        f"INSERT INTO {FIGURES} (department, owner_id, resolved, median_days_to_resolve,"
        " middle_days, middle_rowid) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (department, owner_id) DO UPDATE SET resolved = excluded.resolved,"
        " median_days_to_resolve = excluded.median_days_to_resolve,"
        " middle_days = excluded.middle_days, middle_rowid = excluded.middle_rowid",
        [*key, resolved, median, *(middle or (None, None))],
    )


_STEP_SQL: dict[tuple[str, bool], str] = {}


def _step(db: Database, key: Key, at: Duration, up: bool) -> Duration:
    """The resolved roadblock of `key` right after (`up`) or before `at` in (days, rowid) order:
    one look-up in the index of the key's kind."""
    department, owner = key
    kind = "pair" if department and owner else "department" if department else "owner"
    sql = _STEP_SQL.get((kind, up))
    if sql is None:
        index, where = MEDIAN_INDEXES[kind]
        op, order = (">", "ASC") if up else ("<", "DESC")
        sql = _STEP_SQL[(kind, up)] = (
            f"SELECT days_to_resolve, rowid FROM {ROADBLOCKS} INDEXED BY {index}"
            f" WHERE {where} AND days_to_resolve {op}= :days"
            f" AND (days_to_resolve {op} :days OR rowid {op} :rowid)"
            f" ORDER BY days_to_resolve {order}, rowid {order} LIMIT 1"
        )
    row = db.execute(sql, {"department": department, "owner": owner, "days": at[0],
                           "rowid": at[1]}).fetchone()
    if row is None:
        raise LookupError(f"accountability view: no resolved roadblock next to {at} for {key}")
    return row[0], row[1]


def _one(cursor: Cursor, fact: Fact) -> tuple[Any, ...]:
    """The one row a statement RETURNING returns. A fact that matches no row (or several) means
    the view and the log disagree: stop, loudly."""
    rows = cursor.fetchall()
    if len(rows) != 1:
        raise LookupError(f"accountability view: {fact.key} at position {fact.position} matched "
                          f"{len(rows)} rows")
    return tuple(rows[0])
