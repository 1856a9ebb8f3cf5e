"""The SQLite event store's recorder: the library's, with writes that queue across processes.

The library begins each write with a deferred `BEGIN`; its first INSERT then asks for SQLite's
write lock, and a writer that finds another process holding it sleeps in SQLite's busy handler
(1, 2, 5, 10 ... up to 100 ms between attempts), well past the moment the other committed. The
processes of `cx-tracker serve --workers N` write the same file, so under load their saves
made the tail of the web write latency. Here a save first queues on a thread lock (the
process's other threads) and then on `flock` of `<events>.writes.lock` (other processes), and
starts its transaction once the one before it has committed. Writers that do not take the lock
(an older server, `sqlite3` by hand) still meet SQLite's own lock, which keeps the log correct
either way.

Chosen by `tracker.config.open_tracker` for a data directory's SQLite event store, through the
library's `APPLICATION_RECORDER_TOPIC` setting.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from tracker.file_lock import FileLock

WRITES_LOCK_SUFFIX = ".writes.lock"
TOPIC = f"{__name__}:QueuedWritesRecorder"


def writes_lock_path(db_name: str) -> str | None:
    """The lock file beside an event store given as a plain path (None: in memory, or a URI,
    which the data directory uses only for read-only copies)."""
    if not db_name or db_name.startswith("file:") or ":memory:" in db_name:
        return None
    return db_name + WRITES_LOCK_SUFFIX


class QueuedWritesRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name)
        self._threads = threading.Lock()
        self._processes = FileLock(writes_lock_path(datastore.pool.db_name))

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        with self._threads, self._processes:
            return super().insert_events(stored_events, **kwargs)
