"""The accounts store (password hashes, login sessions, session epochs) in the PostgreSQL
database that holds the events, so every server signs in, checks and ends the same sessions.

It is `tracker.accounts.Accounts` with its connection swapped: the same schema, the same SQL and
the same API, so what the SQLite store learns the shared one knows too."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import datetime


from tracker import accounts
from tracker.postgres.connection import Connection


class PostgresAccounts(accounts.Accounts):
    def __init__(self, env: Mapping[str, str] | None = None,
                 hasher: "accounts.PasswordHasher | None" = None,
                 now: Callable[[], datetime] = accounts.wall_clock) -> None:
        # Not Accounts.__init__: it opens an SQLite file. The rest of its state is set as it does.
        self.now = now
        self._conn = Connection(env)  # type: ignore[assignment]
        self._lock = threading.Lock()
        with self._tx() as db:
            # Several servers may start at once: one creates the tables, the others wait.
            db.execute("SELECT pg_advisory_xact_lock(hashtext('cx-tracker accounts schema'))")
            db.executescript(accounts._SCHEMA)
        self._hasher = hasher or accounts.PasswordHasher()
        self._dummy = None


def shared_accounts(env: Mapping[str, str] | None = None,
                    hasher: "accounts.PasswordHasher | None" = None) -> PostgresAccounts:
    """The accounts store in the database (and schema) the library's settings `env` name."""
    return PostgresAccounts(env, hasher=hasher)
