"""The SQLite event store's recorder: the library's, with saves grouped and queued across
processes, and reads without an explicit transaction.

Saves made at once by the threads of a process are written together (`tracker.group_commit`):
one INSERT of all their events, which SQLite runs as one transaction with one commit (in WAL mode
with `synchronous=FULL`, the library's and SQLite's defaults: each commit is on disk before it
returns). A write's time is mostly waiting (for the disk, and, in a busy server, for the
interpreter lock after each call into SQLite), so one write for several saves shortens the
queue. When that INSERT is refused for a version clash (another save of the same aggregate got
there first), the group's saves are written again one at a time, so exactly the clashing ones are
refused. No save returns before the commit holding its events.

The library begins each write with a deferred `BEGIN`; its first INSERT then asks for SQLite's
write lock, and a writer that finds another process holding it sleeps in SQLite's busy handler
(1, 2, 5, 10 ... up to 100 ms between attempts), well past the moment the other committed. The
processes of `cx-tracker serve --workers N` write the same file, so under load their saves
made the tail of the web write latency. Here each write first queues on `flock` of
`<events>.writes.lock` (other processes), and starts once the one before it has committed.
Writers that do not take the lock (an older server, `sqlite3` by hand) still meet SQLite's own
lock, which keeps the log correct either way.

Every read the library makes is one SELECT, which SQLite runs in a read transaction of its own
(one consistent snapshot); the library wraps each in `BEGIN` ... `ROLLBACK` as well, two more
statements for each of the half-dozen reads of a web write. Here they run without.

Chosen by `tracker.config.open_tracker` for a data directory's SQLite event store, through the
library's `APPLICATION_RECORDER_TOPIC` setting.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing import persistence
from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

from tracker.file_lock import FileLock
from tracker.group_commit import GroupCommit, Save

WRITES_LOCK_SUFFIX = ".writes.lock"
TOPIC = f"{__name__}:QueuedWritesRecorder"
MAX_GROUPED_ROWS = 500  # events in one INSERT (4 parameters each: SQLite allows 32,766)


def writes_lock_path(db_name: str) -> str | None:
    """The lock file beside an event store given as a plain path (None: in memory, or a URI,
    which the data directory uses only for read-only copies)."""
    if not db_name or db_name.startswith("file:") or ":memory:" in db_name:
        return None
    return db_name + WRITES_LOCK_SUFFIX


# sqlite3's errors as the library's, as its transactions raise them (most specific first).
_ERRORS: tuple[tuple[type[sqlite3.Error], type[persistence.PersistenceError]], ...] = (
    (sqlite3.InterfaceError, persistence.InterfaceError),
    (sqlite3.DataError, persistence.DataError),
    (sqlite3.OperationalError, persistence.OperationalError),
    (sqlite3.IntegrityError, persistence.IntegrityError),
    (sqlite3.InternalError, persistence.InternalError),
    (sqlite3.ProgrammingError, persistence.ProgrammingError),
    (sqlite3.NotSupportedError, persistence.NotSupportedError),
    (sqlite3.DatabaseError, persistence.DatabaseError),
    (sqlite3.Error, persistence.PersistenceError),
)


class _Datastore(SQLiteDatastore):
    """The library's datastore, whose read-only transactions are the SELECT alone."""

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[SQLiteCursor]:
        if commit:
            with super().transaction(commit=True) as cursor:
                yield cursor
            return
        with self.get_connection(commit=False) as conn:
            cursor = conn.cursor()
            try:
                yield cursor
            except sqlite3.Error as e:
                raise next(ours for theirs, ours in _ERRORS if isinstance(e, theirs))(e) from e
            finally:
                cursor.sqlite_cursor.close()


class QueuedWritesRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events") -> None:
        if type(datastore) is SQLiteDatastore:
            datastore.__class__ = _Datastore  # the factory made it; same state, reads without BEGIN
        super().__init__(datastore, events_table_name)
        self._processes = FileLock(writes_lock_path(datastore.pool.db_name))
        self._group: GroupCommit[StoredEvent] = GroupCommit(self._write)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        return self._group.save(stored_events)

    def _write(self, group: list[Save[StoredEvent]]) -> None:
        with self._processes:
            if sum(len(save.items) for save in group) <= MAX_GROUPED_ROWS:
                try:
                    ids = self._insert_at_once([event for save in group for event in save.items])
                except persistence.IntegrityError as e:
                    if len(group) == 1:
                        group[0].error = e
                        return
                else:
                    for save in group:
                        save.ids, ids = ids[:len(save.items)], ids[len(save.items):]
                    return
            for save in group:  # too many rows for one statement, or a clash among them
                try:
                    save.ids = super().insert_events(save.items)
                except persistence.IntegrityError as e:
                    save.error = e

    def _insert_at_once(self, events: list[StoredEvent]) -> list[int]:
        """One INSERT of `events` outside an explicit transaction: SQLite commits it as one.
        Their notification ids: SQLite gives each new row the largest rowid plus one."""
        rows = ",".join(["(?,?,?,?)"] * len(events))
        params = [value for e in events for value in (
            e.originator_id.hex if isinstance(e.originator_id, UUID) else e.originator_id,
            e.originator_version, e.topic, e.state)]
        with self.datastore.get_connection(commit=True) as conn:
            cursor = conn.cursor().sqlite_cursor
            try:
                cursor.execute(f"INSERT INTO {self.events_table_name} VALUES {rows}", params)
                last = int(cursor.lastrowid or 0)
            except sqlite3.Error as e:
                raise next(ours for theirs, ours in _ERRORS if isinstance(e, theirs))(e) from e
            finally:
                cursor.close()
        return list(range(last - len(events) + 1, last + 1))
