"""How an instant maps to a prefix of the log: timestamps never run backwards along the log by
more than CLOCK_TOLERANCE.

Every event is stamped by the server that writes it. Servers' clocks differ slightly and an
event is stamped a moment before it is written, so along the log a timestamp may lie a little
before an earlier event's; never more than CLOCK_TOLERANCE before the latest timestamp earlier in
the log. `verify` checks this for every event; the application checks it before each write (on
the real clock: `tracker.clock.frozen_at`, with which the demo and the tests write past histories
on purpose, is exempt), and a server whose clock is further behind is refused (`ClockBehind`).

So every event after position p is stamped at or after (latest timestamp up to p) - tolerance:
"as of T" for any T before that bound reads only events at or before p. In particular an append
after a seal never changes the plan as of an instant more than CLOCK_TOLERANCE before the
latest sealed timestamp. See docs/integrity.md.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from tracker.errors import DomainError

CLOCK_TOLERANCE = timedelta(seconds=60)
LOOK_BACK, MAX_LOOK_BACKS = 10, 100  # events read per step back from the head, at most that often
_STAMP = re.compile(rb'^\{"timestamp":\{"_type_":"datetime_iso","_data_":"([^"]+)"\}')  # as stored


class ClockBehind(DomainError):
    """This server's clock is behind the log by more than the tolerance: nothing was recorded."""


def parse_timestamp(text: str | None) -> datetime | None:
    """An ISO timestamp with its offset, or None when it is missing or unreadable."""
    if text is None:
        return None
    try:
        stamped = datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamped if stamped.tzinfo is not None else None


def state_timestamp(state: bytes) -> datetime | None:
    """The timestamp of a stored state (read without parsing the whole state when it comes first,
    as the library writes it)."""
    found = _STAMP.match(state)
    if found is not None:
        return parse_timestamp(found.group(1).decode("ascii", "replace"))
    try:
        value = json.loads(state).get("timestamp")
    except (ValueError, AttributeError):
        return None
    if isinstance(value, dict):
        value = value.get("_data_")
    return parse_timestamp(value) if isinstance(value, str) else None


def latest_timestamp(recorder: Any) -> datetime | None:
    """The latest timestamp in the log, read back from its head: events earlier than one stamped
    more than the tolerance before the latest seen cannot be later (the log keeps the rule)."""
    head = recorder.max_notification_id() or 0
    latest: datetime | None = None
    for _ in range(MAX_LOOK_BACKS):
        if head <= 0:
            break
        found = recorder.select_notifications(start=max(head - LOOK_BACK + 1, 1), limit=LOOK_BACK,
                                              stop=head)
        stamps = [s for s in (state_timestamp(n.state) for n in found) if s is not None]
        if stamps and (latest is None or max(stamps) > latest):
            latest = max(stamps)
        if latest is not None and any(s < latest - CLOCK_TOLERANCE for s in stamps):
            break
        head -= LOOK_BACK
    return latest


class LatestStamp:
    """The latest timestamp in a log, kept by one application between its writes: found once by
    `latest_timestamp`, then brought up to the head by reading only the events written since (by
    this process or any other). Under a steady stream of writes, every event of the last minute
    lies within the tolerance, so `latest_timestamp` alone would read hundreds of them back on
    each write; this reads the few new ones."""

    FORWARD = 500  # more new events than this since the last look: look back from the head instead

    def __init__(self) -> None:
        self._known: tuple[int, datetime | None] | None = None  # (position, latest up to it)
        self._lock = threading.Lock()

    def __call__(self, recorder: Any) -> datetime | None:
        head = recorder.max_notification_id() or 0
        with self._lock:
            known = self._known
        if known is None or not 0 <= head - known[0] <= self.FORWARD:
            latest = latest_timestamp(recorder)  # first use, a long gap, or a log that shrank
        else:
            latest = known[1]
            if head > known[0]:
                found = recorder.select_notifications(start=known[0] + 1, limit=self.FORWARD,
                                                      stop=head)
                stamps = [s for s in (state_timestamp(n.state) for n in found) if s is not None]
                if stamps and (latest is None or max(stamps) > latest):
                    latest = max(stamps)
        with self._lock:
            if self._known is None or head >= self._known[0]:
                self._known = (head, latest)
        return latest

    def saved(self, first: int, stamps: Sequence[datetime]) -> None:
        """This application just wrote events stamped `stamps` at positions `first` onwards:
        when they follow right after what is known, they are known too (the next write need not
        read them back)."""
        if not stamps:
            return
        with self._lock:
            if self._known is not None and self._known[0] == first - 1:
                latest = self._known[1]
                newest = max(stamps)
                self._known = (first + len(stamps) - 1,
                               newest if latest is None or newest > latest else latest)


def check_not_backdated(recorder: Any, stamps: Iterable[datetime],
                        latest_of: Any = latest_timestamp) -> None:
    """Refuse new events stamped more than the tolerance before the latest one in the log
    (`latest_of(recorder)`: `latest_timestamp`, or an application's `LatestStamp`)."""
    earliest = min(stamps, default=None)
    if earliest is None:
        return
    latest = latest_of(recorder)
    if latest is not None and earliest < latest - CLOCK_TOLERANCE:
        behind = (latest - earliest).total_seconds()
        raise ClockBehind(
            f"this server's clock ({earliest.isoformat()}) is {behind:,.0f} s behind the latest "
            f"event in the log ({latest.isoformat()}), more than the "
            f"{CLOCK_TOLERANCE.seconds} s allowed: nothing was recorded. Set the clock right "
            "(NTP) and try again"
        )
