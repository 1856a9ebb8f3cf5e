"""The read-model database file: opening it, its bookkeeping tables, and write transactions.

Bookkeeping lives in two tables beside the views' own:
- `_positions`: per view, the code version it was built with and the log position it reached;
- `_last_applied`: the identity (aggregate id and version) of the event at that position, so a
  store that was replaced by another one of the same length or longer is noticed too.
Both are written in the same transaction as the views' changes.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple
from uuid import UUID

from sqlite_utils import Database

POSITIONS = "_positions"
LAST_APPLIED = "_last_applied"
BOOKKEEPING = (POSITIONS, LAST_APPLIED)
BUSY_TIMEOUT_SECONDS = 30
WAL_SIZE_LIMIT = 64 * 1024 * 1024  # bytes kept after a checkpoint


class LastApplied(NamedTuple):
    position: int
    aggregate_id: UUID
    version: int


def open_views(path: str | Path, *, page_size: int | None = None) -> Database:
    """Open (or create) a read-model database; WAL lets readers go on while a batch commits.

    `page_size` only takes effect on a new file (rebuild uses it to match the live file).
    """
    conn = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False, isolation_level=None,
        factory=ViewsConnection,
    )
    db = Database(conn)
    if page_size is not None:
        db.execute(f"PRAGMA page_size = {int(page_size)}")
    if str(path) != ":memory:":
        _use_wal(conn)
    db.execute("PRAGMA synchronous=NORMAL")  # in WAL mode still atomic and consistent on a crash
    db.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")  # a rebuild's swap grows the WAL
    # IMMEDIATE: the write lock is taken up front (waiting through the busy timeout), so two
    # processes creating the bookkeeping at once queue instead of failing on a lock upgrade.
    db.executescript(
        "BEGIN IMMEDIATE;"
        f"CREATE TABLE IF NOT EXISTS [{POSITIONS}] ("
        " view TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL);"
        f"CREATE TABLE IF NOT EXISTS [{LAST_APPLIED}] ("
        " id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL,"
        " aggregate_id TEXT NOT NULL, version INTEGER NOT NULL);"
        "COMMIT;"
    )
    return db


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL (kept in the file, so usually already done).

    SQLite answers "database is locked" at once, without its busy handler, when another
    connection opens the same new file while it switches: several processes starting on a new
    views file at the same moment. Such a refusal is retried until the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    pause = 0.001
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


class _Statements(Database):
    """A `Database` whose `execute` goes straight to the connection (see `for_handlers`)."""

    def execute(
        self, sql: str, parameters: Sequence[Any] | dict[str, Any] | None = None
    ) -> sqlite3.Cursor:
        if parameters is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, parameters)


def for_handlers(db: Database) -> Database:
    """`db` as the views' handlers get it inside a batch: the same object state and connection,
    but `execute` without sqlite-utils' bookkeeping around each statement (committing an
    implicit transaction the statement opened, a tracer), which never applies inside the
    batch's transaction on a connection in autocommit mode (`open_views`) and costs a
    microsecond a statement. `db` itself when it has a tracer."""
    if db._tracer is not None or db.conn.isolation_level is not None:
        return db
    fast = _Statements.__new__(_Statements)
    fast.__dict__ = db.__dict__  # shared: tables, registered functions, the connection
    return fast


class _BatchGuard:
    """The authorizer of a connection that runs batches: it refuses transaction control while
    `inside` is set. Installed once per connection and left in place, because installing or
    removing an authorizer expires every statement the connection has prepared: each batch's
    two did, and the queries of the request that follows it (a web write's card) were parsed
    and planned again, ~0.5 ms of CPU per web write."""

    def __init__(self) -> None:
        self.inside = False

    def __call__(self, action: int, *_: object) -> int:
        return sqlite3.SQLITE_DENY if self.inside and action == sqlite3.SQLITE_TRANSACTION else sqlite3.SQLITE_OK


class ViewsConnection(sqlite3.Connection):
    """A connection `open_views` makes: it carries its batch guard, installed on first use."""

    batch_guard: _BatchGuard | None = None


def _guard(conn: sqlite3.Connection) -> _BatchGuard | None:
    """The connection's installed guard (None: a connection not made by `open_views`)."""
    if not isinstance(conn, ViewsConnection):
        return None
    if conn.batch_guard is None:
        conn.batch_guard = _BatchGuard()
        conn.set_authorizer(conn.batch_guard)
    return conn.batch_guard


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One IMMEDIATE transaction: concurrent catch-ups in other threads or processes queue up,
    so each re-reads the positions inside its own transaction and no batch is applied twice.

    Inside the block, COMMIT, ROLLBACK and BEGIN are refused ("not authorized") whoever issues
    them, `conn.commit()` and `conn.executescript()` included: a view cannot end the batch's
    transaction early. Savepoints (sqlite-utils' nested `atomic()`) still work. Any exception
    rolls the whole transaction back and propagates.

    SQLite authorizes a statement when it prepares it, and sqlite3 keeps prepared statements by
    their text: so the transaction is ended here with `conn.commit()`/`conn.rollback()`, which
    prepare theirs afresh each time, and no "COMMIT" or "ROLLBACK" prepared outside a batch
    sits in the connection's cache for a view to reuse inside one. (A cached "BEGIN ..." fails
    inside a transaction anyway.)
    """
    installed = _guard(db.conn)
    guard = installed or _BatchGuard()  # another connection: a guard for this block alone
    db.execute("BEGIN IMMEDIATE")
    try:
        guard.inside = True
        if installed is None:
            db.conn.set_authorizer(guard)
        try:
            yield db
        finally:
            guard.inside = False
            if installed is None:
                db.conn.set_authorizer(None)
    except BaseException:
        if db.conn.in_transaction:
            db.conn.rollback()
        raise
    try:
        db.conn.commit()
    except BaseException:
        if db.conn.in_transaction:
            db.conn.rollback()
        raise


def positions(db: Database) -> dict[str, tuple[int, int]]:
    """view name -> (version, position)."""
    return {
        name: (version, position)
        for name, version, position in db.execute(
            f"SELECT view, version, position FROM [{POSITIONS}]"
        ).fetchall()
    }


def set_position(db: Database, view: str, version: int, position: int) -> None:
    set_positions(db, [(view, version)], position)


def set_positions(db: Database, views: Sequence[tuple[str, int]], position: int) -> None:
    """Every (view name, version) of `views` at `position`, in one statement."""
    if not views:
        return
    db.execute(
        f"INSERT INTO [{POSITIONS}] (view, version, position) VALUES "
        + ", ".join("(?, ?, ?)" for _ in views)
        + " ON CONFLICT(view) DO UPDATE SET version = excluded.version, position = excluded.position",
        [value for name, version in views for value in (name, version, position)],
    )


def clear_positions(db: Database) -> None:
    """Forget every view's position (the next `Runner.prepare` rebuilds them all)."""
    db.execute(f"DELETE FROM [{POSITIONS}]")
    db.execute(f"DELETE FROM [{LAST_APPLIED}]")


def last_applied(db: Database) -> LastApplied | None:
    row = db.execute(
        f"SELECT position, aggregate_id, version FROM [{LAST_APPLIED}] WHERE id = 1"
    ).fetchone()
    return None if row is None else LastApplied(row[0], UUID(row[1]), row[2])


def set_last_applied(db: Database, last: LastApplied) -> None:
    db.execute(
        f"INSERT INTO [{LAST_APPLIED}] (id, position, aggregate_id, version) VALUES (1, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET position = excluded.position,"
        " aggregate_id = excluded.aggregate_id, version = excluded.version",
        [last.position, str(last.aggregate_id), last.version],
    )
