"""Accountability's commitment figures as of each half month's first instant, so that an as-of
page reads the snapshot of its half month and only the commitments that changed since (instead
of every commitment's state at the instant, which after years is tens of thousands of rows).

`accountability_snapshots` (kept by the History view, from its states): per boundary B (the first
instant of a month's 1st or 16th day, UTC: `boundary`), department and owner, the sums over the
commitments' states valid at B of the figures of `accountability.FIGURES`. B's period runs until
the next boundary. Two figures depend on the day you look (`today`, the instant's UTC date, always
in B's period for an instant of that period): "missed" (open and due before today) and "due so
far" (completed, or originally due by today). Each commitment has for each the first day that
counts it (`missed_day`, `due_day`); the row with `day` '' holds everything counted from B's first
day on, and one row per later day of B's period what starts counting on that day. The figures at
an instant t of B's period are the rows with `day` '' or `day <= today`.

Twice a month rather than monthly: a read re-counts at most half a month of changed commitments
and roadblocks (at 10^6 events, up to ~1,300 commitments a month), for twice the snapshot rows.

`contributor_snapshots`: per boundary and department, how many commitments valid at B name that
department as a contributor. The closed commitments' counts at B (`audit.closed_snapshots`)
and the roadblock figures at B (`audit.roadblock_snapshots`) are taken, taken again and
forgotten with these.

A snapshot is a function of `commitment_history` (and `roadblock_history`) alone: the view takes one for each boundary
between the first state and the latest (`extend`), and takes again those an out-of-order state
(a clock that ran backwards) changed, so a live view's snapshots equal a rebuild's. Live, the
contributors', closed commitments' and roadblocks' snapshots at a boundary are taken from the
previous boundary's and the changes in between, as a read counts them (`take`'s `previous`);
the commitment figures from every commitment's state (their per-day rows need each open
commitment's due dates within the new period, which no earlier snapshot holds).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlite_utils import Database

from projections.audit import closed_snapshots, roadblock_snapshots

SNAPSHOTS = "accountability_snapshots"
# The events that change a commitment's share of the figures (SHARE's columns; the others copy
# them from the state before), which `history_share_changes` indexes by kind and instant; and of
# those, the ones that change its department or owner.
SHARE_CHANGES = ("('Made', 'DueDateMoved', 'OwnershipHandedOver', 'MovedToDepartment',"
                 " 'ContributorAdded', 'ContributorRemoved', 'Completed', 'Withdrawn')")
PAIR_CHANGES = "('OwnershipHandedOver', 'MovedToDepartment')"
CONTRIBUTED = "contributor_snapshots"
COLUMNS = ("made", "open", "kept", "kept_on_original", "late", "missed", "withdrawn",
           "due_so_far", "due_date_moves", "days_slipped")

CREATE = f"""
    CREATE TABLE {SNAPSHOTS} (
        boundary TEXT NOT NULL, department TEXT NOT NULL, owner_id TEXT NOT NULL, day TEXT NOT NULL,
        {", ".join(f"{c} INTEGER NOT NULL" for c in COLUMNS)},
        PRIMARY KEY (boundary, department, owner_id, day)) WITHOUT ROWID;
    CREATE TABLE {CONTRIBUTED} (
        boundary TEXT NOT NULL, department TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (boundary, department)) WITHOUT ROWID;
