"""Instants as auditors type them, and where an instant falls in the log.

- A date (`2026-03-01`) means the END of that day in UTC (2026-03-01T23:59:59.999999Z): the plan
  as it stood when the day was over.
- A date-time with an offset (`2026-03-01T12:00+01:00`, `...Z`) is that instant.
- A date-time without an offset (`2026-03-01T12:00`, what a browser's datetime-local input
  sends) is read as UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlite_utils import Database

from projections.instants import instant_text

END_OF_DAY = time(23, 59, 59, 999999)
FORMS = "YYYY-MM-DD (end of that day, UTC), YYYY-MM-DDTHH:MM[:SS] (UTC) or with an offset"


def parse_audit_instant(value: str) -> datetime:
    """An aware UTC datetime from an auditor's text, or ValueError saying what is accepted."""
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), END_OF_DAY, timezone.utc)
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise ValueError(f"{value!r} is not an instant: use {FORMS}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def log_position(db: Database, moment: datetime) -> int:
    """The position of the last event stamped at or before `moment` (0: none)."""
    found = db.execute(
        "SELECT position FROM timeline WHERE at <= ? ORDER BY at DESC, position DESC LIMIT 1",
        [instant_text(moment)],
    ).fetchone()
    return found[0] if found else 0
