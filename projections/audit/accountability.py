"""Accountability (every figure of `projections.queries.accountability`, same rows and keys) as
it stood at an instant: the commitments' states come from the temporal history (with the days
each had slipped by then, `slipped`: each move's later date less its earlier, never below zero, as
the state's own, so that a move stamped before an event earlier in the log counts with the
state that holds it), handovers from the accountability view's handovers (by log position:
late in the log, its counts now less the handovers after the instant), roadblocks from its
roadblocks with their raise and resolve instants.

One statement reads the commitments' states at the instant once: SQLite counts the figures per
(department, owner) pair (the pairs are few: a member owns in a department or two) and lists the
roadblocks raised by then; Python only adds the pairs up per department and per owner, and takes
the medians of the days to resolve.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from operator import add, itemgetter
from typing import Any

from sqlite_utils import Database

from projections.audit import snapshots
from projections.audit.roadblock_snapshots import SnapshotFigures, median
from projections.audit.snapshots import PAIR_CHANGES, SHARE_CHANGES

ZERO = {
    "made": 0, "open": 0, "kept": 0, "kept_on_original": 0, "late": 0, "missed": 0,
    "withdrawn": 0, "due_so_far": 0, "due_date_moves": 0, "days_slipped": 0,
}
FIGURES = tuple(ZERO)
_VALID_AT = "h.valid_from <= :t AND (h.valid_to IS NULL OR h.valid_to > :t)"
# The commitments' states at the instant (each commitment's one valid then).
_STATES = (
    "SELECT h.commitment_id, h.department, h.owner_id, h.original_due_date, h.due_date,"
    " h.status, h.completed_on, h.due_at_completion, h.due_date_moves, h.slipped,"
    " h.status = 'completed' AND h.completed_on <= h.due_at_completion AS kept"
    f" FROM commitment_history h WHERE {_VALID_AT}"
)
# One statement, so that the commitments' states at the instant are read once: the figures per
# (department, owner), in the order of FIGURES after the pair (tagged 'f'); then every roadblock
# raised by then (tagged 'r'), under its commitment's department and owner then (roadblocks follow
# a moved or handed-over commitment), with what resolved it only when resolved by then: its days
# to resolve, resolver and helping department. (Stored instants compare as text: UTC, and a
# stored instant without microseconds still sorts correctly against `t`, which always has them.)
_FACTS = f"""
    WITH c AS MATERIALIZED ({_STATES})
    SELECT 'f', c.department, c.owner_id, count(*), sum(c.status = 'open'), sum(c.kept),
        sum(c.kept AND c.completed_on <= c.original_due_date),
        sum(c.status = 'completed' AND NOT c.kept),
        sum(c.status = 'open' AND c.due_date < :today), sum(c.status = 'withdrawn'),
        sum(c.status = 'completed' OR c.original_due_date <= :today),
        sum(c.due_date_moves), sum(c.slipped)
    FROM c
    GROUP BY c.department, c.owner_id
    UNION ALL
    SELECT 'r', c.department, c.owner_id,
        CASE WHEN r.resolved_at <= :t THEN r.days_to_resolve END,
        CASE WHEN r.resolved_at <= :t THEN r.resolved_by END,
        CASE WHEN r.resolved_at <= :t THEN r.helped_by END,
        r.commitment_id, NULL, NULL, NULL, NULL, NULL, NULL
    FROM accountability_roadblocks r JOIN c ON c.commitment_id = r.commitment_id
    WHERE r.raised_at <= :t"""
_HANDOVERS = ("SELECT department, from_owner, to_owner FROM accountability_handovers"
              " WHERE position <= :p")
_OF_DEPARTMENT = " AND department = :d"
# Late in the log, most handovers are before the instant: the counts now (the accountability
# view's figures rows per owner, department '', and per department, owner '') less the handovers
# after it, in one statement so that they agree. `_LATER` says which way reads fewer rows.
_LATER = ("SELECT count(*) FROM (SELECT 1 FROM accountability_handovers WHERE position > :p"
          " LIMIT :cap)")
_HANDOVERS_NOW_LESS_LATER = """
    SELECT '', owner_id, handovers_in, handovers_out FROM accountability_figures
    WHERE department = '' AND (handovers_in <> 0 OR handovers_out <> 0)
    UNION ALL SELECT department, '', handovers_in, NULL FROM accountability_figures
    WHERE owner_id = '' AND department <> '' AND handovers_in <> 0
    UNION ALL SELECT department, from_owner, to_owner, -1 FROM accountability_handovers
    WHERE position > :p"""
_CAP = 2000


_CONTRIBUTORS = ("SELECT contributors FROM commitment_history WHERE valid_from <= :t"
                 " AND (valid_to IS NULL OR valid_to > :t) AND contributors <> ''")


# The fast way (`audit.snapshots`): the snapshot at the first instant of the instant's period (half month) `:m`, then
# the commitments whose share changed since: less their share at :m, plus their share at :t.
_SIGNED = ("made", "open", "kept", "kept_on_original", "late", "missed_day <= :today", "withdrawn",
           "due_day <= :today", "due_date_moves", "days_slipped")
# In one statement: the figures per (department, owner) with a commitment then (in the order of
# FIGURES, tagged 'f'), the contributors of the changed ones then (sign, contributors: 'c'),
# and whether there is a snapshot at :m ('n').
_SNAPSHOT_AND_CHANGED = snapshots.read_changes(":m", ":t") + f""",
    s AS (SELECT department, owner_id, {", ".join(FIGURES)} FROM {snapshots.SNAPSHOTS}
            WHERE boundary = :m AND (day = '' OR day <= :today)
        UNION ALL SELECT department, owner_id, {", ".join(f"sign * ({c})" for c in _SIGNED)}
            FROM d)
    SELECT 'f', department, owner_id, {", ".join(f"CAST(total({c}) AS INTEGER)" for c in FIGURES)}
    FROM s GROUP BY department, owner_id HAVING total(made) <> 0
    UNION ALL
    SELECT 'c', sign, contributors, {", ".join(["NULL"] * len(FIGURES))}
    FROM d WHERE contributors <> ''
    UNION ALL
    SELECT 'n', EXISTS (SELECT 1 FROM {snapshots.SNAPSHOTS} WHERE boundary = :m),
        {", ".join(["NULL"] * (len(FIGURES) + 1))}"""
_SNAPSHOT_CONTRIBUTED = f"SELECT department, n FROM {snapshots.CONTRIBUTED} WHERE boundary = :m"
# Every roadblock raised by then, under its commitment's department and owner now (kept in step
# by `accountability_roadblocks`), and the department and owner then of the commitments moved or
# handed over since: the roadblocks follow them.
_ROADBLOCKS = """SELECT commitment_id, department, owner_id,
        CASE WHEN resolved_at <= :t THEN days_to_resolve END,
        CASE WHEN resolved_at <= :t THEN resolved_by END,
        CASE WHEN resolved_at <= :t THEN helped_by END
    FROM accountability_roadblocks WHERE raised_at <= :t"""
# The commitments handed over or moved since (their state then is looked up only for those with
# a roadblock raised by then: after years of handovers, most have none).
_MOVED_SINCE = ("SELECT DISTINCT commitment_id FROM commitment_history"
                f" INDEXED BY history_share_changes WHERE event_kind IN {SHARE_CHANGES}"
                f" AND event_kind IN {PAIR_CHANGES} AND valid_from > :t")
_PAIR_THEN = ("SELECT h.department, h.owner_id FROM commitment_history h"
              " WHERE h.commitment_id = :c AND h.valid_from <= :t"
              " ORDER BY h.valid_from_position DESC LIMIT 1")


# commitment, its department and owner (now, or then: see `Roadblocks`), days to resolve, resolved
# by, helped by (the last three None unless resolved by then)
Roadblock = tuple[str, str, str, "float | None", "str | None", "str | None"]


class Roadblocks:
    """The roadblocks raised by an instant (`rows`), counted in one pass under their commitment's
    department and owner then (`then` for the commitments moved or handed over since, the row's
    for the others): raised and resolved by then per (department, owner) (`raised`),
    help given per (department, resolver) (`helping`: resolved by somebody other than the
    owner), help per helping department (`helped`), and the days to resolve per (department,
    owner) for the medians."""

    def __init__(self, rows: list[Roadblock], then: dict[str, tuple[str, str]]) -> None:
        self.rows, self.then = rows, then
        self.raised: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        self.helping: dict[tuple[str, str], int] = defaultdict(int)
        self.helped: dict[str, int] = defaultdict(int)
        self.days: dict[tuple[str, str], list[float]] = defaultdict(list)
        for c, *now, days, resolver, helper in rows:
            d, owner = then.get(c) or now
            counts = self.raised[(d, owner)]
            counts[0] += 1
            if days is not None:
                counts[1] += 1
                self.days[(d, owner)].append(days)
            if resolver is not None and resolver != owner:
                self.helping[(d, resolver)] += 1
            if helper:
                self.helped[helper] += 1

    def medians(self, key: str, department: str | None = None) -> dict[str, float]:
        """The median days to resolve per "department" or "owner_id" (`department`: of its
        roadblocks only)."""
        durations: dict[str, list[float]] = defaultdict(list)
        for (d, owner), days in self.days.items():
            if department is None or d == department:
                durations[d if key == "department" else owner] += days
        return {k: median(sorted(v)) for k, v in durations.items()}

    def listed(self) -> list[tuple[str, str, float | None, str | None, str | None]]:
        """Each roadblock: its commitment's department and owner then, days to resolve, resolved
        by, helped by."""
        return [(*(self.then.get(c) or (d, owner)), days, resolver, helper)
                for c, d, owner, days, resolver, helper in self.rows]


class SnapshotRoadblocks:
    """`Roadblocks`' figures from the snapshot of the instant's period (`audit.roadblock_snapshots`): the medians
    per department and per owner; those of one department's owners, and the list of
    roadblocks, from every roadblock raised by then (read when first asked for)."""

    def __init__(self, figures: SnapshotFigures, listed: Callable[[], Roadblocks]) -> None:
        self.raised, self.helping, self.helped = figures.raised, figures.helping, figures.helped
        self._medians = figures.medians
        self._listed = listed
        self._all: Roadblocks | None = None

    def medians(self, key: str, department: str | None = None) -> dict[str, float]:
        if department is not None:
            return self._every().medians(key, department)
        return self._medians[key]

    def listed(self) -> list[tuple[str, str, float | None, str | None, str | None]]:
        return self._every().listed()

    def _every(self) -> Roadblocks:
        if self._all is None:
            self._all = self._listed()
        return self._all


def _listed_roadblocks(db: Database, params: dict[str, Any]) -> Roadblocks:
    """Every roadblock raised by :t, under its commitment's department and owner then."""
    rows = db.execute(_ROADBLOCKS, params).fetchall()
    moved = {c for (c,) in db.execute(_MOVED_SINCE, params).fetchall()}
    then = {c: db.execute(_PAIR_THEN, {"c": c, "t": params["t"]}).fetchone()
            for c in {r[0] for r in rows} & moved}
    return Roadblocks(rows, then)


