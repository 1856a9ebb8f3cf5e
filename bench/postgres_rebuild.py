"""Rebuild from PostgreSQL beside the raw read+decode of the same database (issue 16's target:
the rebuild at least half the raw rate).

    CX_BENCH_POSTGRES="host=127.0.0.1 dbname=cx user=cx password=cx" \\
        python -m bench.postgres_rebuild --events 2e4

The generated store (bench/data, cached) is copied into a new schema of that database; the raw
baseline (`bench.baselines.raw_decode`) runs before and after `cx-tracker projections rebuild`
on a new data directory (in a process of its own, whose peak resident set is reported), and the
faster baseline counts. The schema is dropped afterwards."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

from bench.baselines import open_raw, raw_decode
from bench.generate import store_path
from bench.measure.rebuild import child
from tracker.application import CxTracker
from tracker.config import resolve_data_dir
from tracker.postgres.accounts import shared_accounts


def library_env(conninfo: str, schema: str) -> dict[str, str]:
    parts = conninfo_to_dict(conninfo)
    return {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_SCHEMA": schema,
            "POSTGRES_DBNAME": str(parts.get("dbname", "")), "POSTGRES_HOST": str(parts.get("host", "127.0.0.1")),
            "POSTGRES_PORT": str(parts.get("port", "5432")), "POSTGRES_USER": str(parts.get("user", "")),
            "POSTGRES_PASSWORD": str(parts.get("password", ""))}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=lambda s: int(float(s)), default=20_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    args = parser.parse_args(argv)
    conninfo = os.environ["CX_BENCH_POSTGRES"]
    subprocess.run([sys.executable, "-m", "bench.generate", "--events", str(args.events)], check=True)
    source = resolve_data_dir(store_path(args.events, 1))
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    env = library_env(conninfo, schema)
    try:
        raw = open_raw(source)
        target = CxTracker(env=env, accounts=shared_accounts(env))
        after = 0
        while found := raw.recorder.select_notifications(start=after, limit=5000, inclusive_of_start=False):
            target.recorder.insert_events(list(found))
            after = found[-1].id
        raw.close()
        before = raw_decode(target, batch=args.batch_size)
        os.environ.update(env)
        with tempfile.TemporaryDirectory() as tmp:  # a process of its own: its peak memory
            built = child("rebuild", str(Path(tmp) / "views"), args.batch_size)
        later = raw_decode(target, batch=args.batch_size)
        target.close()
        base = max(before.rate, later.rate)
        print(f"events: {built['events']:,}")
        print(f"raw read+decode from PostgreSQL: {before.rate:,.0f} / {later.rate:,.0f} events/s")
        print(f"rebuild from PostgreSQL: {built['rate_per_s']:,.0f} events/s ({built['output']})")
        print(f"ratio rebuild / raw: {built['rate_per_s'] / base:.2f} (target >= 0.5)")
        print(f"rebuild peak memory: {built['peak_rss_kb'] / 1024:,.0f} MiB (target <= 200)")
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
