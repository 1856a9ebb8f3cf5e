"""Accountability's roadblock figures as of each boundary of `audit.snapshots` (a month's 1st or
16th, beside the commitment figures), so that an as-of page reads the snapshot of its period and
only the roadblocks that changed since, instead of every roadblock raised by then.

`roadblock_history` (kept by the History view from the roadblock events, as
`accountability_roadblocks` keeps them): every roadblock with its raise and resolve instants, days
to resolve (the same float: seconds between the two timestamps over 86,400), who resolved it and
the department that helped.

Per boundary B, each roadblock raised by B counts under its commitment's department and owner at
B (its state valid then):

- `roadblock_snapshots`: per (department, owner) raised and resolved by B; per (department,
  resolver) `helping` (resolved by somebody other than the owner then); per helping department
  (owner '') `helped`; per department (owner '') and per owner (department '') the `median` days
  to resolve of its roadblocks resolved by B (NULL: none).
- `roadblock_durations`: for each such median, all those days to resolve in order (`days`,
  packed doubles), so that a read adds and removes the few changed since B and takes the median
  again; a key nothing changed for keeps its median (read in one pass with the counts, the
  durations apart).

The days to resolve are not discrete (seconds over a day), so the medians keep the durations
themselves: exact, and read only for the keys that changed since B.
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlite_utils import Database

ROADBLOCKS = "roadblock_history"
COUNTS = "roadblock_snapshots"
DURATIONS = "roadblock_durations"
SECONDS_PER_DAY = 86400

CREATE = f"""
    CREATE TABLE {ROADBLOCKS} (
        commitment_id TEXT NOT NULL, roadblock_id TEXT NOT NULL, raised_at TEXT NOT NULL,
        resolved_at TEXT, days_to_resolve REAL, resolved_by TEXT, helped_by TEXT,
        PRIMARY KEY (commitment_id, roadblock_id)) WITHOUT ROWID;
    CREATE INDEX {ROADBLOCKS}_raised ON {ROADBLOCKS} (raised_at, commitment_id);
    CREATE INDEX {ROADBLOCKS}_resolved ON {ROADBLOCKS} (resolved_at, commitment_id)
        WHERE resolved_at IS NOT NULL;
    CREATE TABLE {COUNTS} (
        boundary TEXT NOT NULL, department TEXT NOT NULL, owner_id TEXT NOT NULL,
        raised INTEGER NOT NULL, resolved INTEGER NOT NULL, helping INTEGER NOT NULL,
        helped INTEGER NOT NULL, median REAL,
        PRIMARY KEY (boundary, department, owner_id)) WITHOUT ROWID;
    CREATE TABLE {DURATIONS} (
        boundary TEXT NOT NULL, department TEXT NOT NULL, owner_id TEXT NOT NULL,
        days BLOB NOT NULL, PRIMARY KEY (boundary, department, owner_id));
