"""What views hold back during a rebuild's load (and write set-based at its end) leaves the tables
exactly as applying the events one by one does, however little they may hold at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from projections.database import open_views
from projections.rebuild import rebuild
from projections.runner import Runner
from projections.views import memo, nudges, timeline
from tests.projections_runner.helpers import add_activity_to, clean_dump, dump, product_views
from tracker.application import CxTracker


@pytest.mark.parametrize("held", [1, 2, 1000])
def test_a_rebuild_holding_little_at_a_time_equals_a_catch_up(
    store_app: CxTracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: int
) -> None:
    monkeypatch.setattr(nudges, "CHECK_INS_HELD", held)
    live = tmp_path / "views.sqlite3"

    rebuild(store_app, live, product_views(), batch_size=7)

    assert dump(open_views(live)) == clean_dump(store_app, tmp_path)


@pytest.mark.parametrize("held", [1, 2, 1000])
def test_a_rebuild_holding_back_the_timelines_subjects_equals_a_catch_up(
    store_app: CxTracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: int
) -> None:
    """The timeline writes the subjects it changed in a load at most `held` at a time; with a
    memo that forgets after a few rows, subjects held back are looked up again before they are
    written, and subjects written are read back from the table."""
    monkeypatch.setattr(timeline, "SUBJECTS_HELD", held)
    monkeypatch.setattr(memo, "LIMIT", 3)
    live = tmp_path / "views.sqlite3"

    rebuild(store_app, live, product_views(), batch_size=7)

    assert dump(open_views(live)) == clean_dump(store_app, tmp_path)


def test_the_same_views_apply_events_one_by_one_after_a_rebuild(
    store_app: CxTracker, tmp_path: Path
) -> None:
    """The view objects serve the live catch-up after the swap: nothing is held back then."""
    views = product_views()
    live = tmp_path / "views.sqlite3"
    rebuild(store_app, live, views, batch_size=50)
    add_activity_to(store_app, 30)

    runner = Runner(store_app, open_views(live), views, batch_size=7)
    runner.catch_up()

    assert dump(runner.db) == clean_dump(store_app, tmp_path)