"""

# One commitment's share of the figures in its state `h` (in the order of COLUMNS, the two
# day-dependent ones as the first day that counts them: NULL never, '' always).
KEPT = "(h.status = 'completed' AND h.completed_on <= h.due_at_completion)"
SHARE = f"""h.commitment_id, h.department, h.owner_id, h.contributors,
    1 AS made, h.status = 'open' AS open, {KEPT} AS kept,
    {KEPT} AND h.completed_on <= h.original_due_date AS kept_on_original,
    h.status = 'completed' AND NOT {KEPT} AS late,
    CASE WHEN h.status = 'open' THEN date(h.due_date, '+1 day') END AS missed_day,
    h.status = 'withdrawn' AS withdrawn,
    CASE WHEN h.status = 'completed' THEN '' ELSE h.original_due_date END AS due_day,
    h.due_date_moves, h.slipped AS days_slipped"""
# The state of commitment `ids.commitment_id` valid at `{at}`: its latest starting by then.
STATE_AT = ("commitment_history h ON h.valid_from_position = (SELECT x.valid_from_position"
            " FROM commitment_history x WHERE x.commitment_id = ids.commitment_id"
            " AND x.valid_from <= {at} ORDER BY x.valid_from_position DESC LIMIT 1)")
# The commitments whose share changed after `{since}` until `{until}` (any other commitment's
# state at `until` has the same share as its state at `since`).
SHARE_CHANGED = ("SELECT DISTINCT commitment_id FROM commitment_history"
                 f" INDEXED BY history_share_changes WHERE event_kind IN {SHARE_CHANGES}"
                 " AND valid_from > {since} AND valid_from <= {until}")
# Those commitments' shares at `since`, less, and at `until`, plus (`sign`).
CHANGES = ("WITH ids AS MATERIALIZED ({changed}),"
           " d AS (SELECT -1 AS sign, {share} FROM ids JOIN {before}"
           " UNION ALL SELECT 1, {share} FROM ids JOIN {after})")


def changes(since: str, until: str) -> str:
    return CHANGES.format(changed=SHARE_CHANGED.format(since=since, until=until), share=SHARE,
                          before=STATE_AT.format(at=since), after=STATE_AT.format(at=until))


# The same shares for a read (the validity indexes exist), found without a look-up per state:
# a commitment's states start in log order, and only SHARE_CHANGES change its share, so its
# share at `until` is its last such state's by then, and at `since` that of the state the first
# such state after `since` ends (`valid_to_position`; none when that first one is its Made).
READ_CHANGES = f"""WITH ids AS MATERIALIZED (
        SELECT min(valid_from_position) AS first, max(valid_from_position) AS last
        FROM commitment_history INDEXED BY history_share_changes
        WHERE event_kind IN {SHARE_CHANGES} AND valid_from > {{since}} AND valid_from <= {{until}}
        GROUP BY commitment_id),
    d AS (SELECT -1 AS sign, {SHARE} FROM ids
            JOIN commitment_history h INDEXED BY history_as_of_position
            ON h.valid_to_position = ids.first
        UNION ALL SELECT 1, {SHARE} FROM ids JOIN commitment_history h
            ON h.valid_from_position = ids.last)"""


def read_changes(since: str, until: str) -> str:
    """`changes` for a read: the same `d`, through the validity indexes."""
    return READ_CHANGES.format(since=since, until=until)


_VALID_AT = "h.valid_from <= :b AND (h.valid_to IS NULL OR h.valid_to > :b)"
_TAKE = f"""
    WITH c AS MATERIALIZED (SELECT {SHARE} FROM commitment_history h WHERE {_VALID_AT})
    INSERT INTO {SNAPSHOTS} (boundary, department, owner_id, day, {", ".join(COLUMNS)})
    SELECT :b, department, owner_id, '', total(made), total(open), total(kept),
        total(kept_on_original), total(late), total(missed_day <= :d0), total(withdrawn),
        total(due_day <= :d0), total(due_date_moves), total(days_slipped)
    FROM c GROUP BY department, owner_id
    UNION ALL
    SELECT :b, department, owner_id, day, 0, 0, 0, 0, 0, total(missed), 0, total(due), 0, 0
    FROM (SELECT department, owner_id, missed_day AS day, 1 AS missed, 0 AS due FROM c
            WHERE missed_day > :d0 AND missed_day < :d1
        UNION ALL
        SELECT department, owner_id, due_day, 0, 1 FROM c WHERE due_day > :d0 AND due_day < :d1)
    GROUP BY department, owner_id, day"""
_TAKE_CONTRIBUTED = f"""
    WITH RECURSIVE c(rest, department) AS (
        SELECT h.contributors || ',', NULL FROM commitment_history h
        WHERE {_VALID_AT} AND h.contributors <> ''
        UNION ALL
        SELECT substr(rest, instr(rest, ',') + 1), substr(rest, 1, instr(rest, ',') - 1)
        FROM c WHERE rest <> '')
    INSERT INTO {CONTRIBUTED} (boundary, department, n)
    SELECT :b, department, count(*) FROM c WHERE department IS NOT NULL GROUP BY department"""


# A rebuild takes every snapshot after its load, without the validity indexes (built after it):
# a running sum per department, owner and day (missed and due counted on their first day, the
# other figures on ''), each boundary's from the one before plus the shares changed in between
# (`Running`). The shares changed (`changes`), as `Running.add` reads them:
_DELTA = (" SELECT sign, department, owner_id, contributors, made, open, kept, kept_on_original,"
          " late, missed_day, withdrawn, due_day, due_date_moves, days_slipped FROM d")
# Where each share's figures go in a row of COLUMNS (missed and due go on their own days).
_MISSED, _DUE = COLUMNS.index("missed"), COLUMNS.index("due_so_far")
_ON_ITS_DAY = (0, 1, 2, 3, 4, 6, 8, 9)  # the positions of made ... late, withdrawn, the last two
_INSERT_SNAPSHOT = (f"INSERT INTO {SNAPSHOTS} (boundary, department, owner_id, day,"
                    f" {', '.join(COLUMNS)}) VALUES ({', '.join('?' * (len(COLUMNS) + 4))})")


class Running:
    """The commitment figures summed per day (`''`: counted from any day on), department and
    owner: day -> (department, owner) -> the sums in the order of COLUMNS."""

    def __init__(self) -> None:
        self.days: dict[str, dict[tuple[str, str], list[int]]] = {}

    def _sums(self, day: str, pair: tuple[str, str]) -> list[int]:
        pairs = self.days.get(day)
        if pairs is None:
            pairs = self.days[day] = {}
        sums = pairs.get(pair)
        if sums is None:
            sums = pairs[pair] = [0] * len(COLUMNS)
        return sums

    def add(self, rows: list[Any]) -> None:
        """Add the shares of `_DELTA`'s rows (with their signs; NULL figures count nothing)."""
        for sign, department, owner, _, *share in rows:
            pair = (department, owner)
            sums = self._sums("", pair)
            figures = (share[0], share[1], share[2], share[3], share[4], share[6], share[8],
                       share[9])
            for i, value in zip(_ON_ITS_DAY, figures):
                if value:
                    sums[i] += sign * value
            if share[5] is not None:  # missed from that day on
                self._sums(share[5], pair)[_MISSED] += sign
            if share[7] is not None:  # due so far from that day on
                self._sums(share[7], pair)[_DUE] += sign

    def rows(self, b: str, d0: str, d1: str) -> list[tuple[Any, ...]]:
        """The snapshot at boundary `b` (from day `d0` until `d1`): the figures counted from
        before or on `d0` on '', and one row per later day of the period; only the rows that
        count something made, missed or due."""
        found: dict[tuple[str, str, str], list[int]] = {}
        for day, pairs in self.days.items():
            if day >= d1:
                continue
            key_day = "" if day <= d0 else day
            for (department, owner), sums in pairs.items():
                total = found.get((department, owner, key_day))
                if total is None:
                    found[(department, owner, key_day)] = list(sums)
                else:
                    for i, value in enumerate(sums):
                        total[i] += value
        return [(b, *key, *sums) for key, sums in found.items()
                if sums[0] or sums[_MISSED] or sums[_DUE]]

    def fold(self, d0: str) -> None:
        """After a snapshot, the days up to its first are counted on '' in every later one."""
        for day in [day for day in self.days if day and day <= d0]:
            for pair, sums in self.days.pop(day).items():
                total = self._sums("", pair)
                for i, value in enumerate(sums):
                    total[i] += value