"""
# The roadblocks raised by `{at}` of the commitments in `{ids}`, under each one's department and
# owner then (its latest state starting by then, the one valid then; none: not made yet).
_OF_AT = f"""SELECT p.department, p.owner_id,
        CASE WHEN r.resolved_at <= {{at}} THEN r.days_to_resolve END,
        CASE WHEN r.resolved_at <= {{at}} THEN r.resolved_by END,
        CASE WHEN r.resolved_at <= {{at}} THEN r.helped_by END
    FROM {{ids}} c JOIN commitment_history p ON p.valid_from_position = (
        SELECT h.valid_from_position FROM commitment_history h
        WHERE h.commitment_id = c.commitment_id AND h.valid_from <= {{at}}
        ORDER BY h.valid_from_position DESC LIMIT 1)
    JOIN {ROADBLOCKS} r ON r.commitment_id = c.commitment_id AND r.raised_at <= {{at}}"""
_RAISED_BY = (f"WITH raising AS MATERIALIZED (SELECT DISTINCT commitment_id FROM {ROADBLOCKS}"
              " WHERE raised_at <= :b) " + _OF_AT.format(ids="raising", at=":b"))

# One roadblock as counted at an instant: department, owner, days to resolve, resolved by,
# helped by (the last three None unless resolved by then).
Counted = tuple[str, str, "float | None", "str | None", "str | None"]


class Tally:
    """Roadblock figures counted from roadblocks (`add`, sign -1 to take one away)."""

    def __init__(self) -> None:
        self.raised: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        self.helping: dict[tuple[str, str], int] = defaultdict(int)
        self.helped: dict[str, int] = defaultdict(int)
        # ("department" | "owner_id", key) -> days added (sign 1) or taken away (-1)
        self.days: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)

    def add(self, rows: Iterable[Counted], sign: int = 1) -> None:
        for d, owner, days, resolver, helper in rows:
            counts = self.raised[(d, owner)]
            counts[0] += sign
            if days is not None:
                counts[1] += sign
                self.days[("department", d)].append((sign, days))
                self.days[("owner_id", owner)].append((sign, days))
            if resolver is not None and resolver != owner:
                self.helping[(d, resolver)] += sign
            if helper:
                self.helped[helper] += sign


def _count_rows(raised: Mapping[tuple[str, str], Sequence[int]],
                helping: Mapping[tuple[str, str], int],
                helped: Mapping[str, int]) -> dict[tuple[str, str], list[Any]]:
    """The snapshot's rows by (department, owner), without their medians: roadblocks raised and
    resolved, help given (per pair) and received (per department, owner '')."""
    rows: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, 0, 0, 0, None])
    for pair, (raised_n, resolved_n) in raised.items():
        rows[pair][0:2] = [raised_n, resolved_n]
    for pair, n in helping.items():
        rows[pair][2] = n
    for department, n in helped.items():
        rows[(department, "")][3] = n
    return rows


def take(db: Database, b: str) -> None:
    """Take the roadblock snapshot at boundary `b` (stored instant text; none taken there yet)."""
    tally = Tally()
    tally.add(db.execute(_RAISED_BY, {"b": b}).fetchall())
    _store(db, b, tally.raised, tally.helping, tally.helped,
           {k: sorted(d for _, d in signed) for k, signed in tally.days.items()})


def _store(db: Database, b: str, raised: Mapping[tuple[str, str], Sequence[int]],
           helping: Mapping[tuple[str, str], int], helped: Mapping[str, int],
           days: Mapping[tuple[str, str], list[float]]) -> None:
    """Store the snapshot at boundary `b`: the counts, and the median and sorted days to resolve
    per ("department" or "owner_id", key) that has any."""
    rows = _count_rows(raised, helping, helped)
    durations = []
    for (kind, key), ordered in days.items():
        if ordered:
            pair = (key, "") if kind == "department" else ("", key)
            rows[pair][4] = median(ordered)
            durations.append((b, *pair, array("d", ordered).tobytes()))
    db.conn.executemany(f"INSERT INTO {COUNTS} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [(b, *pair, *values) for pair, values in rows.items()])
    db.conn.executemany(f"INSERT INTO {DURATIONS} VALUES (?, ?, ?, ?)", durations)


def take_from(db: Database, b: str, previous: str, share: str, pair: str) -> None:
    """`take`, from the snapshot at `previous` (the boundary before `b`) and the roadblocks
    changed in between, as a read at `b` counts them (`SnapshotFigures`): the same rows. The
    durations of the medians nothing changed for are copied."""
    figures = SnapshotFigures(db, {"m": previous, "t": b}, share, pair)
    rows = _count_rows(figures.raised, figures.helping, figures.helped)
    for department, m in figures.medians["department"].items():
        rows[(department, "")][4] = m
    for owner, m in figures.medians["owner_id"].items():
        rows[("", owner)][4] = m
    db.conn.executemany(f"INSERT INTO {COUNTS} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [(b, *key, *values) for key, values in rows.items()])
    changed = figures.durations
    db.execute(
        f"INSERT INTO {DURATIONS} SELECT :b, department, owner_id, days FROM {DURATIONS}"
        " WHERE boundary = :previous"
        " AND NOT (owner_id = '' AND department IN (SELECT value FROM json_each(:departments)))"
        " AND NOT (department = '' AND owner_id IN (SELECT value FROM json_each(:owners)))",
        {"b": b, "previous": previous, "departments": json.dumps(list(changed["department"])),
         "owners": json.dumps(list(changed["owner_id"]))})
    db.conn.executemany(f"INSERT INTO {DURATIONS} VALUES (?, ?, ?, ?)", [
        (b, *((key, "") if kind == "department" else ("", key)), array("d", days).tobytes())
        for kind, keyed in changed.items() for key, days in keyed.items() if days])


def forget_from(db: Database, valid_from: str) -> None:
    db.execute(f"DELETE FROM {COUNTS} WHERE boundary >= ?", [valid_from])
    db.execute(f"DELETE FROM {DURATIONS} WHERE boundary >= ?", [valid_from])


def raised(db: Database, fact_data: dict[str, Any], commitment_id: str, at: str) -> None:
    """A roadblock raised at `at` (the timestamp's isoformat, as `accountability_roadblocks`)."""
    db.execute(f"INSERT INTO {ROADBLOCKS} (commitment_id, roadblock_id, raised_at)"
               " VALUES (?, ?, ?)", [commitment_id, str(fact_data["roadblock_id"]), at])


def resolved(db: Database, fact_data: dict[str, Any], commitment_id: str, timestamp: datetime,
             resolver: str | None) -> None:
    """A roadblock resolved at `timestamp` (days to resolve computed as the accountability view
    computes them)."""
    key = [commitment_id, str(fact_data["roadblock_id"])]
    row = db.execute(f"SELECT raised_at FROM {ROADBLOCKS} WHERE commitment_id = ?"
                     " AND roadblock_id = ?", key).fetchone()
    if row is None:
        raise LookupError(f"history: no roadblock {key}")
    days = (timestamp - datetime.fromisoformat(row[0])).total_seconds() / SECONDS_PER_DAY
    db.execute(f"UPDATE {ROADBLOCKS} SET resolved_at = ?, days_to_resolve = ?, resolved_by = ?,"
               " helped_by = ? WHERE commitment_id = ? AND roadblock_id = ?",
               [timestamp.isoformat(), days, resolver, fact_data["helped_by"], *key])


# The commitments whose roadblock figures may differ between :m and :t: a roadblock raised or
# resolved in between, or handed over or moved in between.
_CHANGED = f"""
    SELECT commitment_id FROM {ROADBLOCKS} WHERE raised_at > :m AND raised_at <= :t
    UNION SELECT commitment_id FROM {ROADBLOCKS} INDEXED BY {ROADBLOCKS}_resolved
        WHERE resolved_at > :m AND resolved_at <= :t AND resolved_at IS NOT NULL
    UNION SELECT h.commitment_id FROM commitment_history h INDEXED BY history_share_changes
        WHERE h.event_kind IN {{share}} AND h.event_kind IN {{pair}}
        AND h.valid_from > :m AND h.valid_from <= :t AND EXISTS (SELECT 1 FROM {ROADBLOCKS} r
            WHERE r.commitment_id = h.commitment_id AND r.raised_at <= :t)"""
# And those made in between: a roadblock's timestamp may be before its commitment's first state
# when a clock ran backwards, and it counts from that state on (as `take` counts it).
_MADE = f"""
    UNION SELECT h.commitment_id FROM commitment_history h INDEXED BY history_share_changes
        WHERE h.event_kind IN {{share}} AND h.event_kind = 'Made'
        AND h.valid_from > :m AND h.valid_from <= :t AND EXISTS (SELECT 1 FROM {ROADBLOCKS} r
            WHERE r.commitment_id = h.commitment_id AND r.raised_at <= :t)"""


def changes(share: str, pair: str) -> str:
    """Per commitment changed or made between :m and :t its roadblocks at :m (sign -1) and at :t
    (sign 1)."""
    changed = _CHANGED + _MADE
    return (f"WITH changed AS MATERIALIZED ({changed.format(share=share, pair=pair)})"
            f" SELECT -1, * FROM ({_OF_AT.format(ids='changed', at=':m')})"
            f" UNION ALL SELECT 1, * FROM ({_OF_AT.format(ids='changed', at=':t')})")


# The snapshot's rows of each kind, with only their own columns.
_SNAPSHOT_PAIRS = (f"SELECT department, owner_id, raised, resolved, helping FROM {COUNTS}"
                   " WHERE boundary = :m AND department <> '' AND owner_id <> ''")
_SNAPSHOT_DEPARTMENTS = (f"SELECT department, helped, median FROM {COUNTS}"
                         " WHERE boundary = :m AND owner_id = '' AND department <> ''")
_SNAPSHOT_OWNERS = (f"SELECT owner_id, median FROM {COUNTS}"
                    " WHERE boundary = :m AND department = '' AND median IS NOT NULL")
# The durations of some departments' (`owner_id` '') or owners' (`department` '') medians (`:keys`,
# a JSON list).
_SNAPSHOT_DAYS = {
    "department": (f"SELECT department, days FROM {DURATIONS} WHERE boundary = :m"
                   " AND owner_id = '' AND department IN (SELECT value FROM json_each(:keys))"),
    "owner_id": (f"SELECT owner_id, days FROM {DURATIONS} WHERE boundary = :m"
                 " AND department = '' AND owner_id IN (SELECT value FROM json_each(:keys))"),
}


class SnapshotFigures:
    """The roadblock figures at :t from the snapshot at :m and the roadblocks changed since (the
    same figures `accountability.Roadblocks` counts from every roadblock raised by then):
    `raised`, `helping`, `helped`, and `medians` per "department" or "owner_id" (`durations`:
    the days to resolve of those that changed)."""

    def __init__(self, db: Database, params: dict[str, Any], share: str, pair: str) -> None:
        pairs = db.execute(_SNAPSHOT_PAIRS, params).fetchall()
        self.raised = {(d, o): [n, r] for d, o, n, r, _ in pairs if n}
        self.helping = {(d, o): n for d, o, _, _, n in pairs if n}
        departments = db.execute(_SNAPSHOT_DEPARTMENTS, params).fetchall()
        self.helped = {d: n for d, n, _ in departments if n}
        self.medians = {
            "department": {d: m for d, _, m in departments if m is not None},
            "owner_id": dict(db.execute(_SNAPSHOT_OWNERS, params).fetchall())}
        tally = Tally()
        for sign, *row in db.execute(changes(share, pair), params).fetchall():
            tally.add([row], sign)
        for pair_key, (n_raised, n_resolved) in tally.raised.items():
            found = self.raised.setdefault(pair_key, [0, 0])
            found[0] += n_raised
            found[1] += n_resolved
            if not found[0]:
                del self.raised[pair_key]
        for pair_key, n in tally.helping.items():
            _add(self.helping, pair_key, n)
        for department, n in tally.helped.items():
            _add(self.helped, department, n)
        changed: dict[str, dict[str, tuple[list[float], list[float]]]] = {
            kind: {} for kind in _SNAPSHOT_DAYS}
        # the days to resolve in order of the medians that changed (per kind and key)
        self.durations: dict[str, dict[str, list[float]]] = {kind: {} for kind in _SNAPSHOT_DAYS}
        for (kind, key), signed in tally.days.items():
            added = sorted(d for s, d in signed if s > 0)
            removed = sorted(d for s, d in signed if s < 0)
            if added != removed:
                changed[kind][key] = (added, removed)
        for kind, keys in changed.items():
            if not keys:
                continue
            stored = dict(db.execute(_SNAPSHOT_DAYS[kind],
                                     dict(params, keys=json.dumps(list(keys)))).fetchall())
            medians = self.medians[kind]
            durations = self.durations[kind]
            for key, (added, removed) in keys.items():
                days = array("d")
                days.frombytes(stored.get(key, b""))
                ordered = days.tolist()
                for value in removed:
                    del ordered[bisect_left(ordered, value)]
                for value in added:
                    insort(ordered, value)
                durations[key] = ordered
                if ordered:
                    medians[key] = median(ordered)
                else:
                    medians.pop(key, None)


class Running:
    """The roadblock figures at one boundary after another, for a rebuild's snapshots
    (`snapshots.take_all`): each boundary's from the one before and the commitments whose
    roadblocks changed in between (`changes`), instead of every roadblock raised by then
    (`take`, whose rows these are). Needs `roadblock_history`'s indexes and
    `history_share_changes`."""

    def __init__(self, share: str, pair: str) -> None:
        self.sql = changes(share, pair)
        self.raised: dict[tuple[str, str], list[int]] = {}
        self.helping: dict[tuple[str, str], int] = {}
        self.helped: dict[str, int] = {}
        # ("department" | "owner_id", key) -> the days to resolve counted, in order
        self.days: dict[tuple[str, str], list[float]] = {}

    def advance(self, db: Database, since: str, until: str) -> None:
        """From the figures at `since` (stored instant text; '': before the first roadblock)
        to those at `until`."""
        for sign, d, owner, days, resolver, helper in db.execute(
                self.sql, {"m": since, "t": until}).fetchall():
            counts = self.raised.setdefault((d, owner), [0, 0])
            counts[0] += sign
            if days is not None:
                counts[1] += sign
                for key in (("department", d), ("owner_id", owner)):
                    ordered = self.days.setdefault(key, [])
                    if sign > 0:
                        insort(ordered, days)
                    else:
                        del ordered[bisect_left(ordered, days)]
            if not counts[0]:
                del self.raised[(d, owner)]
            if resolver is not None and resolver != owner:
                _add(self.helping, (d, resolver), sign)
            if helper:
                _add(self.helped, helper, sign)

    def take(self, db: Database, b: str) -> None:
        """Store the figures as the snapshot at boundary `b` (as `take` would)."""
        _store(db, b, self.raised, self.helping, self.helped, self.days)


def _add(found: dict[Any, int], key: Any, n: int) -> None:
    total = found.get(key, 0) + n
    if total:
        found[key] = total
    else:
        found.pop(key, None)


def median(ordered: list[float]) -> float:
    """As the live query takes it: the middle value, or the mean of the two middle values."""
    middle = ordered[(len(ordered) - 1) // 2: len(ordered) // 2 + 1]
    return sum(middle) / len(middle)
