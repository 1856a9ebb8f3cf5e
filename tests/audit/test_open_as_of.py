"""The as-of board page's and dashboard's reads through `commitment_spans` and `history_made`
(`board_as_of(closed_since=...)`, and `open_as_of` with `states_as_of` for the dashboard's
commitments open then) equal the same rows taken from the whole board then (`board_as_of`
without `closed_since`: every state valid at the instant, found through the validity index, with
the immutable texts from `commitments`): at every state's start and either side of it, at each
month's first instant and either side of it, before anything and after everything; on the demo
organisation and on a story of withdrawals, notes after them, moves and dated completions."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlite_utils import Database

from projections.audit.as_of import DASHBOARD, plan_as_of
from projections.queries.board import ATTENTION, SLIPPING_MOVES
from projections.queries.history import board_as_of, open_as_of, states_as_of
from tests.audit.conftest import Demo, caught_up
from tests.audit.test_accountability_snapshots import at, moments
from tests.conftest import Org

US = timedelta(microseconds=1)


def recent(whole: list[dict[str, Any]], since: date) -> list[dict[str, Any]]:
    """The rule of `board_as_of(closed_since=since)`, applied to the whole board then."""
    day = since.isoformat()
    return [c for c in whole if c["status"] == "open" or (c["completed_on"] or "") >= day
            or (c["status"] == "withdrawn" and c["last_event_at"] >= day)]


def assert_exact(db: Database) -> int:
    """Every instant of `moments` and every state's end ±1 µs; returns how many instants had a
    commitment open."""
    found = moments(db) + [datetime.fromisoformat(r[0]) + d for r in db.execute(
        "SELECT valid_to FROM commitment_history WHERE valid_to IS NOT NULL") for d in (-US, US)]
    checked = 0
    for moment in found:
        whole = board_as_of(db, moment)
        today = moment.date()
        for days in (0, 1, 90):
            since = today - timedelta(days=days)
            assert board_as_of(db, moment, closed_since=since) == recent(whole, since), (moment, days)
        open_then = [c for c in whole if c["status"] == "open"]
        narrow = open_as_of(db, moment)
        assert Counter(n[1:] for n in narrow) == Counter(
            (c["department"], c["journey"], c["health"], c["due_date_moves"]) for c in open_then)
        assert states_as_of(db, moment, [n[0] for n in narrow]) == open_then, moment
        plan = plan_as_of(db, moment, (DASHBOARD,))
        assert plan.at_risk == [
            dict(c, slipping=c["due_date_moves"] >= SLIPPING_MOVES) for c in open_then
            if c["health"] in ATTENTION or c["due_date_moves"] >= SLIPPING_MOVES], moment
        checked += bool(open_then)
    return checked


def test_the_demo_as_of_reads_are_exact(demo: Demo) -> None:
    assert assert_exact(demo.db) > 50


@pytest.fixture
def story(small: Org) -> Database:
    """Withdrawn and then noted (recent for longer), completed with an earlier completion date,
    moved to another department, overdue with its due date moved, and one still open."""
    app, lead, cco = small.app, small.support_lead, small.cco
    with at("2026-01-30", "23:59"):
        c1, c2, c3 = (small.commitment(title=t) for t in ("One", "Two", "Three"))
        c4 = small.commitment(title="Four", due_date="2026-02-10")
        small.commitment(title="Five")
    with at("2026-02-01"):
        app.withdraw(cco, c1, reason="not needed")
        app.complete(lead, c2, evidence="Live", completed_on="2026-01-31")
    with at("2026-02-15"):
        app.add_note(cco, c1, text="Kept for the record")
        app.move_commitment(cco, c3, department="it", reason="theirs",
                            new_owner="lead.it@example.com")
    with at("2026-02-01", "00:00"):  # exactly on a month's first instant
        app.move_due_date(lead, c4, due_date="2026-02-20", reason="later")
    return caught_up(app)


def test_a_story_of_closings_and_moves_is_exact(story: Database) -> None:
    assert assert_exact(story) > 5