def take_all(db: Database, until: str, last: datetime | None) -> None:
    """What `extend` takes, for a rebuild after its load (see `Running`): each boundary's
    closed commitments' and roadblocks' from the one before and the changes in between too (as
    live), which needs the History view's `finish_indexes`."""
    first = db.execute("SELECT min(made_at) FROM commitment_spans").fetchone()[0]
    if first is None:
        return
    running = Running()
    contributed: dict[str, int] = {}
    roadblocks = roadblock_snapshots.Running(SHARE_CHANGES, PAIR_CHANGES)
    since, b = "", next_boundary(boundary(datetime.fromisoformat(first)))
    while text(b) < until:
        params = {"a": since, "b": text(b)}
        d0, d1 = b.date().isoformat(), next_boundary(b).date().isoformat()
        delta = db.execute(changes(":a", ":b") + _DELTA, params).fetchall()
        running.add(delta)
        for sign, _, _, named, *_ in delta:
            if named:
                for department in named.split(","):
                    contributed[department] = contributed.get(department, 0) + sign
        roadblocks.advance(db, since, params["b"])
        if last is None or b > last:
            db.conn.executemany(_INSERT_SNAPSHOT, running.rows(params["b"], d0, d1))
            closed_snapshots.take_from(db, params["b"])
            db.conn.executemany(f"INSERT INTO {CONTRIBUTED} (boundary, department, n)"
                                " VALUES (?, ?, ?)",
                                [(params["b"], d, n) for d, n in contributed.items() if n])
            roadblocks.take(db, params["b"])
        running.fold(d0)
        since, b = text(b), next_boundary(b)


