"""Helpers for the integrity tests: opening a data directory, tampering with its event store."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, time, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg

from tests.cli.support import DEMO_DAY, cx
from tests.conftest import FAST_HASHER, make_app
from tests.postgres import dsn
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.domain import member_id

# The demo's history ends before DEMO_DAY; events appended later in a test must not be stamped
# before it (tests run at conftest.NOW, months earlier), or verify rightly calls them backdated.
AFTER_DEMO = datetime.combine(DEMO_DAY, time(12), tzinfo=timezone.utc)


def sqlite_app(data: Path) -> CxTracker:
    return CxTracker(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(data / "events.sqlite3")},
        accounts=Accounts(data / "accounts.sqlite3", hasher=FAST_HASHER),
    )


def tamper(data: Path, *statements: str) -> None:
    """Change the event store behind the application's back, as an attacker with file access could."""
    db = sqlite3.connect(data / "events.sqlite3")
    try:
        with db:
            for statement in statements:
                db.execute(statement)
    finally:
        db.close()


def stored_row(data: Path, position: int) -> tuple[str, int, str, bytes]:
    db = sqlite3.connect(data / "events.sqlite3")
    try:
        return db.execute("SELECT originator_id, originator_version, topic, state FROM stored_events"
                          " WHERE rowid = ?", (position,)).fetchone()
    finally:
        db.close()


def seal(data: Path) -> dict[str, Any]:
    result = cx("seal", "--data", data)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def head(data: Path) -> int:
    db = sqlite3.connect(data / "events.sqlite3")
    try:
        return db.execute("SELECT max(rowid) FROM stored_events").fetchone()[0]
    finally:
        db.close()


def first_commitment(data: Path) -> UUID:
    db = sqlite3.connect(data / "events.sqlite3")
    try:
        found = db.execute("SELECT originator_id FROM stored_events WHERE topic = ? ORDER BY rowid"
                           " LIMIT 1", ("cx-tracker/commitment/Made",)).fetchone()[0]
    finally:
        db.close()
    return UUID(found)


def note_something(data: Path, text: str = "Checked by the auditors") -> None:
    """Append one legitimate event (a CCO's note) through the application."""
    app = sqlite_app(data)
    try:
        app.add_note(member_id("cco@example.com"), first_commitment(data), text=text)
    finally:
        app.close()


@dataclass(frozen=True)
class Store:
    """An installation on one event store, as the integrity commands see it: `data` is the data
    directory to pass to `--data`; `env` the PostgreSQL settings (None for SQLite)."""

    kind: str  # "sqlite" or "postgres"
    data: Path
    env: dict[str, str] | None

    def app(self) -> CxTracker:
        if self.env is None:
            return sqlite_app(self.data)
        return make_app("postgres", self.data, self.env)

    def tamper(self, statement: str, *params: Any) -> None:
        """Run SQL on the event store behind the application's back. `{events}` names its table
        and `{position}` its position column (SQLite's rowid, PostgreSQL's notification_id)."""
        if self.env is None:
            tamper_with_params(self.data, statement.format(events="stored_events", position="rowid"), params)
            return
        with psycopg.connect(dsn(), autocommit=True) as conn:
            conn.execute(sql_text(f"SET search_path TO {self.env['POSTGRES_SCHEMA']}"))
            conn.execute(sql_text(statement.format(events="cxtracker_events", position="notification_id")
                                  .replace("?", "%s")), params)

    def replace_in_state(self, position: int, old: str, new: str) -> None:
        """Edit the stored state's JSON text at `position` (its bytes, as an attacker would)."""
        if self.env is None:
            self.tamper("UPDATE {events} SET state = CAST(replace(CAST(state AS TEXT), ?, ?) AS BLOB)"
                        " WHERE {position} = ?", old, new, position)
        else:
            self.tamper("UPDATE {events} SET state = convert_to(replace(convert_from(state, 'UTF8'),"
                        " ?, ?), 'UTF8') WHERE {position} = ?", old, new, position)

    def query(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of a query on the shared schema (PostgreSQL only)."""
        assert self.env is not None
        with psycopg.connect(dsn(), autocommit=True) as conn:
            conn.execute(sql_text(f"SET search_path TO {self.env['POSTGRES_SCHEMA']}"))
            return conn.execute(sql_text(statement.replace("?", "%s")), params).fetchall()


def sql_text(statement: str) -> Any:
    from psycopg import sql

    return sql.SQL(statement)  # type: ignore[arg-type]


def tamper_with_params(data: Path, statement: str, params: tuple[Any, ...]) -> None:
    db = sqlite3.connect(data / "events.sqlite3")
    try:
        with db:
            db.execute(statement, params)
    finally:
        db.close()
