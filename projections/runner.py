"""Pulls the event log into the read models, exactly once.

The event library cannot subscribe to an SQLite store, so the runner pulls notifications in
batches. Each batch's view changes and the views' positions commit in one IMMEDIATE transaction
that first re-reads the positions: a crash at any point leaves the views at a batch boundary, the
next catch-up resumes from there, and concurrent catch-ups (threads, processes, servers sharing
the file) queue up instead of applying a batch twice.

A `Runner` owns its connection while a batch runs: queries should read through a connection of
their own (the same one is fine when only one thread uses it at a time). One `Runner` may be
shared by threads; the batches of every runner on the same
file in this process are serialised by one lock.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.application import Application
from sqlite_utils import Database

from projections.database import (
    LastApplied, clear_positions, for_handlers, last_applied, positions, set_last_applied,
    set_position, set_positions, write_transaction,
)
from projections.facts import Fact, read_facts
from projections.view import Handler, View
from tracker.file_lock import FileLock

Progress = Callable[[int, int], None]  # (position reached, target)
Stop = Callable[[], bool]


BATCH_LOCK_SUFFIX = ".batches.lock"


class ProjectionError(RuntimeError):
    """The read models cannot be brought up to date as they are (see the message)."""


@dataclass(frozen=True)
class ViewStatus:
    name: str
    version: int
    position: int
    head: int
    stored_version: int | None = None  # the version the stored view was built with (None: new)

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


class Runner:
    def __init__(
        self, app: Application[UUID], db: Database, views: Sequence[View], *, batch_size: int = 1000,
        prepared: bool = False,
    ) -> None:
        """`prepared`: another runner already ran `prepare()` on this views file with the same
        views (a web process does it once at start-up), so catching up skips it."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        names = [v.name for v in views]
        if len(set(names)) != len(names):
            raise ValueError(f"view names must be unique: {names}")
        self.app = app
        self.db = db
        self.views = list(views)
        self.batch_size = batch_size
        self._prepared = prepared
        path = db.execute("PRAGMA database_list").fetchone()[2]
        if not os.path.isabs(path):  # in memory: "", or "x" once deserialized (SQLite's memdb)
            path = ""
        self._lock = _file_lock(path)
        self._batches = _BatchLock(path)
        # fact key -> the views that do something with it, and what to call: skips the views
        # without a handler for the key (most of them, for most facts) without a call each.
        self._dispatch: dict[str, list[tuple[View, Handler]]] = {}
        self._handlers_db = for_handlers(db)

    @property
    def prepared(self) -> bool:
        """Whether `prepare()` ran (or was vouched for): false again after the stored views
        turned out not to match this runner's."""
        return self._prepared

    def head(self) -> int:
        """The position of the last event in the store."""
        return self.app.recorder.max_notification_id() or 0

    def stale(self) -> str | None:
        """Why the views must be rebuilt before use, or None when they are current."""
        with self._lock:
            return self._stale()

    def prepare(self) -> list[str]:
        """Create the views, or rebuild them all from the log when they are stale: a view is
        new, a view's code version changed, the views disagree on their position, or the store
        no longer holds the event they applied last (a position ahead of the store's head, or
        another store of the same length or longer).

        All views reset together because a view may read the tables of views applied before it.
        The reset commits in one transaction; the views then fill up as `catch_up` runs.
        Returns the names of the views reset (empty when all were current).
        """
        with self._lock:
            with write_transaction(self.db):
                reason = self._stale()
                if reason is not None:
                    self._reset()
            self._prepared = True
            return [] if reason is None else [v.name for v in self.views]

    def position(self) -> int:
        """The position every view has reached (the slowest view's)."""
        with self._lock:
            known = positions(self.db)
        return min((known.get(v.name, (0, 0))[1] for v in self.views), default=0)

    def catch_up(
        self, until: int | None = None, progress: Progress | None = None, *, stop: Stop | None = None
    ) -> int:
        """Apply every event up to `until` (default: the head now); return the position reached.

        Read-your-writes: pass the position a command returned; when the views are already
        there this costs one small read and takes no write lock. `stop` is asked between
        batches (a batch in flight always completes or rolls back as a whole). A failing
        handler rolls its batch back and the error propagates.
        """
        if not self._prepared:
            self.prepare()
        target = self.head() if until is None else until
        reached = self.position()
        while reached < target and not (stop is not None and stop()):
            start, reached = self._apply_batch(target)
            if reached == start:
                break  # at the target already, or the store holds nothing more up to it
            if progress is not None:
                progress(reached, target)
        return reached

    def status(self) -> list[ViewStatus]:
        with self._lock:
            known = positions(self.db)
        head = self.head()  # after the positions: the head only grows, so it is never behind
        return [
            ViewStatus(v.name, v.version, known.get(v.name, (None, 0))[1], head,
                       known.get(v.name, (None, 0))[0])
            for v in self.views
        ]

    def follow(
        self, poll_seconds: float = 0.5, stop: Stop = lambda: False,
        progress: Progress | None = None,
    ) -> int:
        """Catch up continuously until `stop()` says so (for `cx-tracker projections run`);
        `stop` is asked between batches and while waiting. Returns the position reached."""
        self.prepare()
        reached = self.position()
        while not stop():
            before = reached
            reached = self.catch_up(progress=progress, stop=stop)
            if reached == before:
                _wait(poll_seconds, stop)
        return reached

    def close(self) -> None:
        self._batches.close()
        self.db.close()

    # Inside

    def _stale(self) -> str | None:
        if not self.views:
            return None
        known = positions(self.db)
        head = self.head()  # after the positions, or a concurrent catch-up looks "ahead"
        missing = [v.name for v in self.views if v.name not in known]
        if len(missing) == len(self.views):
            return "the views have not been built yet"
        if missing:
            return "new views: " + ", ".join(missing)
        for v in self.views:
            if known[v.name][0] != v.version:
                return f"view {v.name} changed from version {known[v.name][0]} to {v.version}"
        reached = {known[v.name][1] for v in self.views}
        if len(reached) > 1:
            return f"the views are at different positions {sorted(reached)}"
        position = reached.pop()
        if position > head:
            return f"the views are at position {position} but the store ends at {head}"
        last = last_applied(self.db)
        if position and last is not None and not self._store_holds(position, last):
            return f"the store no longer holds the event the views applied at {position}"
        return None

    def _store_holds(self, position: int, last: LastApplied) -> bool:
        found = self.app.recorder.select_notifications(start=position, limit=1)
        return (
            last.position == position and len(found) == 1 and found[0].id == position
            and found[0].originator_id == last.aggregate_id
            and found[0].originator_version == last.version
        )

    def _reset(self) -> None:
        for view in reversed(self.views):
            view.drop(self.db)
        clear_positions(self.db)
        for view in self.views:
            view.create(self.db)
            set_position(self.db, view.name, view.version, 0)

    def _common_position(self) -> int:
        """The views' position, read inside the batch's transaction. They must be the views
        this runner applies, at one position: another runner (other code, another process) may
        have reset them since this one prepared."""
        known = positions(self.db)
        if any(known.get(v.name, (None, 0))[0] != v.version for v in self.views):
            self._prepared = False
            raise ProjectionError(
                "the stored views no longer match this runner's (reset by another runner with "
                "other views?): prepare() again"
            )
        reached = {known[v.name][1] for v in self.views}
        if len(reached) > 1:
            self._prepared = False
            raise ProjectionError(f"the views are at different positions {sorted(reached)}")
        return reached.pop() if reached else 0

    def _apply_batch(self, target: int) -> tuple[int, int]:
        """Apply the next batch up to `target`; return the positions before and after it."""
        with self._lock, self._batches:
            try:
                with write_transaction(self.db):
                    # Re-read inside the transaction: another runner may have got further.
                    start = self._common_position()
                    facts = [] if start >= target else self._read(start, target)
                    for fact in facts:
                        self._apply(fact)
                    if not facts:
                        return start, start
                    last = facts[-1]
                    set_positions(self.db, [(v.name, v.version) for v in self.views], last.position)
                    set_last_applied(
                        self.db, LastApplied(last.position, last.aggregate_id, last.version)
                    )
                    return start, last.position
            except _TransactionLost:
                self._forget_positions()
                raise

    def _read(self, start: int, target: int) -> list[Fact]:
        """The facts after `start` up to `target` (one batch)."""
        return read_facts(self.app, start, limit=self.batch_size, stop=target)

    def _handlers(self, key: str) -> list[tuple[View, Handler]]:
        found = self._dispatch.get(key)
        if found is None:
            found = self._dispatch[key] = [
                (view, handler) for view in self.views
                if (handler := view.handler_for(key)) is not None
            ]
        return found

    def _apply(self, fact: Fact) -> None:
        db = self._handlers_db
        conn = db.conn
        for view, handler in self._dispatch.get(fact.key) or self._handlers(fact.key):
            try:
                handler(db, fact)
            except BaseException as error:
                error.add_note(
                    f"while applying {fact.key} at position {fact.position} to view {view.name}"
                )
                raise
            if not conn.in_transaction:
                raise _TransactionLost(
                    f"the batch's transaction ended inside view {view.name} while it applied "
                    f"{fact.key} at position {fact.position} (an error it swallowed rolled "
                    "it back); the views will be rebuilt"
                )

    def _forget_positions(self) -> None:
        """Some of the batch may have been written outside any transaction: the views can no
        longer be trusted, so the next `prepare` rebuilds them from the log."""
        with write_transaction(self.db):
            clear_positions(self.db)
        self._prepared = False


