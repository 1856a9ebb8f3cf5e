"""Login secrets, kept outside the event log.

Password hashes are argon2id (argon2-cffi, the maintained binding of the reference
implementation). Login sessions live here too, server-side: the browser holds a random token and
only its SHA-256 is stored. Each member has a session epoch; bumping it (deactivation, a revoked
role, a new password) ends all of that member's sessions on their next request. A session also
ends when it has been idle, or open, longer than its limits (SessionLimits); ended sessions are
pruned whenever someone signs in or out.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote
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
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    member_id TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT
);
CREATE INDEX IF NOT EXISTS sessions_by_member ON sessions (member_id);
CREATE TABLE IF NOT EXISTS password_links (
    token_hash TEXT PRIMARY KEY,
    member_id TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
"""
# The stored "hash" of an account whose member has not set a password yet: no password matches it.
NO_PASSWORD = "!unset"
PASSWORD_LINK_LIFETIME = timedelta(days=3)
# A session's last use is written at most this often, so reading pages does not write every time.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionLimits:
    """A session ends after `idle` without a request, and `absolute` after sign-in regardless."""

    idle: timedelta = timedelta(hours=12)
    absolute: timedelta = timedelta(days=7)


def check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid.field("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")


def wall_clock() -> datetime:
    """Sessions live in real time, whatever instant the events of a demo or test are stamped with."""
    return datetime.now(timezone.utc)


