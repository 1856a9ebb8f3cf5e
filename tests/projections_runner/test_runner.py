"""The runner applies every event exactly once, atomically per batch, whoever runs it."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from projections.database import open_views, positions, set_position, write_transaction
from projections.facts import Fact
from projections.runner import BATCH_LOCK_SUFFIX, ProjectionError, Runner
from projections.views.directory import Directory
from tests.conftest import Org
from tests.projections_runner.conftest import python, reap
from tests.projections_runner.helpers import (
    ApplyLog, add_activity, add_activity_to, applied_positions, build_store, clean_dump,
    copy_sqlite, dump, mechanics_views, product_views, sqlite_app,
)
from tests.waiting import HANG, run_in_threads
from tracker.application import CxTracker


@pytest.fixture
def busy_org(org: Org) -> Org:
    """The small organisation (on each storage backend) with a few hundred events of activity."""
    add_activity(org, commitments=9, until=250)
    return org


# Exactly once


@pytest.mark.parametrize("batch_size", [1, 7, 100_000])
def test_small_batches_and_one_big_batch_build_identical_views(
    busy_org: Org, tmp_path: Path, batch_size: int
) -> None:
    app = busy_org.app
    db = open_views(tmp_path / "views.sqlite3")
    runner = Runner(app, db, product_views(), batch_size=batch_size)

    assert runner.catch_up() == app.head()

    assert applied_positions(db) == list(range(1, app.head() + 1))
    assert dump(db) == clean_dump(app, tmp_path)


def test_catching_up_step_by_step_while_events_arrive_applies_each_once(
    busy_org: Org, tmp_path: Path
) -> None:
    app = busy_org.app
    db = open_views(tmp_path / "views.sqlite3")
    runner = Runner(app, db, product_views(), batch_size=10)
    for until in (1, 2, 3, 50, 49, 120):
        assert runner.catch_up(until) == max(until, runner.position())
    add_activity(busy_org, commitments=3, until=app.head() + 40, seed=8)
    receipt = app.report_progress(busy_org.support_lead, busy_org.commitment(), percent=5)

    assert runner.catch_up(receipt.position) == receipt.position == app.head()
    assert applied_positions(db) == list(range(1, app.head() + 1))
    assert dump(db) == clean_dump(app, tmp_path)


def test_read_your_writes_takes_no_write_lock_when_the_views_are_there(
    store_app: CxTracker, tmp_path: Path
) -> None:
    path = tmp_path / "views.sqlite3"
    runner = Runner(store_app, open_views(path), mechanics_views())
    reached = runner.catch_up()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        assert runner.catch_up(until=reached) == reached
        assert runner.catch_up(until=reached - 10) == reached
    finally:
        other.execute("ROLLBACK")
        other.close()


# Failures roll the batch back


class Explodes(ApplyLog):
    """The apply log, failing at one position until told to stop."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at

    def apply(self, db: Database, fact: Fact) -> None:
        super().apply(db, fact)
        if fact.position == self.at:
            raise ZeroDivisionError("the handler failed")


def test_a_failing_handler_rolls_back_its_whole_batch_and_the_error_propagates(
    busy_org: Org, tmp_path: Path
) -> None:
    app = busy_org.app
    db = open_views(tmp_path / "views.sqlite3")
    view = Explodes(at=57)
    runner = Runner(app, db, [Directory(), view], batch_size=20)

    with pytest.raises(ZeroDivisionError) as failure:
        runner.catch_up()

    assert "at position 57 to view apply_log" in "".join(failure.value.__notes__)
    assert runner.position() == 40  # the batches before it committed
    assert positions(db) == {"directory": (Directory.version, 40), "apply_log": (1, 40)}
    assert applied_positions(db) == list(range(1, 41))  # nothing of 41..57 stayed
    assert not db.conn.in_transaction
    view.at = -1
    assert runner.catch_up() == app.head()
    assert dump(db) == clean_dump(app, tmp_path, mechanics_views)


class CommitsEarly(ApplyLog):
    def apply(self, db: Database, fact: Fact) -> None:
        super().apply(db, fact)
        if fact.position == 5:
            db.conn.commit()


