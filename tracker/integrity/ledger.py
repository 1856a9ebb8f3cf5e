"""`integrity.sqlite3`: each sealed event's identity and digest, recorded by `seal`.

With it, `verify` names the first position whose event differs from the sealed one (changed,
deleted, inserted, moved); without it, only the earliest failing seal. The links follow from the
digests, so the ledger is itself checked against the seals.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from tracker.config import ConfigError

LEDGER_FILE = "integrity.sqlite3"
BATCH = 20_000
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sealed_events ("
    " position INTEGER PRIMARY KEY, originator_id TEXT NOT NULL,"
    " originator_version INTEGER NOT NULL, digest BLOB NOT NULL)"
)


EntryRow = tuple[int, str, int, bytes]  # an Entry as read back: a plain tuple, cheaper to make


class Entry(NamedTuple):
    position: int
    originator_id: str
    originator_version: int
    digest: bytes  # SHA-256 of the event's canonical form


class Ledger:
    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = path
        # A ledger in a directory we may not write (a read-only copy) is opened immutable.
        unwritable = not create and not os.access(path.parent, os.W_OK)
        uri = f"file:{path}" + ("" if create else "?mode=ro") + ("&immutable=1" if unwritable else "")
        try:
            self.db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
            if create:
                self.db.execute(_SCHEMA)
            self.db.execute("SELECT count(*) FROM sealed_events LIMIT 1").fetchone()
        except sqlite3.DatabaseError as e:
            raise ConfigError(f"{path} is not a usable integrity ledger ({e})") from e

    @classmethod
    def open_existing(cls, path: Path) -> Ledger | None:
        return cls(path) if path.exists() else None

    def close(self) -> None:
        self.db.close()

    def last_position(self) -> int:
        return self.db.execute("SELECT max(position) FROM sealed_events").fetchone()[0] or 0

    def entries(self, until: int | None = None, batch: int = BATCH) -> Iterator[EntryRow]:
        """The entries up to position `until` (default: all) in position order, read in batches
        (no cursor stays open between them, so entries can be added meanwhile)."""
        after, until = 0, self.last_position() if until is None else until
        while True:
            rows = self.db.execute(
                "SELECT position, originator_id, originator_version, digest FROM sealed_events"
                " WHERE position > ? AND position <= ? ORDER BY position LIMIT ?",
                (after, until, batch),
            ).fetchall()
            if not rows:
                return
            yield from rows
            after = rows[-1][0]

    @contextmanager
    def recording(self) -> Iterator[None]:
        """One write transaction, taken at once so two seals never interleave."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def add(self, entries: Sequence[Entry]) -> None:
        self.db.executemany("INSERT INTO sealed_events VALUES (?, ?, ?, ?)", entries)
