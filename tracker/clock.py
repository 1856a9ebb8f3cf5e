"""The time that events are stamped with.

Event timestamps come from the event library (UTC). The demo and tests need a history that spans
months, so the clock can be set for the duration of a `with` block; nothing else changes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta, timezone

_fixed_now: ContextVar[datetime | None] = ContextVar("fixed_now", default=None)
_offset: ContextVar[timedelta] = ContextVar("offset", default=timedelta(0))


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    fixed = _fixed_now.get()
    return fixed if fixed is not None else datetime.now(timezone.utc) + _offset.get()


def is_frozen() -> bool:
    """True inside `frozen_at`: a past history is being written on purpose (demo, tests)."""
    return _fixed_now.get() is not None


def today() -> date:
    return now().date()


@contextmanager
def frozen_at(instant: datetime) -> Iterator[None]:
    """Stamp every event created inside the block with `instant`."""
    if instant.tzinfo is None:
        raise ValueError("the instant must be timezone-aware")
    token = _fixed_now.set(instant.astimezone(timezone.utc))
    try:
        yield
    finally:
        _fixed_now.reset(token)


@contextmanager
def skewed(offset: timedelta) -> Iterator[None]:
    """The real clock, off by `offset`, as on a server whose clock is slightly wrong (tests)."""
    fixed, moved = _fixed_now.set(None), _offset.set(offset)
    try:
        yield
    finally:
        _offset.reset(moved)
        _fixed_now.reset(fixed)
