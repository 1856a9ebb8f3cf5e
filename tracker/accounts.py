"""Login secrets, kept outside the event log.

Password hashes are argon2id (argon2-cffi, the reference implementation's maintained binding).
The store also keeps a per-member session epoch: bumping it invalidates every login session of
that member on the next request (logout everywhere, deactivation, role changes).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tracker.errors import Invalid

MIN_PASSWORD_LENGTH = 8

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    member_id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    session_epoch INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
)
"""


def check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid.field("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")


class Accounts:
    """The accounts store: an SQLite file (or ":memory:") beside the event store."""

    def __init__(self, path: str | Path, hasher: PasswordHasher | None = None) -> None:
        self._db = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
        if str(path) != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        with self._db:
            self._db.execute(_SCHEMA)
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash = self._hasher.hash("not a real password")

    def set_password(self, member_id: UUID, email: str, password: str) -> None:
        check_password(password)
        now = datetime.now(timezone.utc).isoformat()
        with self._db:
            self._db.execute(
                "INSERT INTO accounts (member_id, email, password_hash, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(member_id) DO UPDATE SET"
                " password_hash = excluded.password_hash, updated_at = excluded.updated_at,"
                " session_epoch = session_epoch + 1",
                (str(member_id), email.lower(), self._hasher.hash(password), now),
            )

    def verify(self, email: str, password: str) -> UUID | None:
        """The member id when the password matches, else None (in about the same time)."""
        row = self._db.execute(
            "SELECT member_id, password_hash FROM accounts WHERE email = ?", (email.lower(),)
        ).fetchone()
        stored = row[1] if row else self._dummy_hash
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if self._hasher.check_needs_rehash(stored):
            with self._db:
                self._db.execute(
                    "UPDATE accounts SET password_hash = ? WHERE member_id = ?",
                    (self._hasher.hash(password), row[0]),
                )
        return UUID(row[0])

    def session_epoch(self, member_id: UUID) -> int | None:
        row = self._db.execute(
            "SELECT session_epoch FROM accounts WHERE member_id = ?", (str(member_id),)
        ).fetchone()
        return row[0] if row else None

    def end_sessions(self, member_id: UUID) -> None:
        """Invalidate every login session of this member."""
        with self._db:
            self._db.execute(
                "UPDATE accounts SET session_epoch = session_epoch + 1 WHERE member_id = ?",
                (str(member_id),),
            )

    def emails(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT email FROM accounts ORDER BY email")]

    def close(self) -> None:
        self._db.close()