class _TransactionLost(ProjectionError):
    pass


_FILE_LOCKS: dict[str, threading.RLock] = {}
_FILE_LOCKS_GUARD = threading.Lock()


def _file_lock(path: str) -> threading.RLock:
    """One lock per views file in this process, shared by every runner on it: the threads of a
    web server catching up after their commands queue here and wake as soon as the batch before
    theirs commits, instead of in SQLite's busy-handler sleeps (up to 100 ms each), which made
    the p99 of concurrent writes. Other processes' batches queue on `_BatchLock`."""
    if not path:  # in memory: private to its connection, nothing to share
        return threading.RLock()
    with _FILE_LOCKS_GUARD:
        return _FILE_LOCKS.setdefault(path, threading.RLock())


class _BatchLock(FileLock):
    """Batches of runners in other processes on the same views file (the workers of `serve
    --workers`, a `projections run` beside a server) queue on an exclusive lock of a file beside
    it, `<views>.batches.lock`, and wake as soon as the one before commits, as threads do on
    `_file_lock`, instead of in SQLite's busy-handler sleeps. Taken inside the thread lock.
    Closed with the runner."""

    def __init__(self, path: str) -> None:
        super().__init__(path + BATCH_LOCK_SUFFIX if path else None)  # in memory: none


def _wait(seconds: float, stop: Stop) -> None:
    deadline = time.monotonic() + seconds
    while not stop() and (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, 0.05))