# The days of the month a period starts on.
HALF = 16


def boundary(moment: datetime) -> datetime:
    """The first instant of the period of `moment` (UTC): its month's 1st or 16th."""
    moment = moment.astimezone(timezone.utc)
    return moment.replace(day=1 if moment.day < HALF else HALF, hour=0, minute=0, second=0,
                          microsecond=0)


def next_boundary(b: datetime) -> datetime:
    if b.day < HALF:
        return b.replace(day=HALF)
    b = b.replace(day=1)
    return b.replace(year=b.year + 1, month=1) if b.month == 12 else b.replace(month=b.month + 1)


def text(b: datetime) -> str:
    return b.isoformat(timespec="microseconds")


def take(db: Database, b: datetime, previous: datetime | None = None) -> None:
    """Take the snapshot at boundary `b` (none taken there yet). `previous`: the boundary before
    (its snapshots taken): the contributors', closed commitments' and roadblocks' are taken
    from those and the changes since (the way a read counts them; the validity indexes must
    exist), not from every commitment, span and roadblock."""
    params = {"b": text(b), "d0": b.date().isoformat(), "d1": next_boundary(b).date().isoformat()}
    db.execute(_TAKE, params)
    if previous is None:
        db.execute(_TAKE_CONTRIBUTED, {"b": params["b"]})
        closed_snapshots.take(db, params["b"])
        roadblock_snapshots.take(db, params["b"])
        return
    a = text(previous)
    contributed = dict(db.execute(f"SELECT department, n FROM {CONTRIBUTED} WHERE boundary = ?",
                                  [a]).fetchall())
    for sign, named in db.execute(read_changes(":a", ":b") + " SELECT sign, contributors FROM d"
                                  " WHERE contributors <> ''", {"a": a, "b": params["b"]}):
        for department in named.split(","):
            contributed[department] = contributed.get(department, 0) + sign
    db.conn.executemany(f"INSERT INTO {CONTRIBUTED} (boundary, department, n) VALUES (?, ?, ?)",
                        [(params["b"], d, n) for d, n in contributed.items() if n])
    closed_snapshots.take_from(db, params["b"])
    roadblock_snapshots.take_from(db, params["b"], a, SHARE_CHANGES, PAIR_CHANGES)


def latest(db: Database) -> datetime | None:
    found = db.execute(f"SELECT max(boundary) FROM {SNAPSHOTS}").fetchone()[0]
    return None if found is None else datetime.fromisoformat(found)


def forget_from(db: Database, valid_from: str) -> None:
    """Drop the snapshots a state valid from `valid_from` changes (every boundary at or after)."""
    db.execute(f"DELETE FROM {SNAPSHOTS} WHERE boundary >= ?", [valid_from])
    db.execute(f"DELETE FROM {CONTRIBUTED} WHERE boundary >= ?", [valid_from])
    closed_snapshots.forget_from(db, valid_from)
    roadblock_snapshots.forget_from(db, valid_from)


def extend(db: Database, until: str, last: datetime | None) -> datetime | None:
    """Take every snapshot after `last` (the latest taken; None: none) at a boundary before
    `until` (the latest state's start), from the period after the first commitment's. Returns the
    latest boundary taken then."""
    if last is None:
        first = db.execute("SELECT min(made_at) FROM commitment_spans").fetchone()[0]
        if first is None:
            return None
        b = next_boundary(boundary(datetime.fromisoformat(first)))
    else:
        b = next_boundary(last)
    while text(b) < until:
        take(db, b, last)
        last, b = b, next_boundary(b)
    return last
