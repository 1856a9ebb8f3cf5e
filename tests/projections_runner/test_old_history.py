"""The read models build from a stored log of version-1 events (tests/fixtures/events-v1.sqlite3,
see tests/core/test_upcasting.py): views read events as upcast, so old history still projects."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from projections.database import open_views
from projections.queries import accountability, board, kpis
from projections.runner import Runner
from projections.views import all_views
from tests.core.support import FIXTURE, commitments, open_store


def test_every_view_builds_from_the_version_1_fixture_and_shows_its_commitments(tmp_path: Path) -> None:
    shutil.copyfile(FIXTURE, tmp_path / "events.sqlite3")
    app = open_store(tmp_path / "events.sqlite3")
    db = open_views(tmp_path / "views.sqlite3")
    try:
        runner = Runner(app, db, all_views())
        assert runner.catch_up() == app.head() > 0
        assert {s.position for s in runner.status()} == {app.head()}

        written = commitments(app)
        shown = board.board(db, today=date(2026, 12, 1))
        assert sorted(c["title"] for c in shown) == sorted(written)
        for c in shown:  # the board's row is the upcast aggregate's state
            assert (c["status"], c["due_date"], c["kpi"]) == (
                written[c["title"]]["status"], written[c["title"]]["due_date"].isoformat(), None)
        assert sum(r["made"] for r in accountability.by_department(db, date(2026, 12, 1))) == len(written)
        # The version-1 KPIs, with the direction their upcast gave them.
        assert {k["key"]: k["direction"] for k in kpis.kpi_overview(db)} == {
            key: k["direction"] for key, k in app.plan()["kpis"].items()} == {
            "nps": "up", "first-response-hours": "down"}
    finally:
        db.close()
        app.close()