def _stamp(instant: datetime) -> str:
    """A UTC instant as text that sorts in time order (the same width every time)."""
    return instant.isoformat(timespec="microseconds")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """The accounts store: an SQLite file (or ":memory:") beside the event store. Thread-safe."""

    def __init__(self, path: str | Path, hasher: PasswordHasher | None = None,
                 now: Callable[[], datetime] = wall_clock, read_only: bool = False) -> None:
        """`read_only`: a store in a copy we may not write (an auditor's): read, never written."""
        self.now = now
        self._lock = threading.Lock()
        self._hasher = hasher or PasswordHasher()
        self._dummy: str | None = None  # made on first use: opening the store stays cheap
        if read_only:
            uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
            self._conn = sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False)
            return
        self._conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
        if str(path) != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
        with self._tx() as db:
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(sessions)")}
            if "last_seen" not in columns:  # a store from before sessions expired
                db.execute("ALTER TABLE sessions ADD COLUMN last_seen TEXT")

    def _dummy_hash(self) -> str:
        """A hash to verify against for unknown e-mails, so they take as long as known ones."""
        if self._dummy is None:
            self._dummy = self._hasher.hash("not a real password")
        return self._dummy

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """The shared connection, one thread at a time, committing on success."""
        with self._lock, self._conn:
            yield self._conn

    def set_password(self, member_id: UUID, email: str, password: str) -> None:
        """Set (or replace) a member's password; replacing it ends their other sessions."""
        check_password(password)
        password_hash = self._hasher.hash(password)
        with self._tx() as db:
            db.execute(
                "INSERT INTO accounts (member_id, email, password_hash, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(member_id) DO UPDATE SET"
                " password_hash = excluded.password_hash, updated_at = excluded.updated_at,"
                " session_epoch = session_epoch + 1",
                (str(member_id), email.lower(), password_hash, _stamp(self.now())),
            )

    def add_without_password(self, member_id: UUID, email: str) -> None:
        """An account nobody can sign in to until its member sets a password with a link."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO accounts (member_id, email, password_hash, updated_at) VALUES (?, ?, ?, ?)",
                (str(member_id), email.lower(), NO_PASSWORD, _stamp(self.now())),
            )

    def matches(self, member_id: UUID, password: str) -> bool:
        """Whether `password` is this member's current password."""
        with self._tx() as db:
            row = db.execute(
                "SELECT password_hash FROM accounts WHERE member_id = ?", (str(member_id),)
            ).fetchone()
        try:
            return bool(row) and self._hasher.verify(row[0], password)
        except (VerificationError, InvalidHashError):
            return False

    def issue_password_link(self, member_id: UUID, lifetime: timedelta = PASSWORD_LINK_LIFETIME) -> str:
        """A one-time token to set this member's password, valid for `lifetime`; only its SHA-256
        is kept, and it replaces the member's earlier links."""
        token = secrets.token_urlsafe(32)
        with self._tx() as db:
            db.execute("DELETE FROM password_links WHERE member_id = ? OR expires_at < ?",
                       (str(member_id), _stamp(self.now())))
            db.execute("INSERT INTO password_links VALUES (?, ?, ?)",
                       (_digest(token), str(member_id), _stamp(self.now() + lifetime)))
        return token

    def password_link_member(self, token: str) -> UUID | None:
        """The member a set-password token is for, while it is unused and unexpired."""
        with self._tx() as db:
            row = db.execute(
                "SELECT member_id FROM password_links WHERE token_hash = ? AND expires_at >= ?",
                (_digest(token), _stamp(self.now())),
            ).fetchone()
        return UUID(row[0]) if row else None

    def use_password_link(self, token: str, member_id: UUID) -> bool:
        """Spend the token (once): True when it was still valid for this member."""
        with self._tx() as db:
            spent = db.execute(
                "DELETE FROM password_links WHERE token_hash = ? AND member_id = ? AND expires_at >= ?",
                (_digest(token), str(member_id), _stamp(self.now())),
            ).rowcount
        return spent == 1

    def verify(self, email: str, password: str) -> UUID | None:
        """The member id when the password matches, else None (in about the same time)."""
        with self._tx() as db:
            row = db.execute(
                "SELECT member_id, password_hash FROM accounts WHERE email = ?", (email.lower(),)
            ).fetchone()
        stored = row[1] if row else self._dummy_hash()
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if self._hasher.check_needs_rehash(stored):
            rehashed = self._hasher.hash(password)
            with self._tx() as db:
                db.execute(
                    "UPDATE accounts SET password_hash = ? WHERE member_id = ?", (rehashed, row[0])
                )
        return UUID(row[0])

    def session_epoch(self, member_id: UUID) -> int | None:
        with self._tx() as db:
            row = db.execute(
                "SELECT session_epoch FROM accounts WHERE member_id = ?", (str(member_id),)
            ).fetchone()
        return row[0] if row else None

    def end_sessions(self, member_id: UUID) -> None:
        """Invalidate every login session of this member."""
        with self._tx() as db:
            db.execute(
                "UPDATE accounts SET session_epoch = session_epoch + 1 WHERE member_id = ?",
                (str(member_id),),
            )
            db.execute("DELETE FROM sessions WHERE member_id = ?", (str(member_id),))

    def open_session(self, member_id: UUID, limits: SessionLimits = SessionLimits()) -> str:
        """A new login session; returns the token the browser keeps. Ended sessions are pruned."""
        token = secrets.token_urlsafe(32)
        with self._tx() as db:
            row = db.execute(
                "SELECT session_epoch FROM accounts WHERE member_id = ?", (str(member_id),)
            ).fetchone()
            if row is None:
                raise LookupError(f"no account for member {member_id}")
            now = _stamp(self.now())
            db.execute(
                "INSERT INTO sessions (token_hash, member_id, epoch, created_at, last_seen)"
                " VALUES (?, ?, ?, ?, ?)",
                (_digest(token), str(member_id), row[0], now, now),
            )
            self._prune(db, limits)
        return token

    def session_member(self, token: str, limits: SessionLimits = SessionLimits()) -> UUID | None:
        """The member a session token belongs to, while that session is still valid (not ended,
        not idle longer than `limits.idle`, not older than `limits.absolute`)."""
        digest, now = _digest(token), self.now()
        with self._tx() as db:
            row = db.execute(
                "SELECT s.member_id, s.created_at, coalesce(s.last_seen, s.created_at)"
                " FROM sessions s JOIN accounts a ON a.member_id = s.member_id"
                " WHERE s.token_hash = ? AND s.epoch = a.session_epoch",
                (digest,),
            ).fetchone()
            if row is None:
                return None
            created, seen = datetime.fromisoformat(row[1]), datetime.fromisoformat(row[2])
            if now - created > limits.absolute or now - seen > limits.idle:
                db.execute("DELETE FROM sessions WHERE token_hash = ?", (digest,))
                return None
            if now - seen >= TOUCH_EVERY:
                db.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (_stamp(now), digest))
        return UUID(row[0])

    def close_session(self, token: str, limits: SessionLimits = SessionLimits()) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))
            self._prune(db, limits)

    def _prune(self, db: sqlite3.Connection, limits: SessionLimits) -> None:
        """Delete sessions that have ended: past a limit, or of an older session epoch."""
        now = self.now()
        db.execute(
            "DELETE FROM sessions WHERE created_at < ? OR coalesce(last_seen, created_at) < ?"
            " OR epoch < (SELECT session_epoch FROM accounts a WHERE a.member_id = sessions.member_id)",
            (_stamp(now - limits.absolute), _stamp(now - limits.idle)),
        )

    def session_count(self) -> int:
        with self._tx() as db:
            return int(db.execute("SELECT count(*) FROM sessions").fetchone()[0])

    def emails(self) -> list[str]:
        with self._tx() as db:
            return [r[0] for r in db.execute("SELECT email FROM accounts ORDER BY email")]

    def close(self) -> None:
        self._conn.close()
