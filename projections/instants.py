"""Instants as the read models store them: fixed-width ISO 8601 text in UTC with microseconds
("2026-03-02T09:00:00.000000+00:00"), so that comparing the text compares the time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone


def instant_text(moment: datetime) -> str:
    """The stored form of an aware datetime."""
    if moment.tzinfo is timezone.utc:  # the log's timestamps: no conversion
        return moment.isoformat(timespec="microseconds")
    if moment.tzinfo is None:
        raise ValueError("the instant must be timezone-aware")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_instant(value: datetime | str) -> datetime:
    """An aware datetime from a datetime or an ISO 8601 string ("Z" allowed); naive is refused,
    because an instant without a time zone is ambiguous."""
    moment = datetime.fromisoformat(value.strip()) if isinstance(value, str) else value
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError(f"not a timezone-aware instant: {value!r}")
    return moment.astimezone(timezone.utc)


def start_of(value: datetime | date | str) -> str:
    """The stored form of a lower bound: a date means the start of that day (UTC)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return instant_text(datetime.combine(value, time(), timezone.utc))
    return instant_text(parse_instant(value))


def end_of(value: datetime | date | str) -> tuple[str, bool]:
    """An upper bound and whether it is inclusive: a date means up to (excluding) the next day."""
    if isinstance(value, date) and not isinstance(value, datetime):
        next_day = datetime.combine(value + timedelta(days=1), time(), timezone.utc)
        return instant_text(next_day), False
    return instant_text(parse_instant(value)), True
