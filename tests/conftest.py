"""Shared fixtures: the application on every storage backend, and a small organisation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from uuid import UUID

import pytest
from argon2 import PasswordHasher

from tracker import clock
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tests.postgres import fresh_schema
from tracker.domain import member_id
from tracker.postgres.accounts import shared_accounts

PASSWORD = "correct-horse"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
# Argon2 at its lowest cost: the tests check behaviour, not the hash's strength.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[datetime]:
    """Every test runs at a known instant; tests may nest `clock.frozen_at` to move on."""
    with clock.frozen_at(NOW):
        yield NOW


def make_app(backend: str, tmp_path: Path, postgres: dict[str, str] | None = None) -> CxTracker:
    """The application on `backend`: "memory", "sqlite" (files in tmp_path) or "postgres" (the
    library settings `postgres`, from `tests.postgres.fresh_schema`)."""
    if backend == "postgres":
        assert postgres is not None, "the postgres backend needs its settings"
        return CxTracker(env=postgres, accounts=shared_accounts(postgres, hasher=FAST_HASHER))
    if backend == "memory":
        env = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    else:
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.sqlite3")}
    return CxTracker(env=env, accounts=Accounts(tmp_path / "accounts.sqlite3", hasher=FAST_HASHER))


@pytest.fixture
def postgres_env() -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL schema for this test (skipped without PostgreSQL, failed under CI)."""
    with fresh_schema() as env:
        yield env


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> Iterator[tuple[str, dict[str, str] | None]]:
    """The event store's backend and, for PostgreSQL, the settings of this test's own schema."""
    if request.param == "postgres":
        with fresh_schema() as env:
            yield request.param, env
    else:
        yield request.param, None


@pytest.fixture
def app(backend: tuple[str, dict[str, str] | None], tmp_path: Path) -> Iterator[CxTracker]:
    """The application service, on in-memory storage, on an SQLite file and on PostgreSQL."""
    application = make_app(backend[0], tmp_path, backend[1])
    yield application
    application.close()


@dataclass
class Org:
    """A small plan: three departments, their leads, an executive and an auditor."""

    app: CxTracker
    cco: UUID
    support_lead: UUID
    it_lead: UUID
    sales_lead: UUID
    executive: UUID
    auditor: UUID

    def commitment(self, **overrides: object) -> UUID:
        fields = dict(
            department="customer-service", title="Answer every ticket within 4 hours",
            due_date="2026-06-30", owner="lead.customer-service@example.com",
        )
        fields.update(overrides)
        actor = fields.pop("actor", self.support_lead)
        return self.app.make_commitment(actor, **fields).id  # type: ignore[arg-type]


def build_org(app: CxTracker) -> Org:
    app.initialise(plan_name="Acme CX plan", vision="Customers never chase us.",
                   email="cco@example.com", name="Cara Cole", password=PASSWORD)
    cco = member_id("cco@example.com")
    for slug, name in (("customer-service", "Customer Service"), ("it", "IT"), ("sales", "Sales")):
        app.add_department(cco, slug, name)
        app.register_member(cco, email=f"lead.{slug}@example.com", name=f"{name} Lead",
                            password=PASSWORD, role="lead", department=slug)
    app.register_member(cco, email="ceo@example.com", name="Eve Exec", password=PASSWORD, role="executive")
    app.register_member(cco, email="auditor@example.com", name="Al Audit", password=PASSWORD, role="auditor")
    app.define_journey(cco, "support", "Support", "customer-service")
    app.define_kpi(cco, key="nps", name="Net Promoter Score", unit="points", baseline=12,
                   target=30, target_date="2026-12-31")
    return Org(
        app=app, cco=cco,
        support_lead=member_id("lead.customer-service@example.com"),
        it_lead=member_id("lead.it@example.com"),
        sales_lead=member_id("lead.sales@example.com"),
        executive=member_id("ceo@example.com"),
        auditor=member_id("auditor@example.com"),
    )


@pytest.fixture
def org(app: CxTracker) -> Org:
    return build_org(app)