class Facts:
    """The accountability facts as of one instant (`t`: stored instant text, `p`: its log
    position, `today`: its UTC date). `fast`: from the snapshot of the instant's period when there
    is one (the same facts, see `audit.snapshots`); False: from every commitment's state then."""

    def __init__(self, db: Database, t: str, p: int, today: date, *, fast: bool = True) -> None:
        params = {"t": t, "p": p, "today": today.isoformat()}
        # (department, owner) -> the figures in the order of FIGURES
        self.pairs: dict[tuple[str, str], tuple[int, ...]] = {}
        self.roadblock_rows: list[Roadblock] = []
        self._db, self._params = db, params
        # handovers by then into each owner, out of each owner, in each department
        self.handovers_in, self.handovers_out, self.department_handovers = _handovers(db, params)
        self.roadblocks: Roadblocks | SnapshotRoadblocks
        if not (fast and self._from_snapshot(db, params)):
            self._replayed(db, params)
            self.roadblocks = Roadblocks(self.roadblock_rows, {})

    def _from_snapshot(self, db: Database, params: dict[str, Any]) -> bool:
        """The facts from the snapshot of the instant's period, when there is one."""
        m = snapshots.boundary(datetime.fromisoformat(params["t"]))
        if not m.date().isoformat() <= params["today"] < snapshots.next_boundary(m).date().isoformat():
            return False
        params = dict(params, m=snapshots.text(m))
        pairs: dict[tuple[str, str], tuple[int, ...]] = {}
        changed: list[tuple[int, str]] = []
        taken = False
        for row in db.execute(_SNAPSHOT_AND_CHANGED, params).fetchall():
            tag = row[0]
            if tag == "f":
                pairs[(row[1], row[2])] = row[3:]
            elif tag == "c":
                changed.append((row[1], row[2]))  # sign, contributors
            else:
                taken = bool(row[1])
        if not taken:  # no snapshot there (the first commitment's period, or none taken yet)
            return False
        contributed: dict[str, int] = defaultdict(int)
        for department, n in db.execute(_SNAPSHOT_CONTRIBUTED, params).fetchall():
            contributed[department] = n
        for sign, named in changed:
            for department in named.split(","):
                contributed[department] += sign
        self.pairs = pairs
        self.contributed = {d: n for d, n in contributed.items() if n}
        self.roadblocks = SnapshotRoadblocks(
            SnapshotFigures(db, params, SHARE_CHANGES, PAIR_CHANGES),
            lambda: _listed_roadblocks(db, params))
        return True

    def _replayed(self, db: Database, params: dict[str, Any]) -> None:
        """The facts from every commitment's state at the instant."""
        for tag, department, owner, *rest in db.execute(_FACTS, params).fetchall():
            if tag == "f":
                self.pairs[(department, owner)] = tuple(rest)
            else:
                self.roadblock_rows.append((rest[3], department, owner, *rest[:3]))
        # Departments contributing to each commitment as it stood then (its temporal state).
        self.contributed = _count(d for (named,) in db.execute(_CONTRIBUTORS, params).fetchall()
                                  for d in named.split(","))

    def handovers(self, department: str | None = None) -> tuple[dict[str, int], dict[str, int]]:
        """The handovers by then into and out of each owner (`department`: in that one only)."""
        if department is None:
            return self.handovers_in, self.handovers_out
        ins: dict[str, int] = defaultdict(int)
        outs: dict[str, int] = defaultdict(int)
        for _, from_owner, to_owner in self._db.execute(
                _HANDOVERS + _OF_DEPARTMENT, dict(self._params, d=department)).fetchall():
            ins[to_owner] += 1
            outs[from_owner] += 1
        return ins, outs

    def figures(self, key: str, department: str | None = None) -> dict[str, dict[str, int]]:
        """The commitment figures per `key` ("department" or "owner_id")."""
        return {k: dict(zip(FIGURES, v)) for k, v in self.sums(key, department).items()}

    def sums(self, key: str, department: str | None = None) -> dict[str, tuple[int, ...]]:
        """`figures`, each as its values in the order of FIGURES."""
        found: dict[str, tuple[int, ...]] = {}
        owners = key != "department"
        for (d, owner), values in self.pairs.items():
            if department is not None and d != department:
                continue
            k = owner if owners else d
            f = found.get(k)
            found[k] = values if f is None else tuple(map(add, f, values))
        return found

    def roadblock_figures(self, key: str, department: str | None = None
                          ) -> tuple[dict[str, tuple[int, int]], dict[str, float]]:
        """Per key: (raised, resolved), and the median days to resolve."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for (d, owner), (raised, resolved) in self.roadblocks.raised.items():
            if department is None or d == department:
                found = counts[d if key == "department" else owner]
                found[0] += raised
                found[1] += resolved
        return ({k: (v[0], v[1]) for k, v in counts.items()},
                self.roadblocks.medians(key, department))


def by_department(facts: Facts, departments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per department (the plan's departments as of the instant, in order)."""
    figures = facts.figures("department")
    raised, medians = facts.roadblock_figures("department")
    helped = facts.roadblocks.helped
    handovers = facts.department_handovers
    found = []
    for d in departments:
        key = d["slug"]
        row = {"department": key, "department_name": d["name"], **figures.get(key, ZERO)}
        row["handovers"] = handovers.get(key, 0)
        _add_roadblocks(row, raised.get(key), helped.get(key, 0), medians.get(key))
        row["contributed"] = facts.contributed.get(key, 0)
        found.append(row)
    return found


