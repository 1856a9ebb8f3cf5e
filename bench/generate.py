"""Generated organisations, cached under bench/data/ by size and seed.

    python -m bench.generate --events 100000 [--seed 1] [--force]

A store is a normal data directory (`events.sqlite3`, `accounts.sqlite3`) plus `meta.json`:
what was generated, the log's digest (sha256 over every stored event, so determinism can be
checked), the last instant, open commitments per department, and the benchmark accounts.
Only the CCO, the executive, the auditor and the 50 department heads get a password (set through
the application service, hashed with a cheap argon2 setting: a benchmark, not a vault).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time as dtime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

from argon2 import PasswordHasher

from bench import org
from bench.generator import (
    AUDITOR_EMAIL, CCO_EMAIL, CEO_EMAIL, Generator, end_date, head_email, span_days,
)
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.config import DataDir
from tracker.domain import member_id

# BENCH_DATA_DIR moves the cached stores elsewhere (the smoke test uses a temporary directory).
DATA_ROOT = Path(os.environ.get("BENCH_DATA_DIR") or Path(__file__).resolve().parent / "data")
PASSWORD = "bench-password"
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
FORMAT = 1  # bump when the generator changes: cached stores of another format are regenerated
Log = Callable[[str], None]


@dataclass(frozen=True)
class Store:
    data: DataDir
    meta: dict[str, Any]

    @property
    def events(self) -> int:
        return int(self.meta["events"])

    @property
    def today(self) -> datetime:
        """The instant of the last event: "now" for the benchmarks' reads."""
        return datetime.fromisoformat(self.meta["last_instant"])


def open_app(data: DataDir) -> CxTracker:
    """The application on a store's files (SQLite event store, cheap hasher for new passwords)."""
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(data.events)}
    return CxTracker(env=env, accounts=Accounts(data.accounts, hasher=CHEAP_HASHER))


def store_path(events: int, seed: int) -> Path:
    return DATA_ROOT / f"org-{events}-seed{seed}"


def ensure_store(events: int, seed: int = 1, *, force: bool = False, log: Log = print) -> Store:
    """The cached store for (events, seed), generated first when missing or outdated."""
    path = store_path(events, seed)
    meta_file = path / "meta.json"
    if not force and meta_file.exists():
        meta = json.loads(meta_file.read_text())
        if meta.get("format") == FORMAT:
            return Store(DataDir(path), meta)
    scratch = path.with_name(path.name + ".partial")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    log(f"generating {events:,} events (seed {seed}) into {path} ...")
    meta = generate(DataDir(scratch), events, seed)
    (scratch / "meta.json").write_text(json.dumps(meta, indent=1))
    shutil.rmtree(path, ignore_errors=True)
    scratch.rename(path)
    log(f"generated {meta['events']:,} events, {meta['commitments']:,} commitments "
        f"in {meta['seconds']:.0f} s ({meta['events'] / meta['seconds']:,.0f} events/s)")
    return Store(DataDir(path), meta)


def generate(data: DataDir, events: int, seed: int) -> dict[str, Any]:
    days = span_days(events)
    start = datetime.combine(end_date() - timedelta(days=days), dtime(8), timezone.utc)
    app = open_app(data)
    try:
        started = time.perf_counter()
        generator = Generator(app, events=events, seed=seed, start=start, days=days)
        stats = generator.run()
        seconds = time.perf_counter() - started
        users = set_passwords(app)
        return {
            "format": FORMAT, "events": app.head(), "requested": events, "seed": seed,
            "commitments": stats.commitments, "members": generator.people + 1,
            "departments": len(org.DEPARTMENTS), "skipped_steps": stats.skipped,
            "first_instant": start.isoformat(), "last_instant": generator.last_instant.isoformat(),
            "days": days, "seconds": seconds, "digest": log_digest(app),
            "open_commitments": generator.open_commitments(), "users": users,
            "password": PASSWORD,
        }
    finally:
        app.close()
        app.accounts.close()


def set_passwords(app: CxTracker) -> dict[str, str]:
    """Passwords for the people the web benchmark signs in as; email -> department ("" if none)."""
    users = {CCO_EMAIL: "", CEO_EMAIL: "", AUDITOR_EMAIL: ""}
    users.update({head_email(slug): slug for slug, _ in org.DEPARTMENTS})
    for email in users:  # straight into the accounts store: the CCO's own change needs the old one
        app.accounts.set_password(member_id(email), email, PASSWORD)
    return users


def log_digest(app: CxTracker, batch: int = 10_000) -> str:
    """sha256 over every stored event (position, aggregate, version, topic, state), in order."""
    digest = hashlib.sha256()
    after = 0
    while True:
        found = app.recorder.select_notifications(start=after, limit=batch, inclusive_of_start=False)
        if not found:
            return digest.hexdigest()
        for n in found:
            digest.update(f"{n.id}|{UUID(str(n.originator_id))}|{n.originator_version}|{n.topic}|".encode())
            digest.update(n.state)
        after = found[-1].id


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=lambda s: int(float(s)), required=True, help="e.g. 1e5")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="regenerate even when cached")
    args = parser.parse_args(argv)
    store = ensure_store(args.events, args.seed, force=args.force)
    meta = {k: v for k, v in store.meta.items() if k not in ("open_commitments", "users")}
    print(json.dumps(meta, indent=1))


if __name__ == "__main__":
    main()
