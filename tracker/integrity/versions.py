"""Each aggregate's highest version met so far along a walk, in bounded memory.

A walk checks that every aggregate's versions follow one another along the log, so it needs the
last version of every aggregate it has met: one entry per aggregate, which grows with the log
(~80,000 at 10^6 events), and whose small strings, allocated among each batch's short-lived
objects, keep far more memory than their own size. Here the recent entries stay in a dict of at
most `limit`; beyond, they are moved to a private temporary SQLite table on disk (deleted when the
walk ends) and fetched back, a batch at a time, for the aggregates a batch names.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

LIMIT = 8192
_CHUNK = 500  # ids per SELECT ... IN (...)


class Versions:
    def __init__(self, limit: int = LIMIT) -> None:
        self.recent: dict[str, int] = {}
        self.limit = limit
        self._db: sqlite3.Connection | None = None  # created on the first spill

    def fetch(self, ids: Iterable[str]) -> None:
        """Bring the entries of these aggregates into `recent` (before a batch naming them)."""
        if self._db is None:
            return
        recent = self.recent
        missing = list({i for i in ids if i not in recent})
        for start in range(0, len(missing), _CHUNK):
            chunk = missing[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            recent.update(self._db.execute(
                f"SELECT id, version FROM versions WHERE id IN ({marks})", chunk))

    def spill(self) -> None:
        """After a batch: move the entries to disk when there are more than `limit`."""
        if len(self.recent) <= self.limit:
            return
        if self._db is None:
            # "" is a private temporary on-disk database, deleted when it is closed.
            self._db = sqlite3.connect("", isolation_level=None)
            for pragma in ("PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF",
                           "PRAGMA cache_size=-2048"):
                self._db.execute(pragma)
            self._db.execute("CREATE TABLE versions (id TEXT PRIMARY KEY, version INTEGER NOT NULL)"
                             " WITHOUT ROWID")
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT INTO versions VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET version = "
                "max(version, excluded.version)", self.recent.items())
        self.recent = {}

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