def by_owner(facts: Facts, members: dict[str, tuple[str, str]],
             department: str | None = None) -> list[dict[str, Any]]:
    """One row per member who owned, handed over or helped with commitments at the instant."""
    sums = facts.sums("owner_id", department)
    ins, outs = facts.handovers(department)
    raised, medians = facts.roadblock_figures("owner_id", department)
    helped = _sum((resolver, n) for (d, resolver), n in facts.roadblocks.helping.items()
                  if department is None or d == department)
    zero, unknown, none = tuple(ZERO.values()), (None, None), (0, 0)
    found = []
    for owner in sums.keys() | ins.keys() | outs.keys() | helped.keys():
        values = sums.get(owner, zero)
        due_so_far = values[_DUE_SO_FAR]
        name, email = members.get(owner, unknown)
        found.append((name or "", owner, email, values, ins.get(owner, 0), outs.get(owner, 0),
                      raised.get(owner, none), helped.get(owner, 0), medians.get(owner),
                      values[_KEPT_ON_ORIGINAL] / due_so_far if due_so_far else None, name))
    found.sort(key=_BY_NAME)
    return [dict(zip(_OWNER_ROW, (owner, name, email, *values, n_in, n_out, *counts, n_helped,
                                  days, say_do)))
            for _, owner, email, values, n_in, n_out, counts, n_helped, days, say_do, name
            in found]


