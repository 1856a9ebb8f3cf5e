"""Temporal commitment history: every successive state of every commitment, with its validity.

One row per commitment event: a copy of the board's row right after that event, valid from the
event (`valid_from`, `valid_from_position`) until the commitment's next event (`valid_to`,
`valid_to_position`; NULL while current). The board as of an instant t is then the indexed query

    valid_from <= t AND (valid_to IS NULL OR valid_to > t)

which includes every event stamped at or before t. Several events may share a timestamp: the
states between them are valid for zero time and never match. Should a clock ever run backwards,
a state starts no earlier than the state before it, so at most one state matches any instant.

Index design (measured on 10^6 rows, 10^5 commitments over ten years): the planner answers the
OR as the union of two searches on (valid_to, valid_from): `valid_to IS NULL AND valid_from <= t`
(exact) and `valid_to > t` (checked inside the index); the whole board takes ~50-70 ms at any t,
one department's ~5 ms via (department, valid_to, valid_from). An index on (valid_from) alone
degrades as t moves later (~150 ms at the end, scanning every earlier state). The positional
variant uses (valid_to_position, valid_from_position) or the position primary key.

`slipped` is the days the commitment's due date slipped up to that state: each move's later
date less its earlier one, never below zero (the board's `days_slipped` is the net slip).
`history_share_changes` finds the events that change a commitment's accountability figures
by kind and instant, and
`accountability_snapshots` / `contributor_snapshots` keep accountability's figures at each half
month's first instant (`projections.audit.snapshots`), `closed_snapshots` the closed
commitments' counts then (`projections.audit.closed_snapshots`) and the roadblock tables the
roadblock figures then (`projections.audit.roadblock_snapshots`).

Immutable fields (made_at, made_by) are read from `commitments` by the queries; the description
can be corrected, so each state keeps its own.

`commitment_spans` keeps one row per commitment for the board as the board page shows it (open
ones, and closed ones only when recently closed; `queries.history.board_as_of(closed_since=...)`),
so that it never walks every state ever valid:

- `made_at`: the instant of its first state; `closed_at`: of its closing state (completed or
  withdrawn; closing is terminal), NULL while open; `health`: its final health once closed;
- `closed_day`: the latest day that can keep it on a board of "open, or closed since day d":
  the day it closed, its completion date (which may be earlier: a completion is dated), and for a
  withdrawn one the day of its latest event (a note or celebration after the withdrawal counts,
  as the live board counts it). NULL while open.

A commitment is on such a board at t (for d on or before t's date) only if `made_at <= t` and
`closed_day` is NULL or on or after d: the candidates, found by the covering index `spans_shown`
(which also holds what the board reads from the span: its `made_by`), whose state at t is then
looked up through `history_made` (its latest state with `valid_from <= t`: `valid_from` is in the
index, so finding it reads no table row). `made_position`, the log position of the commitment's
Made event, keys that index rather than the commitment's id: an integer, and in the order the
commitments were made, so the candidates of one instant (made within a year or two of it) sit in
a few neighbouring pages of the index instead of one page each (at 10^6 events: 22 -> 9 ms for
3,900 candidates). Closed ones counted as of t are those with `closed_at <= t`.
Each commitment event costs at most one more statement here (its Made, its closing, and for a
withdrawn one every later event), never a recount.
"""

from __future__ import annotations

from sqlite_utils import Database

from projections.audit import closed_snapshots, roadblock_snapshots, snapshots
from projections.facts import Fact
from projections.health import health_sql
from projections.view import Deferred, View
from projections.views.memo import Memo

# The board columns that make up a commitment's state (all of them but the immutable texts).
STATE = (
    "department", "title", "description", "owner_id", "owner_name", "journey", "kpi", "original_due_date",
    "due_date", "due_date_moves", "days_slipped", "progress", "status", "completed_on",
    "due_at_completion", "evidence", "withdrawn_reason", "open_roadblocks", "open_help_requests",
    "contributors", "milestones_total", "milestones_ticked",
)


