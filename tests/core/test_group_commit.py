"""Group commit: saves made at once by several threads are written together, each told its own
outcome, none before the write holding it has ended; in the SQLite event store a version clash
refuses exactly the clashing save."""

from __future__ import annotations

import threading
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from tests.waiting import HANG, wait_for
from tracker.config import DataDir, open_tracker
from tracker.group_commit import GroupCommit, Save
from tracker.sqlite_events import QueuedWritesRecorder


class Writes:
    """A write function that records each group, and waits for `go` before writing it."""

    def __init__(self) -> None:
        self.groups: list[list[list[str]]] = []
        self.go = threading.Event()
        self.go.set()
        self.entered = threading.Event()
        self.refuse: set[str] = set()
        self.fail: BaseException | None = None
        self.next_id = 1

    def __call__(self, group: list[Save[str]]) -> None:
        self.entered.set()
        assert self.go.wait(HANG)
        self.groups.append([list(save.items) for save in group])
        if self.fail is not None:
            raise self.fail
        for save in group:
            if self.refuse & set(save.items):
                save.error = ValueError(f"refused {sorted(save.items)}")
            else:
                save.ids = list(range(self.next_id, self.next_id + len(save.items)))
                self.next_id += len(save.items)


def saving(group: GroupCommit[str], items: list[str], outcomes: dict[str, object]) -> threading.Thread:
    def save() -> None:
        try:
            outcomes[items[0]] = group.save(items)
        except Exception as e:  # told to its thread
            outcomes[items[0]] = e

    thread = threading.Thread(target=save, daemon=True)
    thread.start()
    return thread


def test_saves_that_arrive_during_a_write_are_written_together_after_it() -> None:
    writes = Writes()
    group = GroupCommit(writes)
    outcomes: dict[str, object] = {}
    writes.go.clear()
    first = saving(group, ["a"], outcomes)
    writes.entered.wait(HANG)
    others = [saving(group, [name], outcomes) for name in ("b", "c", "d")]
    wait_for(lambda: len(group._queue) == 3)  # queued behind the write
    assert outcomes == {}  # nobody is told before the write holding their events
    writes.go.set()
    for thread in [first, *others]:
        thread.join(HANG)
    assert writes.groups[0] == [["a"]]
    assert sorted(writes.groups[1]) == [["b"], ["c"], ["d"]]
    assert outcomes["a"] == [1]
    assert sorted(outcomes[k] for k in "bcd") == [[2], [3], [4]]  # type: ignore[type-var]


def test_each_save_is_told_its_own_outcome() -> None:
    writes = Writes()
    writes.refuse = {"c"}
    group = GroupCommit(writes)
    outcomes: dict[str, object] = {}
    writes.go.clear()
    first = saving(group, ["a"], outcomes)
    writes.entered.wait(HANG)
    others = [saving(group, [name, f"{name}2"], outcomes) for name in ("b", "c", "d")]
    wait_for(lambda: len(group._queue) == 3)  # queued behind the write
    writes.go.set()
    for thread in [first, *others]:
        thread.join(HANG)
    assert isinstance(outcomes["c"], ValueError)
    assert [len(outcomes[k]) for k in "abd"] == [1, 2, 2]  # type: ignore[arg-type]


def test_a_write_that_fails_fails_its_group_and_the_next_group_is_written() -> None:
    writes = Writes()
    group = GroupCommit(writes)
    writes.fail = OSError("disk full")
    with pytest.raises(OSError, match="disk full"):
        group.save(["a"])
    writes.fail = None
    assert group.save(["b"]) == [1]


def events_of_new_aggregates(count: int) -> list[StoredEvent]:
    return [StoredEvent(uuid4(), 1, "tests:Created", b"{}") for _ in range(count)]


@pytest.fixture
def recorder(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = open_tracker(DataDir(tmp_path / "data"), create=True)
    assert isinstance(app.recorder, QueuedWritesRecorder)
    yield app.recorder
    app.close()


def test_a_group_is_one_insert_and_each_save_gets_its_own_positions(recorder: QueuedWritesRecorder) -> None:
    head = recorder.max_notification_id() or 0
    saves = [Save(events_of_new_aggregates(n)) for n in (1, 3, 2)]
    statements: list[str] = []
    with recorder.datastore.get_connection(commit=True) as conn:
        conn._sqlite_conn.set_trace_callback(statements.append)  # type: ignore[attr-defined]
    recorder._write(saves)
    assert [s.ids for s in saves] == [[head + 1], [head + 2, head + 3, head + 4], [head + 5, head + 6]]
    assert [s for s in statements if not s.startswith("SELECT")] == [
        next(s for s in statements if s.startswith("INSERT"))]  # no BEGIN, no COMMIT: one statement
    written = recorder.select_notifications(start=head + 1, limit=10)
    assert [(n.id, n.originator_id) for n in written] == [
        (i, e.originator_id) for s in saves for i, e in zip(s.ids or [], s.items)]


def test_a_version_clash_in_a_group_refuses_exactly_the_clashing_save(
    recorder: QueuedWritesRecorder,
) -> None:
    taken = events_of_new_aggregates(1)
    recorder.insert_events(taken)
    head = recorder.max_notification_id() or 0
    clash = StoredEvent(taken[0].originator_id, 1, "tests:Again", b"{}")
    saves = [Save(events_of_new_aggregates(2)), Save([*events_of_new_aggregates(1), clash]),
             Save(events_of_new_aggregates(1))]
    recorder._write(saves)
    assert isinstance(saves[1].error, IntegrityError) and saves[1].ids is None
    assert saves[0].ids == [head + 1, head + 2] and saves[2].ids == [head + 3]
    assert recorder.max_notification_id() == head + 3  # nothing of the refused save was kept


def test_two_saves_of_one_version_in_a_group_the_first_wins(recorder: QueuedWritesRecorder) -> None:
    both = uuid4()
    saves = [Save([StoredEvent(both, 1, "tests:First", b"{}")]),
             Save([StoredEvent(both, 1, "tests:Second", b"{}")])]
    recorder._write(saves)
    assert saves[0].ids is not None and isinstance(saves[1].error, IntegrityError)
    assert [e.topic for e in recorder.select_events(both)] == ["tests:First"]


def test_a_save_too_large_for_one_statement_is_written_whole(recorder: QueuedWritesRecorder) -> None:
    head = recorder.max_notification_id() or 0
    ids = recorder.insert_events(events_of_new_aggregates(1200))
    assert ids == list(range(head + 1, head + 1201))