def test_a_view_cannot_commit_the_batch_early(store_app: CxTracker, tmp_path: Path) -> None:
    db = open_views(tmp_path / "views.sqlite3")
    runner = Runner(store_app, db, [CommitsEarly()], batch_size=10)

    with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
        runner.catch_up()

    assert runner.position() == 0
    assert applied_positions(db) == []


class ExecutesCommit(ApplyLog):
    def apply(self, db: Database, fact: Fact) -> None:
        super().apply(db, fact)
        if fact.position == 15:
            db.execute("COMMIT")


def test_a_view_cannot_commit_a_later_batch_early_either(store_app: CxTracker, tmp_path: Path) -> None:
    """The guard stays installed between batches (see `write_transaction`): a batch after the
    first, on the same connection, refuses a COMMIT statement as the first did."""
    db = open_views(tmp_path / "views.sqlite3")
    runner = Runner(store_app, db, [ExecutesCommit()], batch_size=10)

    with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
        runner.catch_up()

    assert runner.position() == 10
    assert applied_positions(db) == list(range(1, 11))
    db.execute("BEGIN")  # outside a batch, transaction control is the caller's
    db.execute("COMMIT")


class SwallowsARollback(ApplyLog):
    """A trigger's RAISE(ROLLBACK) ends the transaction; the handler swallows the error and goes
    on writing, now outside any transaction."""

    tables = ("apply_log", "trap")
    armed = True

    def create(self, db: Database) -> None:
        super().create(db)
        db.execute("CREATE TABLE trap (x)")
        db.execute("CREATE TRIGGER spring BEFORE INSERT ON trap BEGIN SELECT RAISE(ROLLBACK, 'trap'); END")

    def apply(self, db: Database, fact: Fact) -> None:
        if fact.position == 15 and self.armed:
            try:
                db.execute("INSERT INTO trap VALUES (1)")
            except sqlite3.IntegrityError:
                pass
        super().apply(db, fact)


def test_a_transaction_lost_inside_a_handler_is_detected_and_forces_a_rebuild(
    store_app: CxTracker, tmp_path: Path
) -> None:
    db = open_views(tmp_path / "views.sqlite3")
    view = SwallowsARollback()
    runner = Runner(store_app, db, [Directory(), view], batch_size=10)

    with pytest.raises(ProjectionError, match="transaction ended inside view apply_log"):
        runner.catch_up()

    assert positions(db) == {}  # forgotten: the next prepare rebuilds
    view.armed = False
    assert runner.catch_up() == store_app.head()
    assert applied_positions(db) == list(range(1, store_app.head() + 1))


# Start-up: stale views are rebuilt


def test_prepare_creates_new_views_then_leaves_current_ones_alone(
    busy_org: Org, tmp_path: Path
) -> None:
    app = busy_org.app
    db = open_views(tmp_path / "views.sqlite3")
    runner = Runner(app, db, mechanics_views())

    assert runner.prepare() == ["directory", "apply_log"]
    runner.catch_up()
    assert Runner(app, db, mechanics_views()).prepare() == []
    assert runner.position() == app.head()


def test_adding_a_view_rebuilds_every_view(store_app: CxTracker, tmp_path: Path) -> None:
    db = open_views(tmp_path / "views.sqlite3")
    Runner(store_app, db, [Directory()]).catch_up()
    runner = Runner(store_app, db, [Directory(), ApplyLog()])

    assert runner.stale() == "new views: apply_log"
    assert runner.prepare() == ["directory", "apply_log"]
    runner.catch_up()
    assert dump(db) == clean_dump(store_app, tmp_path, mechanics_views)


def test_views_ahead_of_the_store_are_rebuilt_at_start_up(data_dir: Path, tmp_path: Path) -> None:
    events = data_dir / "events.sqlite3"
    copy_sqlite(events, tmp_path / "shorter.sqlite3")
    longer = sqlite_app(events)
    add_activity_to(longer, 30)
    views = tmp_path / "views.sqlite3"
    Runner(longer, open_views(views), product_views()).catch_up()
    shorter = sqlite_app(tmp_path / "shorter.sqlite3")
    runner = Runner(shorter, open_views(views), product_views())

    assert "but the store ends at" in (runner.stale() or "")
    assert runner.prepare() == [v.name for v in product_views()]
    assert runner.catch_up() == shorter.head() == longer.head() - 30
    assert dump(runner.db) == clean_dump(shorter, tmp_path)