class History(View):
    """Reads `commitments`, so it must come after the board in `all_views()`."""

    name = "history"
    # 3: spans follow moves and journey corrections; 4: contributors, milestones; 5: spans keep
    # when their journey was last corrected; 6: accountability snapshots (`audit.snapshots`) and
    # each state's days slipped so far (`slipped`); 7: `made_position` (states found by a
    # time-ordered integer key), spans keep `made_by` and `spans_shown` covers the board's reads;
    # the closed commitments' counts (`audit.closed_snapshots`) and the roadblock figures
    # (`audit.roadblock_snapshots`) at each snapshot boundary; snapshots twice a month; 8: live
    # roadblock snapshots count a roadblock stamped before its commitment was made, as a rebuild;
    # 9: live snapshots are taken when a commitment made earlier (a clock ran backwards) before
    # any was taken moves the first period back, as a rebuild takes them
    version = 9
    tables = ("commitment_history", "commitment_spans", snapshots.SNAPSHOTS, snapshots.CONTRIBUTED,
              closed_snapshots.CLOSED, roadblock_snapshots.ROADBLOCKS, roadblock_snapshots.COUNTS,
              roadblock_snapshots.DURATIONS)
    lookup_indexes = frozenset({"history_commitment"})
    # For the accountability, closed commitments' and roadblock snapshots a rebuild takes
    # after its load (kept during the load, the first cost ~2 µs of each state's INSERT).
    finish_indexes = frozenset({
        "history_share_changes", "spans_closed_at", "spans_journey_changed",
        f"{roadblock_snapshots.ROADBLOCKS}_raised", f"{roadblock_snapshots.ROADBLOCKS}_resolved"})

    def __init__(self) -> None:
        super().__init__()
        # commitment id -> (valid_from_position, valid_from, status, slipped, made_position) of
        # its state now
        self._memo = Memo()
        self._bulk = False  # during a rebuild's load (snapshots are taken at its end)
        # During a rebuild's load: the states' ends, written with executemany (nothing reads
        # them back before the end of the load).
        self._ends: Deferred | None = None
        self._bulk_from: str | None = None  # the earliest state the load added
        # "last": the latest accountability snapshot's boundary (None: none yet)
        self._snapshots = Memo()

    def start_bulk_load(self) -> None:
        self._bulk = True
        self._ends = Deferred()

    def finish_bulk_load(self, db: Database | None) -> None:
        """The states' ends held back, then the snapshots from the states the load added."""
        if self._bulk and db is not None:
            if self._ends is not None:
                self._ends.flush(db)
            if self._bulk_from is not None:  # the validity indexes come after: see take_all
                last = snapshots.latest(db)
                if last is not None and self._bulk_from <= snapshots.text(last):
                    snapshots.forget_from(db, self._bulk_from)
                    last = snapshots.latest(db)
                snapshots.take_all(db, db.execute(
                    "SELECT max(valid_from) FROM commitment_history").fetchone()[0], last)
                self._snapshots.forget()
        self._bulk, self._bulk_from, self._ends = False, None, None

    def create(self, db: Database) -> None:
        self._memo.forget()
        self._snapshots.forget()
        script = (
            f"""
            CREATE TABLE commitment_history (
                valid_from_position INTEGER PRIMARY KEY, valid_from TEXT NOT NULL,
                valid_to_position INTEGER, valid_to TEXT,
                commitment_id TEXT NOT NULL, event_kind TEXT NOT NULL, version INTEGER NOT NULL,
                slipped INTEGER NOT NULL, made_position INTEGER NOT NULL, {", ".join(STATE)});
            CREATE INDEX history_commitment
                ON commitment_history (commitment_id, valid_from_position, valid_from);
            CREATE INDEX history_made
                ON commitment_history (made_position, valid_from_position, valid_from);
            CREATE INDEX history_as_of ON commitment_history (valid_to, valid_from);
            CREATE INDEX history_department_as_of
                ON commitment_history (department, valid_to, valid_from);
            CREATE INDEX history_as_of_position
                ON commitment_history (valid_to_position, valid_from_position);
            CREATE TABLE commitment_spans (
                commitment_id TEXT PRIMARY KEY, department TEXT NOT NULL, journey TEXT,
                made_at TEXT NOT NULL, closed_at TEXT, health TEXT, closed_day TEXT,
                journey_changed_at TEXT, made_position INTEGER NOT NULL, made_by TEXT);
            CREATE INDEX spans_shown ON commitment_spans ({SHOWN});
            CREATE INDEX spans_department_shown ON commitment_spans (department, {SHOWN});
            CREATE INDEX history_share_changes
                ON commitment_history (event_kind, valid_from, commitment_id)
                WHERE event_kind IN {snapshots.SHARE_CHANGES};
            {snapshots.CREATE}
            {closed_snapshots.CREATE}
            {roadblock_snapshots.CREATE}
            CREATE INDEX spans_closed
                ON commitment_spans (department, journey, health, closed_at, journey_changed_at,
                                     commitment_id)
                WHERE closed_at IS NOT NULL;
            """
        )
        db.executescript(script)

    def apply(self, db: Database, fact: Fact) -> None:
        """Every commitment event closes the current state and opens the next one."""
        current_states = self._memo.follow(db, fact.position)
        self._snapshots.follow(db, fact.position)
        if fact.aggregate != "commitment":
            return
        cid = fact.aggregate_text
        valid_from = earliest = fact.instant
        if fact.kind == "RoadblockRaised":
            roadblock_snapshots.raised(db, fact.data, cid, fact.timestamp.isoformat())
        elif fact.kind == "RoadblockResolved":
            roadblock_snapshots.resolved(db, fact.data, cid, fact.timestamp, fact.actor_text)
        current = current_states.get(cid)
        if current is None and fact.kind != "Made":  # Made is its commitment's first event
            current = db.execute(
                "SELECT valid_from_position, valid_from, status, slipped, made_position"
                " FROM commitment_history"
                " WHERE commitment_id = ? ORDER BY valid_from_position DESC LIMIT 1",
                [cid],
            ).fetchone()
        status, slipped, made = "open", 0, fact.position
        if current is not None:
            valid_from, status, slipped = max(valid_from, current[1]), current[2], current[3]
            made = current[4]
        if fact.kind == "DueDateMoved":
            slipped += max(0, (fact.data["to_date"] - fact.data["from_date"]).days)
        if current is not None:  # the state before ends here
            if self._ends is None:
                db.execute(_END_STATE, [valid_from, fact.position, current[0]])
            else:
                self._ends.add(db, _END_STATE, [valid_from, fact.position, current[0]])
        cursor = db.execute(
            _ADD_STATE, [fact.position, valid_from, fact.kind, fact.version, slipped, made, cid])
        if cursor.rowcount != 1:
            raise LookupError(f"history: no board row for commitment {cid} at {fact.key}")
        if fact.kind == "DetailsCorrected" and "journey" in fact.data["changes"]:
            db.execute("UPDATE commitment_spans SET journey = ?, journey_changed_at = ?"
                       " WHERE commitment_id = ?", [fact.data["changes"]["journey"][1], valid_from, cid])
        if fact.kind == "Made":
            db.execute(
                "INSERT INTO commitment_spans (commitment_id, department, journey, made_at,"
                " made_position, made_by) VALUES (?, ?, ?, ?, ?, ?)",
                [cid, fact.data["department"], fact.data["journey"], valid_from, made,
                 fact.actor_text],
            )
        elif fact.kind == "MovedToDepartment":
            db.execute("UPDATE commitment_spans SET department = ? WHERE commitment_id = ?",
                       [fact.data["to_department"], cid])
        elif fact.kind in CLOSING:
            status = CLOSING[fact.kind]
            db.execute(_CLOSE_SPAN, [fact.position, cid])
        elif status == "withdrawn":  # a later note or celebration keeps it recent for longer
            db.execute("UPDATE commitment_spans SET closed_day = ? WHERE commitment_id = ?",
                       [valid_from[:10], cid])
        current_states[cid] = (fact.position, valid_from, status, slipped, made)
        # A roadblock counts from its own timestamp, which may be before its state's start.
        earliest = min(earliest, valid_from)
        if self._bulk:
            self._bulk_from = min(self._bulk_from or earliest, earliest)
        else:
            self._snapshot(db, earliest, valid_from)

    def _snapshot(self, db: Database, earliest: str, latest: str) -> None:
        """Keep the accountability snapshots (`audit.snapshots`) after states from `earliest`
        to `latest` were added: take again those they change, take the new boundaries'."""
        memo = self._snapshots.rows
        if "last" not in memo:
            memo["last"] = snapshots.latest(db)
        last = memo["last"]
        # A clock ran backwards: snapshots from `earliest` on are taken again up to the latest
        # state. With none taken yet, a commitment made that early may move the first period
        # back, so that boundaries before the latest state are due.
        if last is None or earliest <= snapshots.text(last):
            if last is not None:
                snapshots.forget_from(db, earliest)
                last = snapshots.latest(db)
            latest = max(latest, db.execute(
                "SELECT max(valid_from) FROM commitment_history").fetchone()[0])
        if last is None or snapshots.text(snapshots.next_boundary(last)) < latest:
            last = snapshots.extend(db, latest, last)
        memo["last"] = last


