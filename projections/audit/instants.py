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
from tracker.domain.rules import DATE_RANGE, EARLIEST_DATE, LATEST_DATE

END_OF_DAY = time(23, 59, 59, 999999)
FORMS = "YYYY-MM-DD (end of that day, UTC), YYYY-MM-DDTHH:MM[:SS] (UTC) or with an offset"
# The instants an auditor may ask about: the domain's window of business dates (UTC), so that
# every day arithmetic of an as-of page or a period bound stays within the calendar.
FIRST_INSTANT = datetime.combine(EARLIEST_DATE, time(), timezone.utc)
LAST_INSTANT = datetime.combine(LATEST_DATE, END_OF_DAY, timezone.utc)
OUTSIDE = f"is outside the instants this product keeps ({DATE_RANGE}, UTC)"


def parse_audit_instant(value: str) -> datetime:
    """An aware UTC datetime from an auditor's text, or ValueError saying what is accepted."""
    text = value.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), END_OF_DAY, timezone.utc)
        else:
            moment = datetime.fromisoformat(text.replace("z", "Z"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            moment = moment.astimezone(timezone.utc)
    except ValueError:
        raise ValueError(f"{value!r} is not an instant: use {FORMS}") from None
    except OverflowError:  # an offset that moves the instant off the calendar
        raise ValueError(f"{value!r} {OUTSIDE}") from None
    return within_window(value, moment)


def parse_day(value: str) -> date:
    """A date (YYYY-MM-DD) within the window, or ValueError."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(f"{value!r} {OUTSIDE}")
    return day


def within_window(value: str, moment: datetime) -> datetime:
    if not FIRST_INSTANT <= moment <= LAST_INSTANT:
        raise ValueError(f"{value!r} {OUTSIDE}")
    return moment


def log_position(db: Database, moment: datetime) -> int:
    """The position of the last event stamped at or before `moment` (0: none)."""
    found = db.execute(
        "SELECT position FROM timeline WHERE at <= ? ORDER BY at DESC, position DESC LIMIT 1",
        [instant_text(moment)],
    ).fetchone()
    return found[0] if found else 0
