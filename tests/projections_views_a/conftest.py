"""Fixtures for the board, history and timeline read models: the org, its views, a movable clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest
from sqlite_utils import Database

from projections.database import open_views
from projections.runner import Runner
from projections.views import all_views
from tests.conftest import Org


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