CLOSING = {"Completed": "completed", "Withdrawn": "withdrawn"}
# The commitment's state after an event: its board row as the board view (applied before) left it.
_ADD_STATE = (
    f"INSERT INTO commitment_history (valid_from_position, valid_from, commitment_id,"
    f" event_kind, version, slipped, made_position, {', '.join(STATE)})"
    f" SELECT ?, ?, id, ?, ?, ?, ?, {', '.join(STATE)} FROM commitments WHERE id = ?")
# `spans_shown`: the board's candidates by when they were made and closed, with what the board
# reads of them (no table row: the candidate's state is then found through `history_made`).
SHOWN = "made_at, closed_day, closed_at, made_position, commitment_id, made_by"
# The closing state (just inserted at the position bound first) sets the span's end.
_CLOSE_SPAN = f"""UPDATE commitment_spans SET (closed_at, health, closed_day) = (
    SELECT h.valid_from, {health_sql("NULL", "h.")},
        max(substr(h.valid_from, 1, 10), COALESCE(h.completed_on, ''))
    FROM commitment_history h WHERE h.valid_from_position = ?) WHERE commitment_id = ?"""
_END_STATE = ("UPDATE commitment_history SET valid_to = ?, valid_to_position = ?"
              " WHERE valid_from_position = ?")
