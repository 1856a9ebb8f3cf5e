"""Personal access tokens for the REST API, kept outside the event log.

A token is shown once, when it is made; only its SHA-256 is stored (a token is 256 random bits,
so a fast hash is enough: nobody can guess one to test against it). Each has a short public id
(to list and revoke it), a name, a scope (`read` or `read-write`), an expiry and the instant it
was last used. The table lives in the accounts store's file, so a backup copies it with the
passwords, but in its own table and module.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from tracker import clock

READ, READ_WRITE = "read", "read-write"
SCOPES = (READ, READ_WRITE)
LAST_USE_PRECISION = timedelta(minutes=1)
PREFIX = "cxt_"  # makes a leaked token easy to recognise (secret scanners, logs)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_tokens (
    token_id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    member_id TEXT NOT NULL,
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS api_tokens_by_member ON api_tokens (member_id);
"""
_COLUMNS = "token_id, member_id, name, scope, created_at, expires_at, last_used_at, revoked_at"


@dataclass(frozen=True)
class TokenInfo:
    """What is known about a token (never the token itself)."""

    token_id: str
    member_id: UUID
    name: str
    scope: str
    created_at: str
    expires_at: str
    last_used_at: str | None
    revoked_at: str | None

    def state(self, now: datetime) -> str:
        """'active', 'expired' or 'revoked'."""
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= now.isoformat() else "active"

    def as_dict(self, now: datetime) -> dict[str, Any]:
        return {
            "id": self.token_id, "name": self.name, "scope": self.scope,
            "created_at": self.created_at, "expires_at": self.expires_at,
            "last_used_at": self.last_used_at, "revoked_at": self.revoked_at,
            "state": self.state(now),
        }


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _info(row: tuple[Any, ...]) -> TokenInfo:
    return TokenInfo(row[0], UUID(row[1]), *row[2:])


class TokenStore:
    """The tokens table: an SQLite file (or ":memory:"). Thread-safe."""

    def __init__(self, path: str | Path) -> None:
        self._conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
        self._lock = threading.Lock()
        if str(path) != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
        with self._tx() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._conn:
            yield self._conn

    def add(self, member_id: UUID, name: str, scope: str, expires_at: datetime) -> tuple[str, TokenInfo]:
        """A new token: returns the secret (to show once) and what is stored about it."""
        token_id = secrets.token_hex(4)
        secret = f"{PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        info = TokenInfo(token_id, member_id, name, scope, clock.now().isoformat(),
                         expires_at.isoformat(), None, None)
        with self._tx() as db:
            db.execute(
                f"INSERT INTO api_tokens (token_hash, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (digest(secret), token_id, str(member_id), name, scope, info.created_at,
                 info.expires_at, None, None),
            )
        return secret, info

    def of_member(self, member_id: UUID) -> list[TokenInfo]:
        with self._tx() as db:
            found = db.execute(
                f"SELECT {_COLUMNS} FROM api_tokens WHERE member_id = ? ORDER BY created_at, token_id",
                (str(member_id),),
            ).fetchall()
        return [_info(row) for row in found]

    def get(self, token_id: str) -> TokenInfo | None:
        with self._tx() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM api_tokens WHERE token_id = ?",
                             (token_id,)).fetchone()
        return _info(row) if row else None

    def revoke(self, token_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL",
                       (clock.now().isoformat(), token_id))

    def use(self, secret: str) -> TokenInfo | None:
        """The token's record when it is valid now (not revoked, not expired), marked as used.
        The last use is written at most once a minute per token: a busy client costs no write
        per request."""
        moment = clock.now()
        now = moment.isoformat()
        with self._tx() as db:
            row = db.execute(
                f"SELECT {_COLUMNS} FROM api_tokens WHERE token_hash = ?"
                " AND revoked_at IS NULL AND expires_at > ?", (digest(secret), now),
            ).fetchone()
            if row is None:
                return None
            if row[6] is None or row[6] < (moment - LAST_USE_PRECISION).isoformat():
                db.execute("UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?", (now, row[0]))
                row = row[:6] + (now, None)
        return _info(row)

    def close(self) -> None:
        self._conn.close()