def test_views_built_from_another_store_as_long_are_rebuilt(
    store_app: CxTracker, tmp_path: Path
) -> None:
    other_path = tmp_path / "other" / "events.sqlite3"
    other_path.parent.mkdir()
    build_store(other_path, commitments=24, until=600, seed=99)  # same length, other events
    original, other = store_app, sqlite_app(other_path)
    views = tmp_path / "views.sqlite3"
    Runner(original, open_views(views), product_views()).catch_up()
    runner = Runner(other, open_views(views), product_views())

    assert runner.head() >= original.head()
    assert "no longer holds the event" in (runner.stale() or "")
    assert runner.prepare()
    runner.catch_up()
    assert dump(runner.db) == clean_dump(other, tmp_path)


class DirectoryNext(Directory):
    version = Directory.version + 1


def test_a_changed_view_version_rebuilds_every_view(store_app: CxTracker, tmp_path: Path) -> None:
    db = open_views(tmp_path / "views.sqlite3")
    Runner(store_app, db, [Directory(), ApplyLog()]).catch_up()
    runner = Runner(store_app, db, [DirectoryNext(), ApplyLog()])
    old, new = Directory.version, DirectoryNext.version

    assert runner.stale() == f"view directory changed from version {old} to {new}"
    assert runner.prepare() == ["directory", "apply_log"]
    assert runner.position() == 0
    runner.catch_up()
    assert applied_positions(db) == list(range(1, store_app.head() + 1))
    assert positions(db)["directory"] == (new, store_app.head())


def test_views_at_different_positions_are_rebuilt(store_app: CxTracker, tmp_path: Path) -> None:
    db = open_views(tmp_path / "views.sqlite3")
    runner = Runner(store_app, db, mechanics_views())
    runner.catch_up(until=100)
    with write_transaction(db):
        set_position(db, "apply_log", 1, 90)

    with pytest.raises(ProjectionError, match="different positions"):
        runner.catch_up()
    assert "different positions" in (runner.stale() or "")
    runner.catch_up()
    assert applied_positions(db) == list(range(1, store_app.head() + 1))


def test_a_runner_refuses_views_another_runner_reset_for_other_code(
    store_app: CxTracker, tmp_path: Path
) -> None:
    old = Runner(store_app, open_views(tmp_path / "views.sqlite3"), mechanics_views())
    old.catch_up(until=50)
    Runner(store_app, open_views(tmp_path / "views.sqlite3"), [DirectoryNext(), ApplyLog()]).prepare()

    with pytest.raises(ProjectionError, match="no longer match"):
        old.catch_up()
    assert applied_positions(old.db) == []


# Status


def test_status_reports_each_views_version_position_the_head_and_the_lag(
    store_app: CxTracker, tmp_path: Path
) -> None:
    runner = Runner(store_app, open_views(tmp_path / "views.sqlite3"), mechanics_views())
    head = store_app.head()

    before = runner.status()
    runner.catch_up(until=100)
    during = runner.status()
    runner.catch_up()

    assert [(s.name, s.version, s.position, s.head, s.lag, s.stored_version) for s in before] == [
        ("directory", Directory.version, 0, head, head, None), ("apply_log", 1, 0, head, head, None)]
    assert [(s.position, s.lag, s.stored_version) for s in during] == [
        (100, head - 100, Directory.version), (100, head - 100, 1)]
    assert [(s.position, s.lag) for s in runner.status()] == [(head, 0)] * 2
    assert runner.stale() is None


# Concurrency


def test_two_threads_sharing_one_runner_apply_each_batch_once(
    store_app: CxTracker, tmp_path: Path
) -> None:
    runner = Runner(store_app, open_views(tmp_path / "views.sqlite3"), product_views(), batch_size=3)
    run_in_threads(runner.catch_up, runner.catch_up)

    assert applied_positions(runner.db) == list(range(1, store_app.head() + 1))
    assert dump(runner.db) == clean_dump(store_app, tmp_path)


