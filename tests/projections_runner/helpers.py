"""Stores, views and comparisons shared by the runner's tests (and its worker processes)."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from eventsourcing.persistence import StoredEvent
from sqlite_utils import Database

from projections.database import open_views
from projections.facts import Fact
from projections.runner import Runner
from projections.view import View
from projections.views import all_views
from projections.views.directory import Directory
from tests.conftest import NOW, Org, build_org, make_app
from tracker import clock
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.domain import member_id

Dump = dict[str, list[tuple[Any, ...]]]


class ApplyLog(View):
    """One row per fact applied, with no key: a fact applied twice shows up as a duplicate."""

    name = "apply_log"
    version = 1
    tables = ("apply_log",)

    def create(self, db: Database) -> None:
        db.execute("CREATE TABLE apply_log (position INTEGER NOT NULL, key TEXT NOT NULL)")

    def apply(self, db: Database, fact: Fact) -> None:
        db.execute("INSERT INTO apply_log VALUES (?, ?)", [fact.position, fact.key])


def applied_positions(db: Database) -> list[int]:
    return [r[0] for r in db.execute("SELECT position FROM apply_log ORDER BY position, rowid")]


def dump(db: Database) -> Dump:
    """Every table's rows (ordered by all columns) and the schema: equal dumps, equal views."""
    result: Dump = {
        "sqlite_master": db.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    }
    for table in sorted(db.table_names()):
        if table.startswith("sqlite_stat"):
            continue
        columns = len(db.execute(f"SELECT * FROM [{table}] LIMIT 0").description)
        order = ", ".join(str(i) for i in range(1, columns + 1))
        result[table] = db.execute(f"SELECT * FROM [{table}] ORDER BY {order}").fetchall()
    return result


def dump_file(path: Path) -> Dump:
    db = Database(sqlite3.connect(str(path)))
    try:
        return dump(db)
    finally:
        db.close()


def differences(a: Dump, b: Dump) -> list[str]:
    """Which tables differ, with row counts: a readable assertion message."""
    return [
        f"{t}: {len(a.get(t, []))} rows vs {len(b.get(t, []))}"
        for t in sorted(set(a) | set(b)) if a.get(t) != b.get(t)
    ]


def sqlite_app(events: Path) -> CxTracker:
    """The application on an existing (or new) SQLite event store."""
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(events)}
    return CxTracker(env=env, accounts=Accounts(":memory:"))


def add_activity(org: Org, *, commitments: int, until: int, seed: int = 7) -> None:
    """Commitments and a seeded day-to-day mix of commands, through the service, until the log
    holds `until` events. Each command happens a minute after the previous one."""
    app, rnd, step = org.app, random.Random(seed), 0
    leads = {"customer-service": org.support_lead, "it": org.it_lead, "sales": org.sales_lead}
    departments = list(leads)
    open_: list[tuple[Any, str]] = []
    roadblocks: dict[Any, tuple[str, str | None]] = {}

    def at() -> Any:
        return clock.frozen_at(NOW + timedelta(minutes=step))

    def make(i: int) -> None:
        department = departments[i % len(departments)]
        with at():
            receipt = app.make_commitment(
                leads[department], department=department, title=f"Commitment number {i}",
                due_date=date(2026, 6, 1) + timedelta(days=i % 120),
                owner=f"lead.{department}@example.com", journey="support" if i % 4 == 0 else None,
                kpi="nps" if i % 5 == 0 else None,
            )
        open_.append((receipt.id, department))

    made = 0
    for made in range(commitments):
        make(made)
        step += 1
    while app.head() < until:
        step += 1
        if len(open_) < commitments // 2:
            made += 1
            make(made)
            continue
        cid, department = rnd.choice(open_)
        lead, roll = leads[department], rnd.random()
        with at():
            if roll < 0.8:
                app.report_progress(lead, cid, percent=rnd.randint(0, 99), note=f"step {step}")
            elif roll < 0.86:
                due = app.commitment(cid)["due_date"] + timedelta(days=rnd.randint(1, 30))
                app.move_due_date(lead, cid, due_date=due, reason="waiting on a supplier")
            elif roll < 0.93:
                if cid in roadblocks:
                    rid, helper = roadblocks.pop(cid)
                    app.resolve_roadblock(lead, cid, roadblock_id=rid, resolution="cleared it",
                                          helped_by=helper)
                else:
                    helper = rnd.choice([None, *[d for d in departments if d != department]])
                    r = app.raise_roadblock(lead, cid, description="blocked by tooling",
                                            help_from=helper)
                    roadblocks[cid] = (r.roadblock_id, helper)
            elif roll < 0.98:
                app.celebrate(org.cco, cid, message="great work, team")
            elif cid not in roadblocks:
                if roll < 0.995:
                    app.complete(lead, cid, evidence="shipped and measured")
                else:
                    app.withdraw(lead, cid, reason="no longer needed")
                open_.remove((cid, department))


def build_store(path: Path, *, commitments: int, until: int, seed: int = 7) -> int:
    """An SQLite event store at `path` with an organisation and its activity; returns its head.

    The events are made by the real service on in-memory storage (fast), then copied as stored."""
    source = make_app("memory", path.parent)
    with clock.frozen_at(NOW):
        org = build_org(source)
    add_activity(org, commitments=commitments, until=until, seed=seed)
    target = sqlite_app(path)
    try:
        after = 0
        while notifications := source.recorder.select_notifications(
            start=after, limit=2000, inclusive_of_start=False
        ):
            target.recorder.insert_events([
                StoredEvent(n.originator_id, n.originator_version, n.topic, n.state)
                for n in notifications
            ])
            after = notifications[-1].id
        return target.head()
    finally:
        target.close()
        source.close()
        source.accounts.close()


def copy_events(source: Path, postgres: dict[str, str]) -> None:
    """The SQLite event store's events, as stored, into the PostgreSQL schema `postgres` names."""
    origin, target = sqlite_app(source), make_app("postgres", source.parent, postgres)
    try:
        after = 0
        while notifications := origin.recorder.select_notifications(
            start=after, limit=2000, inclusive_of_start=False
        ):
            target.recorder.insert_events([
                StoredEvent(n.originator_id, n.originator_version, n.topic, n.state)
                for n in notifications
            ])
            after = notifications[-1].id
    finally:
        target.close()
        origin.close()


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite file (WAL included)."""
    src, dst = sqlite3.connect(str(source)), sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def mechanics_views() -> list[View]:
    return [Directory(), ApplyLog()]


def product_views() -> list[View]:
    return [*all_views(), ApplyLog()]


def clean_dump(app: CxTracker, tmp_path: Path,
               views_factory: Callable[[], list[View]] = product_views) -> Dump:
    """The views of one uninterrupted in-process catch-up of `app` to its head."""
    db = open_views(tmp_path / "clean.sqlite3")
    try:
        Runner(app, db, views_factory(), batch_size=100_000).catch_up()
        return dump(db)
    finally:
        db.close()


def add_activity_to(app: CxTracker, events: int) -> None:
    """`events` more events: a commitment of IT's and its progress reports."""
    lead = member_id("lead.it@example.com")
    commitment = app.make_commitment(
        lead, department="it", title="Replace the ticketing tool", due_date="2026-12-01",
        owner="lead.it@example.com",
    ).id
    for i in range(events - 1):
        app.report_progress(lead, commitment, percent=i % 100)
