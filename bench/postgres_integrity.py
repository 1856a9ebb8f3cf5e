"""seal, verify and backup on SQLite and on PostgreSQL, the same events, in one run (the ratios
count: the machine may be shared).

    CX_BENCH_POSTGRES="host=127.0.0.1 dbname=cx user=cx password=cx" \\
        python -m bench.postgres_integrity --events 1e5

The generated store (bench/data, cached; never written) is copied into a scratch directory and,
as stored, into a new schema of that database (dropped afterwards). Each command runs as
`cx-tracker` in a child process; wall time and peak memory (`/usr/bin/time`) are printed."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg

from bench.baselines import open_raw
from bench.generate import store_path
from bench.postgres_rebuild import library_env
from tracker.application import CxTracker
from tracker.config import resolve_data_dir
from tracker.postgres.accounts import shared_accounts

COMMANDS = (("seal (first)", ["seal"]), ("verify", ["verify"]), ("backup", ["backup", "{backup}"]))


def timed(label: str, args: list[str], env: dict[str, str]) -> str:
    cx = str(Path(sys.executable).with_name("cx-tracker"))
    done = subprocess.run(["/usr/bin/time", "-f", "%e s %M KB", cx, *args], env=env, text=True,
                          capture_output=True, check=False)
    outcome = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    return f"{label}: {done.stderr.strip().splitlines()[-1]} ({outcome})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=lambda s: int(float(s)), default=100_000)
    args = parser.parse_args(argv)
    conninfo = os.environ["CX_BENCH_POSTGRES"]
    subprocess.run([sys.executable, "-m", "bench.generate", "--events", str(args.events)], check=True)
    source = store_path(args.events, 1)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    pg = library_env(conninfo, schema)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            scratch = Path(tmp)
            (scratch / "sqlite").mkdir()
            for name in ("events.sqlite3", "accounts.sqlite3"):
                shutil.copy2(source / name, scratch / "sqlite" / name)
            raw = open_raw(resolve_data_dir(scratch / "sqlite"))
            target = CxTracker(env=pg, accounts=shared_accounts(pg))
            after = 0
            while found := raw.recorder.select_notifications(start=after, limit=5000,
                                                             inclusive_of_start=False):
                target.recorder.insert_events(list(found))
                after = found[-1].id
            raw.close()
            target.close()
            plain = {k: v for k, v in os.environ.items()
                     if not k.startswith(("POSTGRES_", "PERSISTENCE_MODULE", "CXTRACKER_"))}
            for store, env in (("sqlite", plain), ("postgres", {**plain, **pg})):
                data = scratch / store
                for label, command in COMMANDS:
                    line = [a.format(backup=scratch / f"backup-{store}") for a in command]
                    print(f"{store} {timed(label, [*line, '--data', str(data)], env)}", flush=True)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
