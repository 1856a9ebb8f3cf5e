"""Runners on the same views file in one process queue on one lock (a web server's threads wake
as soon as the batch before theirs commits, not in SQLite's busy-handler sleeps)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from projections.database import open_views
from projections.runner import Runner
from tests.projections_runner.helpers import mechanics_views
from tracker.application import CxTracker


def test_a_second_runner_on_the_same_file_waits_for_the_first(store_app: CxTracker, tmp_path: Path) -> None:
    first = Runner(store_app, open_views(tmp_path / "views.sqlite3"), mechanics_views(), batch_size=50)
    second = Runner(store_app, open_views(tmp_path / "views.sqlite3"), mechanics_views(), batch_size=50)
    first.prepare()
    reached: list[int] = []
    worker = threading.Thread(target=lambda: reached.append(second.catch_up()))
    with first._lock:  # as while one of its batches is applied
        worker.start()
        worker.join(0.5)
        assert worker.is_alive() and reached == []
    worker.join(30)
    assert reached == [first.head()] and first.position() == first.head()
    first.close()
    second.close()


def test_runners_on_other_files_or_in_memory_do_not_share_a_lock(store_app: CxTracker, tmp_path: Path) -> None:
    a = Runner(store_app, open_views(tmp_path / "a.sqlite3"), mechanics_views())
    b = Runner(store_app, open_views(tmp_path / "b.sqlite3"), mechanics_views())
    m1 = Runner(store_app, open_views(":memory:"), mechanics_views())
    m2 = Runner(store_app, open_views(":memory:"), mechanics_views())
    again = Runner(store_app, open_views(tmp_path / "a.sqlite3"), mechanics_views())
    assert again._lock is a._lock
    assert a._lock is not b._lock and m1._lock is not m2._lock
    for runner in (a, b, m1, m2, again):
        runner.close()


def test_views_deserialized_in_memory_share_no_lock_and_leave_no_file(
        store_app: CxTracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite names a deserialized in-memory database "x": still in memory, not a file here."""
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    image = open_views(":memory:").conn.serialize()
    runners = []
    for _ in range(2):
        db = open_views(":memory:")
        db.conn.deserialize(image)
        runners.append(Runner(store_app, db, mechanics_views()))
    assert runners[0]._lock is not runners[1]._lock
    runners[0].catch_up()
    for runner in runners:
        runner.close()
    assert list(here.iterdir()) == []
