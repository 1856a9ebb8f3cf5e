"""Read models built by the real runner from events recorded through the real application: the
org, its views, a movable clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from uuid import UUID

import pytest
from sqlite_utils import Database

from projections.database import open_views
from projections.runner import Runner
from projections.views import all_views
from tests.conftest import PASSWORD, Org
from tracker import clock
from tracker.domain import member_id

SUPPORT, IT, SALES = "customer-service", "it", "sales"


@dataclass
class Views:
    """The org and its read models; `sync()` catches the views up with the log."""

    org: Org
    db: Database
    runner: Runner

    def sync(self) -> Database:
        self.runner.catch_up()
        return self.db


@pytest.fixture
def views(org: Org) -> Iterator[Views]:
    db = open_views(":memory:")
    # Small batches, so that events saved together (a roadblock and its help request) straddle
    # batch boundaries too.
    yield Views(org, db, Runner(org.app, db, all_views(), batch_size=5))
    db.close()


def utc(*parts: int) -> datetime:
    """A UTC instant: utc(2026, 3, 10, 10) is 2026-03-10 10:00 UTC."""
    return datetime(*parts, tzinfo=timezone.utc)  # type: ignore[misc]


def at(day: str, time: str = "09:00") -> AbstractContextManager[None]:
    """Stamp the events recorded inside the block at `day` `time` UTC."""
    return clock.frozen_at(datetime.fromisoformat(f"{day}T{time}:00+00:00"))


def d(day: str) -> date:
    return date.fromisoformat(day)


def add_member(org: Org, email: str, name: str, role: str = "lead",
               department: str | None = "customer-service") -> UUID:
    """A member who can own commitments: by default a second lead of customer service."""
    org.app.register_member(org.cco, email=email, name=name, password=PASSWORD, role=role,
                            department=department if role == "lead" else None)
    return member_id(email)


def sid(value: UUID) -> str:
    """Ids as the read models store them."""
    return str(value)