def test_two_threads_with_their_own_connections_apply_each_batch_once(
    store_app: CxTracker, tmp_path: Path
) -> None:
    path = tmp_path / "views.sqlite3"
    first, second = (
        Runner(store_app, open_views(path), product_views(), batch_size=3) for _ in range(2)
    )
    run_in_threads(first.catch_up, second.catch_up)

    assert applied_positions(first.db) == list(range(1, store_app.head() + 1))
    assert dump(first.db) == clean_dump(store_app, tmp_path)


def test_a_batch_waits_for_another_process_holding_the_batch_lock(
    store_app: CxTracker, tmp_path: Path
) -> None:
    """Batches of other processes queue on `<views>.batches.lock` (not in SQLite's busy-handler
    sleeps): while another process holds it, nothing is applied; once it lets go, all is."""
    import fcntl
    import os

    path = tmp_path / "views.sqlite3"
    runner = Runner(store_app, open_views(path), product_views(), batch_size=3)
    runner.prepare()
    holder = os.open(f"{path}{BATCH_LOCK_SUFFIX}", os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)  # this descriptor stands for another process
    done = threading.Event()
    caught_up = threading.Thread(target=lambda: (runner.catch_up(), done.set()), daemon=True)
    caught_up.start()
    try:
        assert not done.wait(0.5), "a batch was applied while another process held the lock"
        assert {position for _, position in positions(open_views(path)).values()} == {0}
    finally:
        fcntl.flock(holder, fcntl.LOCK_UN)
        os.close(holder)
    assert done.wait(HANG)
    assert applied_positions(runner.db) == list(range(1, store_app.head() + 1))
    runner.close()


@pytest.mark.slow  # spawns processes
def test_two_processes_catching_up_at_once_apply_each_batch_once(
    data_dir: Path, store_app: CxTracker, tmp_path: Path
) -> None:
    views = tmp_path / "views.sqlite3"
    workers = [
        python("-m", "tests.projections_runner.worker", str(data_dir / "events.sqlite3"),
               str(views), "--batch", "2", "--wait-go", "--pause", "0.002", stdin=-1)
        for _ in range(2)
    ]
    try:
        for w in workers:
            assert w.stdout is not None
            assert w.stdout.readline().strip() == "ready", w.communicate(timeout=HANG)
        for w in workers:  # both start together
            assert w.stdin is not None
            w.stdin.write("go\n")
            w.stdin.flush()
        results = [w.communicate(timeout=HANG) for w in workers]
    finally:
        reap(workers)

    assert [w.returncode for w in workers] == [0, 0], [err for _, err in results]
    done = [out.split() for out, _ in results]
    head = store_app.head()
    assert [d[:2] for d in done] == [["done", str(head)]] * 2
    assert sum(int(d[2]) for d in done) == -(-head // 2), done  # each batch applied by one
    assert all(int(d[2]) > 0 for d in done), done  # and both took part
    db = open_views(views)
    assert applied_positions(db) == list(range(1, head + 1))
    assert dump(db) == clean_dump(store_app, tmp_path)


# Following the log


def test_follow_applies_new_events_until_asked_to_stop(busy_org: Org, tmp_path: Path) -> None:
    app = busy_org.app
    runner = Runner(app, open_views(tmp_path / "views.sqlite3"), product_views(), batch_size=5)
    stopping = threading.Event()
    follower = threading.Thread(target=runner.follow, args=(0.01, stopping.is_set))
    follower.start()
    try:
        receipt = app.report_progress(busy_org.support_lead, busy_org.commitment(), percent=40)
        for _ in range(500):
            if runner.position() >= receipt.position:
                break
            threading.Event().wait(0.01)
    finally:
        stopping.set()
        follower.join(10)

    assert not follower.is_alive()
    assert runner.position() == receipt.position == app.head()
    assert dump(runner.db) == clean_dump(app, tmp_path)


def test_stop_is_asked_between_batches(store_app: CxTracker, tmp_path: Path) -> None:
    runner = Runner(store_app, open_views(tmp_path / "views.sqlite3"), mechanics_views(), batch_size=10)
    batches: list[int] = []

    reached = runner.catch_up(progress=lambda p, _: batches.append(p), stop=lambda: len(batches) == 3)

    assert reached == 30 == runner.position()
    assert batches == [10, 20, 30]
