"""The rate limits' counters in an SQLite file of the data directory, so the processes of
`cx-tracker serve --workers N` (and any other server on the same directory) allow together the
attempts one process would (Flask-Limiter's `memory://` counts per process).

A `limits` storage backend (the library behind Flask-Limiter) for its fixed-window strategy,
registered as `cxsqlite://` followed by the file's absolute path. Each increment is one IMMEDIATE
transaction, so two processes never both start a fresh window or lose a count. Windows are timed
by the machine's clock (the processes share one machine). The counters need no durability: the
file is in WAL mode with `synchronous=NORMAL`, and each thread keeps its connection.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from limits.storage import Storage

SCHEME = "cxsqlite://"
FILE_NAME = "rate_limits.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_limits (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires_at REAL NOT NULL
)
"""


def uri_for(data_dir: str | Path) -> str:
    """The storage URI of the counters kept in `data_dir`."""
    return SCHEME + str(Path(data_dir).resolve() / FILE_NAME)


class SqliteLimitStorage(Storage):
    STORAGE_SCHEME = ["cxsqlite"]  # noqa: RUF012 (the base class declares it so)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if not uri or not uri.startswith(SCHEME + "/"):
            raise ValueError(f"expected {SCHEME} followed by an absolute file path, not {uri!r}")
        self.path = uri[len(SCHEME):]
        self._local = threading.local()
        with self._db() as db:
            db.execute(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        """This thread's connection (used as a context manager: one transaction, committed)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level="IMMEDIATE",
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._db() as db:
            # Ended windows go (keys are per client address or token: a small table).
            db.execute("DELETE FROM rate_limits WHERE expires_at <= ? AND key <> ?", (now, key))
            row = db.execute(
                "INSERT INTO rate_limits AS r (key, count, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET"
                " count = CASE WHEN r.expires_at <= ? THEN excluded.count"
                "  ELSE r.count + excluded.count END,"
                " expires_at = CASE WHEN r.expires_at <= ? THEN excluded.expires_at"
                "  ELSE r.expires_at END"
                " RETURNING count",
                (key, amount, now + expiry, now, now),
            ).fetchone()
        return int(row[0]) if row else amount

    def get(self, key: str) -> int:
        with self._db() as db:
            row = db.execute("SELECT count FROM rate_limits WHERE key = ? AND expires_at > ?",
                             (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        with self._db() as db:
            row = db.execute("SELECT expires_at FROM rate_limits WHERE key = ?", (key,)).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            with self._db() as db:
                db.execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        with self._db() as db:
            return db.execute("DELETE FROM rate_limits").rowcount

    def clear(self, key: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM rate_limits WHERE key = ?", (key,))
