"""The login rate limit's counters in the shared PostgreSQL database, so N servers allow the
attempts one server would (Flask-Limiter's `memory://` counts per process).

A `limits` storage backend (the library behind Flask-Limiter) for its fixed-window strategy,
registered as `cxpostgres://`; it connects (once per operation) with the event library's POSTGRES_* settings. Windows
are timed by the database's clock, so servers whose clocks differ still share one window."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from limits.storage import Storage

from tracker.postgres.connection import Connection

SCHEME = "cxpostgres://"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_limits (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
)
"""
_NOW = "EXTRACT(EPOCH FROM clock_timestamp())"


class PostgresLimitStorage(Storage):
    STORAGE_SCHEME = ["cxpostgres"]  # noqa: RUF012 (the base class declares it so)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        with self._db() as db:
            db.execute("SELECT pg_advisory_xact_lock(hashtext('cx-tracker rate_limits schema'))")
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[Connection]:
        """A connection for one operation, committed and closed after it: the counters are
        touched on sign-in attempts only, and no connection outlives an app nobody closes."""
        conn = Connection(pooled=False)
        try:
            with conn:
                yield conn
        finally:
            conn.close()

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return psycopg.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with self._db() as db:
            row = db.execute(
                "INSERT INTO rate_limits AS r (key, count, expires_at)"
                f" VALUES (?, ?, {_NOW} + ?) ON CONFLICT (key) DO UPDATE SET"
                f" count = CASE WHEN r.expires_at <= {_NOW} THEN excluded.count"
                "  ELSE r.count + excluded.count END,"
                f" expires_at = CASE WHEN r.expires_at <= {_NOW} THEN excluded.expires_at"
                "  ELSE r.expires_at END"
                " RETURNING count",
                (key, amount, expiry),
            ).fetchone()
        return int(row[0]) if row else amount

    def get(self, key: str) -> int:
        with self._db() as db:
            row = db.execute(
                f"SELECT count FROM rate_limits WHERE key = ? AND expires_at > {_NOW}", (key,)
            ).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        with self._db() as db:
            row = db.execute(
                f"SELECT expires_at, {_NOW} FROM rate_limits WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                row = db.execute(f"SELECT {_NOW}, {_NOW}").fetchone()
        assert row is not None
        return float(row[0])

    def check(self) -> bool:
        try:
            with self._db() as db:
                db.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def reset(self) -> int | None:
        with self._db() as db:
            return db.execute("DELETE FROM rate_limits").rowcount

    def clear(self, key: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM rate_limits WHERE key = ?", (key,))
