"""The views' memos (what timeline and history remember between events) are trusted only while
one view applies consecutive events on one connection."""

from __future__ import annotations

from pathlib import Path

from projections.database import open_views
from projections.runner import Runner
from projections.views import all_views
from projections.views.memo import LIMIT, Memo
from tests.projections_runner.helpers import dump
from tests.projections_views.conftest import Views


def test_a_memo_keeps_its_rows_only_while_positions_follow_on_one_connection() -> None:
    one, other = open_views(":memory:"), open_views(":memory:")
    memo = Memo()
    memo.follow(one, 1)["a"] = 1
    assert memo.follow(one, 2) == {"a": 1}  # the next position
    assert memo.follow(one, 2) == {}  # the same position again: a batch re-applied
    memo.follow(one, 3)["a"] = 1
    assert memo.follow(one, 5) == {}  # a gap: someone else applied 4
    memo.follow(one, 6)["a"] = 1
    assert memo.follow(other, 7) == {}  # another file
    memo.follow(other, 8)["a"] = 1
    memo.forget()
    assert memo.follow(other, 9) == {}  # the view's tables were created again
    rows = memo.follow(other, 10)
    rows.update((i, i) for i in range(LIMIT + 1))
    assert memo.follow(other, 11) == {}  # bounded


def test_views_applied_by_turns_from_two_runners_equal_a_clean_build(
    views: Views, tmp_path: Path
) -> None:
    """Two runners on one file take turns: each one's memo must notice the other's events
    (the timeline's "Progress 40% → 60%" reads the progress the other runner recorded)."""
    org, app = views.org, views.org.app
    path = tmp_path / "views.sqlite3"
    first = Runner(app, open_views(path), all_views(), batch_size=1)
    second = Runner(app, open_views(path), all_views(), batch_size=1)
    c = org.commitment(title="Answer within 4 hours", journey="support")
    first.catch_up()
    for percent, runner in [(20, second), (40, first), (60, second), (80, first)]:
        app.report_progress(org.support_lead, c, percent=percent, note="")
        app.move_due_date(org.support_lead, c, due_date=f"2026-08-{percent // 10:02d}",
                          reason="next step")
        runner.catch_up()
    clean = open_views(tmp_path / "clean.sqlite3")
    Runner(app, clean, all_views()).catch_up()
    assert dump(first.db) == dump(clean)
    summaries = [row[0] for row in first.db.execute(
        "SELECT summary FROM timeline WHERE kind = 'ProgressReported' ORDER BY position")]
    assert summaries == ["Progress 0% → 20%", "Progress 20% → 40%", "Progress 40% → 60%",
                         "Progress 60% → 80%"]
    for db in (first.db, second.db, clean):
        db.close()
