"""Ownership periods: who owned a commitment from when to when, and why it changed hands.

Each period has `since` and `until` (ISO instants, UTC; `until` is None while current) and the
`reason` given for the handover that started it (None for the first period, from the making).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from sqlite_utils import Database

_SELECT = """
SELECT p.commitment_id, p.seq, p.department, p.owner_id, m.name AS owner_name,
    m.email AS owner_email, p.since, p.until, p.reason, p.assigned_by
FROM ownership_periods p LEFT JOIN members m ON m.id = p.owner_id
"""


def periods(db: Database, commitment_id: UUID | str) -> list[dict[str, Any]]:
    """A commitment's ownership periods, first to current."""
    return list(db.query(_SELECT + " WHERE p.commitment_id = ? ORDER BY p.seq",
                         [str(commitment_id)]))


def periods_of(db: Database, owner_id: UUID | str) -> list[dict[str, Any]]:
    """Every period in which this member owned a commitment, oldest first."""
    return list(db.query(_SELECT + " WHERE p.owner_id = ? ORDER BY p.since, p.commitment_id",
                         [str(owner_id)]))


def owner_at(db: Database, commitment_id: UUID | str, instant: datetime) -> dict[str, Any] | None:
    """The period in force at `instant` (a period includes its start, excludes its end)."""
    at = instant.astimezone(timezone.utc).isoformat()
    rows = list(db.query(
        _SELECT + " WHERE p.commitment_id = ? AND p.since <= ? AND (p.until IS NULL OR p.until > ?)"
        " ORDER BY p.seq DESC LIMIT 1",
        [str(commitment_id), at, at],
    ))
    return rows[0] if rows else None
