"""The read-model database file: opening it, its positions table, and write transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

POSITIONS = "_positions"


def open_views(path: str | Path) -> Database:
    """Open (or create) a read-model database; WAL lets readers go on while a batch commits."""
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
    db = Database(conn)
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        f"CREATE TABLE IF NOT EXISTS [{POSITIONS}] ("
        " view TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL)"
    )
    return db


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One IMMEDIATE transaction: concurrent catch-ups in other threads or processes queue up,
    so each re-reads the positions inside its own transaction and no batch is applied twice."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")


def positions(db: Database) -> dict[str, tuple[int, int]]:
    """view name -> (version, position)."""
    return {
        name: (version, position)
        for name, version, position in db.execute(
            f"SELECT view, version, position FROM [{POSITIONS}]"
        ).fetchall()
    }


def set_position(db: Database, view: str, version: int, position: int) -> None:
    db.execute(
        f"INSERT INTO [{POSITIONS}] (view, version, position) VALUES (?, ?, ?)"
        " ON CONFLICT(view) DO UPDATE SET version = excluded.version, position = excluded.position",
        [view, version, position],
    )
