"""A data directory's SQLite event store: saves of other processes queue on `<events>.writes.lock`
(not in SQLite's busy-handler sleeps), and the log stays whole."""

from __future__ import annotations

import fcntl
import os
import threading
from functools import partial
from pathlib import Path

from tests.conftest import build_org
from tests.waiting import HANG, run_in_threads
from tracker.config import DataDir, open_tracker
from tracker.sqlite_events import WRITES_LOCK_SUFFIX, QueuedWritesRecorder, writes_lock_path


def test_an_installation_s_sqlite_store_uses_the_queued_recorder(tmp_path: Path) -> None:
    app = open_tracker(DataDir(tmp_path / "data"), create=True)
    try:
        assert isinstance(app.recorder, QueuedWritesRecorder)
    finally:
        app.close()


def test_a_save_waits_while_another_process_holds_the_writes_lock(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    app = open_tracker(data, create=True)
    try:
        org = build_org(app)
        commitment = org.commitment()
        head = app.head()
        holder = os.open(f"{data.events}{WRITES_LOCK_SUFFIX}", os.O_RDWR | os.O_CREAT)
        fcntl.flock(holder, fcntl.LOCK_EX)  # this descriptor stands for another process
        done = threading.Event()
        saving = threading.Thread(target=lambda: (
            app.report_progress(org.support_lead, commitment, percent=30), done.set()), daemon=True)
        saving.start()
        try:
            assert not done.wait(0.5), "an event was saved while another process held the lock"
            assert app.head() == head
        finally:
            fcntl.flock(holder, fcntl.LOCK_UN)
            os.close(holder)
        assert done.wait(HANG)
        assert app.head() == head + 1
        assert app.commitment(commitment)["progress"] == 30
    finally:
        app.close()


def test_threads_saving_at_once_all_land_once(tmp_path: Path) -> None:
    app = open_tracker(DataDir(tmp_path / "data"), create=True)
    try:
        org = build_org(app)
        commitments = [org.commitment(title=f"Commitment number {i}") for i in range(6)]
        head = app.head()

        def report(c: object) -> None:
            for percent in (10, 20, 30):
                app.report_progress(org.support_lead, c, percent=percent)  # type: ignore[arg-type]

        run_in_threads(*(partial(report, c) for c in commitments))
        found = app.recorder.select_notifications(start=head + 1, limit=100)
        assert [n.id for n in found] == list(range(head + 1, head + 1 + 3 * len(commitments)))
        assert all(app.commitment(c)["progress"] == 30 for c in commitments)
    finally:
        app.close()


def test_no_lock_file_for_a_store_in_memory_or_opened_by_uri() -> None:
    assert writes_lock_path(":memory:") is None
    assert writes_lock_path("file:/data/events.sqlite3?mode=ro&immutable=1") is None
    assert writes_lock_path("/data/events.sqlite3") == "/data/events.sqlite3" + WRITES_LOCK_SUFFIX


def test_reads_run_without_an_explicit_transaction_and_fail_as_the_library_s_errors(
    tmp_path: Path,
) -> None:
    import sqlite3

    import pytest
    from eventsourcing.persistence import OperationalError

    data = DataDir(tmp_path / "data")
    app = open_tracker(data, create=True)
    try:
        org = build_org(app)
        statements: list[str] = []
        with app.recorder.datastore.get_connection(commit=False) as conn:
            conn._sqlite_conn.set_trace_callback(statements.append)  # type: ignore[attr-defined]
        assert app.member(org.support_lead)["name"] == "Customer Service Lead"
        assert app.head() > 0
        assert statements and not [s for s in statements if s.split()[0] in ("BEGIN", "ROLLBACK")]
        other = sqlite3.connect(data.events)
        other.execute("ALTER TABLE stored_events RENAME TO gone")
        other.commit()
        other.close()
        with pytest.raises(OperationalError):
            app.head()
    finally:
        app.close()
