"""The backup of an installation whose events live in PostgreSQL: the shared schema (events,
accounts, sessions, tokens, seals, ledger, settings) dumped with PostgreSQL's own `pg_dump` in its
custom format, beside a copy of the data directory's local files (this server's read models).

`pg_dump` takes one snapshot (a repeatable-read transaction), so the dump is consistent while
servers keep writing. It is then listed with `pg_restore --list` to check that it is readable and
holds the event log. Restore with `pg_restore` (see docs/deployment.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from tracker import postgres
from tracker.integrity.backup import BackupReport, Note

DUMP_FILE = "postgres.dump"


class PgDumpMissing(Exception):
    """pg_dump (or pg_restore) is not installed: the message names the command to run."""


def _client_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """libpq's own variables for the PostgreSQL client tools (the password never on a command
    line, where other users could see it)."""
    s = postgres.settings(env)
    names = {"PGDATABASE": "POSTGRES_DBNAME", "PGHOST": "POSTGRES_HOST", "PGPORT": "POSTGRES_PORT",
             "PGUSER": "POSTGRES_USER", "PGPASSWORD": "POSTGRES_PASSWORD"}
    client = {k: str(s.get(v)) for k, v in names.items() if s.get(v)}
    return {**os.environ, **client}


def dump_command(dest: Path, env: Mapping[str, str] | None = None) -> list[str]:
    s = postgres.settings(env)
    target = " ".join(f"{k}={s.get(v)}" for k, v in (
        ("host", "POSTGRES_HOST"), ("port", "POSTGRES_PORT"), ("dbname", "POSTGRES_DBNAME"),
        ("user", "POSTGRES_USER")) if s.get(v))
    return ["pg_dump", "--format=custom", f"--schema={postgres.schema(env)}",
            f"--file={dest / DUMP_FILE}", "--verbose", target]


def refusal(dest: Path, env: Mapping[str, str] | None = None) -> str:
    command = " ".join(a if " " not in a else f"'{a}'" for a in dump_command(dest, env)
                       if a != "--verbose")
    return ("pg_dump is not installed (it comes with PostgreSQL's client tools: apt-get install "
            "postgresql-client, of the server's major version or newer), so the events, which live "
            f"in {postgres.describe(env)}, cannot be backed up by this command; nothing was "
            f"copied. Install it, or run it yourself (PGPASSWORD or ~/.pgpass for the password): "
            f"{command}")


def dump_shared_schema(dest: Path, report: BackupReport, note: Note,
                       env: Mapping[str, str] | None = None) -> None:
    """pg_dump the shared schema into DEST/postgres.dump, saying which table it is at."""
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        raise PgDumpMissing(refusal(dest, env))
    note(f"dumping {postgres.describe(env)} with pg_dump (custom format) ...")
    errors: list[str] = []
    with subprocess.Popen(dump_command(dest, env), env=_client_env(env), text=True,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        assert process.stderr is not None
        for raw in process.stderr:  # --verbose: one line per step; the tables' are progress
            line = raw.rstrip()
            if "dumping contents of table" in line:
                note("  " + line.removeprefix("pg_dump: "))
            elif "error" in line.lower() or "fatal" in line.lower():
                errors.append(line)
    if process.returncode != 0:
        report.problems.append("pg_dump failed: " + ("; ".join(errors) or f"exit {process.returncode}"))
        return
    report.files.append(DUMP_FILE)
    size = (dest / DUMP_FILE).stat().st_size
    listing = subprocess.run(["pg_restore", "--list", str(dest / DUMP_FILE)], check=False,
                             text=True,
                             capture_output=True, env=_client_env(env))
    if listing.returncode != 0:
        report.problems.append(f"pg_restore cannot read the dump: {listing.stderr.strip()}")
        return
    events = f"TABLE DATA {postgres.schema(env)} {postgres.EVENTS_TABLE} "
    if events not in listing.stdout:
        report.problems.append(f"the dump holds no event log ({postgres.EVENTS_TABLE})")
        return
    tables = sum(" TABLE DATA " in line for line in listing.stdout.splitlines())
    note(f"  {DUMP_FILE}: {size / 1e6:,.1f} MB, {tables} tables, readable by pg_restore")