_BY_NAME = itemgetter(0, 1)  # the owner's name ('' for none), then id


# An owner's row, in the order `_add_roadblocks` adds the roadblock figures to a department's.
_OWNER_ROW = ("owner_id", "owner_name", "owner_email", *FIGURES, "handovers_in", "handovers_out",
              "roadblocks_raised", "roadblocks_resolved", "roadblocks_helped",
              "median_days_to_resolve", "say_do")
_DUE_SO_FAR, _KEPT_ON_ORIGINAL = FIGURES.index("due_so_far"), FIGURES.index("kept_on_original")


def _add_roadblocks(row: dict[str, Any], raised: tuple[int, int] | None, helped: int,
                    median: float | None) -> None:
    row["roadblocks_raised"], row["roadblocks_resolved"] = raised or (0, 0)
    row["roadblocks_helped"] = helped
    row["median_days_to_resolve"] = median
    row["say_do"] = row["kept_on_original"] / row["due_so_far"] if row["due_so_far"] else None


def _handovers(db: Database, params: dict[str, Any]
               ) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """The handovers by then into and out of each owner, and in each department."""
    ins: dict[str, int] = defaultdict(int)
    outs: dict[str, int] = defaultdict(int)
    departments: dict[str, int] = defaultdict(int)
    if db.execute(_LATER, dict(params, cap=_CAP)).fetchone()[0] < _CAP:
        for department, owner, n_in, n_out in db.execute(_HANDOVERS_NOW_LESS_LATER,
                                                         params).fetchall():
            if n_out is None:
                departments[department] = n_in
            elif department == "":
                ins[owner], outs[owner] = n_in, n_out
            else:  # a handover after the instant (owner: from, n_in: to)
                departments[department] -= 1
                outs[owner] -= 1
                ins[n_in] -= 1
        return ({k: n for k, n in ins.items() if n}, {k: n for k, n in outs.items() if n},
                {k: n for k, n in departments.items() if n})
    for department, from_owner, to_owner in db.execute(_HANDOVERS, params).fetchall():
        departments[department] += 1
        outs[from_owner] += 1
        ins[to_owner] += 1
    return ins, outs, departments


def _count(keys: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = defaultdict(int)
    for key in keys:
        found[key] += 1
    return found


def _sum(counted: Iterable[tuple[str, int]]) -> dict[str, int]:
    found: dict[str, int] = defaultdict(int)
    for key, n in counted:
        found[key] += n
    return found
