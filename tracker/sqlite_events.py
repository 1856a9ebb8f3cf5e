"""The SQLite event store's recorder: the library's, with writes that queue across processes
and reads without an explicit transaction.

The library begins each write with a deferred `BEGIN`; its first INSERT then asks for SQLite's
write lock, and a writer that finds another process holding it sleeps in SQLite's busy handler
(1, 2, 5, 10 ... up to 100 ms between attempts), well past the moment the other committed. The
processes of `cx-tracker serve --workers N` write the same file, so under load their saves
made the tail of the web write latency. Here a save first queues on a thread lock (the
process's other threads) and then on `flock` of `<events>.writes.lock` (other processes), and
starts its transaction once the one before it has committed. Writers that do not take the lock
(an older server, `sqlite3` by hand) still meet SQLite's own lock, which keeps the log correct
either way.

Every read the library makes is one SELECT, which SQLite runs in a read transaction of its own
(one consistent snapshot); the library wraps each in `BEGIN` ... `ROLLBACK` as well, two more
statements for each of the half-dozen reads of a web write. Here they run without.

Chosen by `tracker.config.open_tracker` for a data directory's SQLite event store, through the
library's `APPLICATION_RECORDER_TOPIC` setting.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing import persistence
from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

from tracker.file_lock import FileLock

WRITES_LOCK_SUFFIX = ".writes.lock"
TOPIC = f"{__name__}:QueuedWritesRecorder"


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
        self._threads = threading.Lock()
        self._processes = FileLock(writes_lock_path(datastore.pool.db_name))

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        with self._threads, self._processes:
            return super().insert_events(stored_events, **kwargs)
