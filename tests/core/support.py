"""Helpers for the write-side tests: the event log as data, and "refused, nothing recorded"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FAST_HASHER
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.errors import DomainError, Invalid

LogEntry = tuple[int, Any, int, str, bytes]


def event_log(app: CxTracker) -> list[LogEntry]:
    """Every stored event, in log order, as plain comparable data."""
    return [
        (n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state))
        for n in app.recorder.select_notifications(start=1, limit=10**6)
    ]


def decoded_events(app: CxTracker, start: int = 1) -> list[Any]:
    """The domain events from position `start` on, decoded (and upcast) by the application."""
    return [
        app.mapper.to_domain_event(n)
        for n in app.recorder.select_notifications(start=start, limit=10**6)
    ]


@contextmanager
def refused(
    app: CxTracker, error: type[DomainError], field: str | None = None
) -> Iterator[pytest.ExceptionInfo[DomainError]]:
    """The block raises `error` (an `Invalid` naming exactly `field`) and records nothing."""
    head_before = app.recorder.max_notification_id()
    log_before = event_log(app)
    with pytest.raises(error) as caught:
        yield caught
    if field is not None:
        assert isinstance(caught.value, Invalid)
        assert set(caught.value.errors) == {field}, caught.value.errors
    assert app.recorder.max_notification_id() == head_before
    assert event_log(app) == log_before


# The stored v1 history (tests/fixtures/make_v1_store.py made it): it must keep replaying.
FIXTURE = Path(__file__).parents[1] / "fixtures" / "events-v1.sqlite3"


def open_store(path: Path) -> CxTracker:
    """The application on a SQLite event store at `path` (accounts in memory)."""
    return CxTracker(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)},
        accounts=Accounts(":memory:", hasher=FAST_HASHER),
    )


def commitments(app: CxTracker) -> dict[str, dict[str, object]]:
    """Every commitment of the store, by title."""
    ids = {n.originator_id for n in app.recorder.select_notifications(start=1, limit=10**6)
           if n.topic == "cx-tracker/commitment/Made"}
    found = [app.commitment(i) for i in ids]
    return {str(c["title"]): c for c in found}
