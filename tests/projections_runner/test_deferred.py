"""Writes deferred during a rebuild's load (`projections.view.Deferred`) and the handlers'
direct statements (`projections.database.for_handlers`)."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from projections.database import for_handlers, open_views, write_transaction
from projections.view import Deferred

INSERT = "INSERT INTO t VALUES (?, ?)"
UPDATE = "UPDATE t SET v = ? WHERE k = ?"


def _db(tmp_path: Path) -> Database:
    db = open_views(tmp_path / "views.sqlite3")
    db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
    return db


def test_deferred_rows_are_written_in_order_when_flushed_and_at_the_limit(tmp_path: Path) -> None:
    db = _db(tmp_path)
    deferred = Deferred(limit=3)
    with write_transaction(db):
        deferred.add(db, INSERT, [1, "a"])
        deferred.add(db, UPDATE, ["b", 1])
        assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 0  # not yet
        assert deferred
        deferred.add(db, UPDATE, ["c", 1])  # the limit: all three run, each statement in order
        assert not deferred
        assert db.execute("SELECT k, v FROM t").fetchall() == [(1, "c")]
        deferred.add(db, INSERT, [2, "x"])
        deferred.flush(db)
    assert db.execute("SELECT k, v FROM t ORDER BY k").fetchall() == [(1, "c"), (2, "x")]


def test_dropped_rows_are_never_written(tmp_path: Path) -> None:
    db = _db(tmp_path)
    deferred = Deferred()
    deferred.add(db, INSERT, [1, "a"])
    deferred.drop()
    with write_transaction(db):
        deferred.flush(db)
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_handlers_share_the_connection_and_its_transaction(tmp_path: Path) -> None:
    db = _db(tmp_path)
    handlers = for_handlers(db)
    assert handlers is not db and handlers.conn is db.conn
    try:
        with write_transaction(db):
            handlers.execute(INSERT, [1, "a"])
            handlers.execute("INSERT INTO t VALUES (2, 'b')")
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    traced = Database(db.conn, tracer=lambda sql, params: None)
    assert for_handlers(traced) is traced  # a tracer keeps sqlite-utils' own execute
