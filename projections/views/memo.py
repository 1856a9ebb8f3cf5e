"""What a view remembers between events instead of reading it back from its tables.

A memo is trusted only while its view applies consecutive events on one connection: the next
fact must sit right after the last one it saw. Anything else (a rolled-back batch applied again,
another runner or process that moved the file on, another file) starts it empty, so it can never
hold a row the database does not. Within a rebuild, which applies the whole log in order, it is
emptied only when it reaches `LIMIT` rows, which keeps a rebuild's memory flat however long
the log.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlite_utils import Database


LIMIT = 5_000


class Memo:
    def __init__(self) -> None:
        self.rows: dict[Any, Any] = {}
        self._conn: sqlite3.Connection | None = None
        self._position = 0

    def follow(self, db: Database, position: int) -> dict[Any, Any]:
        """The remembered rows before the event at `position` is applied on `db`."""
        if db.conn is not self._conn or position != self._position + 1 or len(self.rows) > LIMIT:
            self.rows.clear()
            self._conn = db.conn
        self._position = position
        return self.rows

    def forget(self) -> None:
        self.rows.clear()
        self._conn = None
