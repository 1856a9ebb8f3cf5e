"""Helpers for the integrity tests: opening a data directory, tampering with its event store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from tests.cli.support import cx
from tests.conftest import FAST_HASHER
from tracker.accounts import Accounts
from tracker.application import CxTracker


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
