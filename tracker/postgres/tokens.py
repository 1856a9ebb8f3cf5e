"""The API tokens' store in the shared PostgreSQL database: `tracker.tokens.TokenStore` with its
connection swapped (same schema, SQL and API), so a token made on one server works on all."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from tracker import tokens
from tracker.postgres.connection import Connection


class PostgresTokenStore(tokens.TokenStore):
    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._conn = Connection(env)  # type: ignore[assignment]
        self._lock = threading.Lock()
        with self._tx() as db:
            db.execute("SELECT pg_advisory_xact_lock(hashtext('cx-tracker tokens schema'))")
            db.executescript(tokens._SCHEMA)
