"""Pulls the event log into the read models, exactly once.

The event library cannot subscribe to an SQLite store, so the runner pulls notifications in
batches. Each batch's view changes and the views' positions commit in one transaction: a crash at
any point leaves the views at a batch boundary, and the next catch-up resumes from there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.application import Application
from sqlite_utils import Database

from projections.database import positions, set_position, write_transaction
from projections.facts import read_facts
from projections.view import View

Progress = Callable[[int, int], None]  # (position reached, head)


@dataclass(frozen=True)
class ViewStatus:
    name: str
    version: int
    position: int
    head: int

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


class Runner:
    def __init__(
        self, app: Application[UUID], db: Database, views: Sequence[View], *, batch_size: int = 1000
    ) -> None:
        self.app = app
        self.db = db
        self.views = list(views)
        self.batch_size = batch_size
        self._prepared = False

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def prepare(self) -> list[str]:
        """Create the views, or rebuild them all from the log when any view's code version
        changed, a view is missing, or a position is ahead of the store (the store was replaced).

        All views reset together because a view may read the tables of views applied before it.
        Returns the names of the views reset (empty when all were current).
        """
        head = self.head()
        with write_transaction(self.db):
            known = positions(self.db)
            current = all(
                known.get(v.name, (None, 0))[0] == v.version and known[v.name][1] <= head
                for v in self.views
            ) and len({known[v.name][1] for v in self.views}) <= 1
            if not current:
                for view in reversed(self.views):
                    view.drop(self.db)
                for view in self.views:
                    view.create(self.db)
                    set_position(self.db, view.name, view.version, 0)
        self._prepared = True
        return [] if current else [v.name for v in self.views]

    def position(self) -> int:
        """The position every view has reached (the slowest view's)."""
        known = positions(self.db)
        return min((known.get(v.name, (0, 0))[1] for v in self.views), default=0)

    def catch_up(self, until: int | None = None, progress: Progress | None = None) -> int:
        """Apply every event up to `until` (default: the head now); return the position reached.

        Read-your-writes: pass the position a command returned; when the views are already
        there this costs one small read and takes no lock.
        """
        if not self._prepared:
            self.prepare()
        target = self.head() if until is None else until
        reached = self.position()
        while reached < target:
            after = self._apply_batch(target)
            if after <= reached:
                break  # nothing more to read up to the target
            reached = after
            if progress is not None:
                progress(reached, target)
        return reached

    def _apply_batch(self, target: int) -> int:
        with write_transaction(self.db):
            start = self.position()  # re-read inside the transaction: another process may be ahead
            facts = read_facts(self.app, start, limit=self.batch_size, stop=target)
            if not facts:
                return start
            for fact in facts:
                for view in self.views:
                    view.apply(self.db, fact)
            last = facts[-1].position
            for view in self.views:
                set_position(self.db, view.name, view.version, last)
            return last

    def status(self) -> list[ViewStatus]:
        head = self.head()
        known = positions(self.db)
        return [
            ViewStatus(v.name, v.version, known.get(v.name, (v.version, 0))[1], head)
            for v in self.views
        ]

    def follow(self, poll_seconds: float = 0.5, stop: Callable[[], bool] = lambda: False) -> None:
        """Catch up continuously until `stop()` says so (for `cx-tracker projections run`)."""
        while not stop():
            before = self.position()
            if self.catch_up() == before:
                time.sleep(poll_seconds)
