"""Helpers for the write-side tests: the event log as data, and "refused, nothing recorded"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

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
