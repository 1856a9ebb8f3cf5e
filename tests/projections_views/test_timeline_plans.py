"""The timeline's filtered pages are index searches (at 10^6 events a department + kind + period
page took ~300 ms through the kind index alone; see bench/RESULTS.md)."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from projections.database import open_views
from projections.queries.timeline import timeline_page
from projections.views.timeline import Timeline


def plans(db: Database, **filters: object) -> list[str]:
    """The query plan of every SELECT a timeline page runs with these filters."""
    statements: list[str] = []
    db.conn.set_trace_callback(lambda sql: statements.append(sql) if sql.startswith("SELECT") else None)
    timeline_page(db, **filters)  # type: ignore[arg-type]
    db.conn.set_trace_callback(None)
    assert statements
    return [" / ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + sql).fetchall())
            for sql in statements]


def test_department_kind_and_period_search_one_index() -> None:
    db = open_views(":memory:")
    Timeline().create(db)
    found = plans(db, department="it", kind="ProgressReported", since=date(2026, 1, 1),
                  until=date(2026, 1, 31))
    assert len(found) == 1
    assert "USING INDEX timeline_department_kind_at (department=? AND kind=? AND at>? AND at<?)" in found[0]
    db.close()
