"""Fixtures for the auditors' side: the demo organisation's log with its read models, read-model
databases built from a prefix of a log (the replay the as-of queries are checked against), and a
small organisation on in-memory storage for hand-written sequences."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database

from projections.database import open_views
from projections.runner import Runner
from projections.views import all_views
from tests.cli.support import DEMO_DAY
from tests.conftest import FAST_HASHER, Org, build_org, make_app
from tests.postgres import fresh_schema
from tests.projections_property.replay import Entry, read_log
import tracker.accounts
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.demo import seed


@pytest.fixture(scope="session", autouse=True)
def fast_hashing() -> Iterator[None]:
    """Accounts opened by the commands and the bundle hash at argon2's lowest cost (opening an
    accounts store computes a hash; its strength is not under test here)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tracker.accounts, "PasswordHasher", lambda: FAST_HASHER)
        yield


@dataclass
class Demo:
    """The demo organisation's log, decoded, and its read models caught up."""

    app: CxTracker
    db: Database
    entries: list[Entry]

    def position_at(self, moment: datetime) -> int:
        """The last position stamped at or before `moment`, from the log itself."""
        return max((e.position for e in self.entries if e.timestamp <= moment), default=0)

    def replayed(self, moment: datetime) -> Database:
        """Fresh read models built from the log up to `moment` only: the plan as it then was."""
        return views_until(self.app, self.position_at(moment))


def views_until(app: CxTracker, position: int) -> Database:
    db = open_views(":memory:")
    if position:
        Runner(app, db, all_views()).catch_up(until=position)
    else:
        Runner(app, db, all_views()).prepare()
    return db


@pytest.fixture(scope="session")
def demo() -> Iterator[Demo]:
    app = CxTracker(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                    accounts=Accounts(":memory:", hasher=FAST_HASHER))
    seed(app, today=DEMO_DAY)
    db = open_views(":memory:")
    Runner(app, db, all_views()).catch_up()
    yield Demo(app, db, read_log(app))
    db.close()
    app.close()


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Org]:
    """The small organisation of tests/conftest.py, on in-memory storage."""
    app = make_app("memory", tmp_path)
    yield build_org(app)
    app.close()


def caught_up(app: CxTracker) -> Database:
    db = open_views(":memory:")
    Runner(app, db, all_views()).catch_up()
    return db


def instants(demo: Demo) -> list[datetime]:
    """Between events, exactly at an event's timestamp, before anything, and after everything."""
    stamps = sorted({e.timestamp for e in demo.entries})
    made = [e.timestamp for e in demo.entries if e.kind == "Made"]
    resolved = [e.timestamp for e in demo.entries if e.kind == "RoadblockResolved"]
    return [
        stamps[0] - timedelta(seconds=1),
        stamps[0],
        made[len(made) // 2],
        made[len(made) // 2] - timedelta(microseconds=1),
        resolved[1],
        stamps[len(stamps) * 2 // 3] + timedelta(minutes=7),
        datetime(2026, 9, 15, 23, 59, 59, 999999, tzinfo=timezone.utc),
        stamps[-1] + timedelta(days=3),
    ]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def audit_store(request: pytest.FixtureRequest) -> Iterator[dict[str, str] | None]:
    """The event store the module's installation is written to: None for an SQLite data
    directory, else the settings of a fresh PostgreSQL schema, set in the environment for the
    module (as an operator sets them, so the commands and the web find it). Skipped with a reason
    without PostgreSQL, failed under CI=true (tests/postgres.py)."""
    if request.param == "sqlite":
        yield None
        return
    with fresh_schema() as env, pytest.MonkeyPatch.context() as patch:
        for name in ("CXTRACKER_PERSISTENCE_MODULE", "SQLITE_DBNAME", "CXTRACKER_SQLITE_DBNAME"):
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        yield env


def store_app(data: Path, postgres: dict[str, str] | None) -> CxTracker:
    """The application on the module's store (see `audit_store`), its SQLite files in `data`."""
    if postgres is not None:
        return make_app("postgres", data, postgres)
    return CxTracker(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                          "SQLITE_DBNAME": str(data / "events.sqlite3")},
                     accounts=Accounts(data / "accounts.sqlite3", hasher=FAST_HASHER))
