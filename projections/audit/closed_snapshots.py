"""The closed commitments counted at each snapshot boundary (a month's 1st and 16th, UTC: see
`audit.snapshots`), so that the as-of board page and dashboard count the closed ones
(`queries.history.closed_counts_as_of`) from the snapshot before the instant and the few changes
since, instead of walking every closed span.

`closed_snapshots` (kept by the History view beside `audit.snapshots`, taken, taken again and
forgotten with them): per boundary B, department, journey then ('' for none) and final health,
how many spans closed at or before B. A span's department and health never change once it is
closed; its journey can be corrected afterwards, so it is counted under its journey at B.

The counts at an instant t are those of the latest snapshot at or before t (none: nothing), plus
the spans closed after it until t (found by `spans_closed_at`), and, for the spans closed by then
whose journey was corrected after it (`spans_journey_changed`; rare), one moved from their
journey at B to their journey at t.
"""

from __future__ import annotations

from sqlite_utils import Database

CLOSED = "closed_snapshots"
CREATE = f"""
    CREATE TABLE {CLOSED} (
        boundary TEXT NOT NULL, department TEXT NOT NULL, journey TEXT NOT NULL,
        health TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (boundary, department, journey, health)) WITHOUT ROWID;
    CREATE INDEX spans_closed_at ON commitment_spans (closed_at) WHERE closed_at IS NOT NULL;
    CREATE INDEX spans_journey_changed ON commitment_spans (journey_changed_at)
        WHERE journey_changed_at IS NOT NULL;
"""


def journey_then(at: str) -> str:
    """SQL for the journey of span `s` at `{at}` (its latest state's by then when its journey was
    corrected later, else the span's)."""
    return (f"CASE WHEN s.journey_changed_at > {at} THEN (SELECT h.journey"
            " FROM commitment_history h INDEXED BY history_commitment"
            f" WHERE h.commitment_id = s.commitment_id AND h.valid_from <= {at}"
            " ORDER BY h.valid_from_position DESC LIMIT 1) ELSE s.journey END")


_TAKE = f"""INSERT INTO {CLOSED} (boundary, department, journey, health, n)
    SELECT :b, department, COALESCE(journey_then, ''), health, count(*)
    FROM (SELECT department, {journey_then(":b")} AS journey_then, health
          FROM commitment_spans s WHERE closed_at <= :b)
    GROUP BY department, journey_then, health"""


def take(db: Database, b: str) -> None:
    """Take the snapshot at boundary `b` (stored instant text; none taken there yet)."""
    db.execute(_TAKE, {"b": b})


def take_from(db: Database, b: str) -> None:
    """`take`, from the latest snapshot before and the spans closed since (`counted_as_of`)."""
    db.conn.executemany(f"INSERT INTO {CLOSED} (boundary, department, journey, health, n)"
                        " VALUES (?, ?, ?, ?, ?)",
                        [(b, d, journey or "", health, n)
                         for d, journey, health, n in counted_as_of(db, b)])


def forget_from(db: Database, valid_from: str) -> None:
    db.execute(f"DELETE FROM {CLOSED} WHERE boundary >= ?", [valid_from])


Counted = list[tuple[str, str | None, str, int]]


def counted_as_of(db: Database, t: str, department: str | None = None) -> Counted:
    """The closed spans at `t` (stored instant text) as (department, journey then, health, how
    many), ordered by department, journey (none first) and health, as `closed_counts_as_of`."""
    params = {"t": t, "department": department}
    of = "" if department is None else " AND department = :department"
    params["b"] = db.execute(f"SELECT max(boundary) FROM {CLOSED} WHERE boundary <= :t",
                             params).fetchone()[0] or ""
    counted: dict[tuple[str, str | None, str], int] = {}
    for d, journey, health, n in db.execute(
        f"SELECT department, NULLIF(journey, ''), health, n FROM {CLOSED}"
        f" WHERE boundary = :b{of}", params,
    ).fetchall():
        counted[(d, journey, health)] = n
    for d, journey, health in db.execute(
        f"SELECT department, {journey_then(':t')}, health FROM commitment_spans s"
        f" INDEXED BY spans_closed_at WHERE closed_at > :b AND closed_at <= :t{of}", params,
    ).fetchall():
        counted[(d, journey, health)] = counted.get((d, journey, health), 0) + 1
    for d, before, after, health in db.execute(
        f"SELECT department, {journey_then(':b')}, {journey_then(':t')}, health"
        " FROM commitment_spans s INDEXED BY spans_journey_changed"
        f" WHERE journey_changed_at > :b AND closed_at <= :b{of}", params,
    ).fetchall():
        if before != after:
            counted[(d, before, health)] -= 1
            counted[(d, after, health)] = counted.get((d, after, health), 0) + 1
    return [(*key, n) for key, n in sorted(
        counted.items(), key=lambda c: (c[0][0], c[0][1] is not None, c[0][1] or "", c[0][2]))
        if n]
