"""The burn-up of kept commitments, counted by day in SQL: how many were due, completed and kept
by each day. Withdrawn commitments do not count. A commitment is kept when completed on or before
the due date in force at completion.

The counts are per day (a few thousand days at most), whatever the number of commitments, so the
report never loads the whole board to draw its chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

# The board view's partial covering index: counting reads the index, never the wide rows.
_LIVE = "FROM commitments INDEXED BY commitments_burnup WHERE status <> 'withdrawn'"


@dataclass(frozen=True)
class BurnupCounts:
    first: date | None  # the day the first counted commitment was made (None: nothing counts)
    due: dict[date, int] = field(default_factory=dict)  # current due date -> commitments
    completed: dict[date, int] = field(default_factory=dict)  # completion day -> commitments
    kept: dict[date, int] = field(default_factory=dict)  # completion day -> kept commitments


def burnup_counts(db: Database) -> BurnupCounts:
    first = db.execute(f"SELECT min(substr(made_at, 1, 10)) {_LIVE}").fetchone()[0]
    if first is None:
        return BurnupCounts(None)
    completions = db.execute(
        f"SELECT completed_on, count(*), sum(completed_on <= coalesce(due_at_completion, due_date))"
        f" {_LIVE} AND completed_on IS NOT NULL GROUP BY completed_on").fetchall()
    return BurnupCounts(
        date.fromisoformat(first),
        {date.fromisoformat(d): n for d, n in db.execute(
            f"SELECT due_date, count(*) {_LIVE} GROUP BY due_date").fetchall()},
        {date.fromisoformat(d): n for d, n, _ in completions},
        {date.fromisoformat(d): kept for d, _, kept in completions if kept},
    )
