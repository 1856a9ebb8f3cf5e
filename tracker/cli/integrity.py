"""`cx-tracker seal`, `verify`, `export` and `backup`: integrity checkpoints, their verification,
the replay bundle, and an online copy of the data directory."""

from __future__ import annotations

import functools
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from tracker.cli.common import EXIT_BAD_INPUT, EXIT_REFUSED, data_option, fail, open_existing, reports_errors
from tracker.cli.output import echo, echo_json
from tracker.config import DataDir, module_is_postgres, uses_sqlite_events
from tracker.integrity.backup import BackupError
from tracker.integrity.backup import backup as copy_data
from tracker.integrity import pg_backup
from tracker.integrity.bundle import BundleError, verify_bundle
from tracker.integrity.export import export_bundle
from tracker.integrity.places import local_leftovers, migrate_local, open_ledger, seals_of
from tracker.integrity import places
from tracker.integrity.report import LOCAL, SHARED, report_lines
from tracker.integrity.sealing import Diverged, seal_store
from tracker.integrity.seals import Seal, SealsError, read_seals
from tracker.integrity.verify import verify_store

F = TypeVar("F", bound=Callable[..., Any])
EXIT_UNCHECKED = 3  # verify found nothing wrong, but had no seal to check against


def integrity_errors(command: F) -> F:
    """Unreadable seals, bundles or destinations are bad input; a diverged log is refused."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (SealsError, BundleError, BackupError) as e:
            fail(str(e), EXIT_BAD_INPUT)
        except Diverged as e:
            fail(str(e), EXIT_REFUSED)

    return reports_errors(wrapper)  # type: ignore[return-value]


class Rate:
    """Progress on stderr for long runs: at most one line every two seconds, then a total.
    The clock starts when it is made, and again when told that 0 events are done."""

    def __init__(self, verb: str) -> None:
        self.verb, self.started, self.last, self.count = verb, time.perf_counter(), 0.0, 0

    def __call__(self, count: int) -> None:
        self.count, now = count, time.perf_counter()
        if count == 0:
            self.started = now
        if now - self.last >= 2 and now - self.started >= 2:
            self.last = now
            echo(f"  {count:,} events, {count / (now - self.started):,.0f} events/s", err=True)

    def done(self) -> None:
        seconds = time.perf_counter() - self.started
        rate = f" ({self.count / seconds:,.0f} events/s)" if seconds > 0 and self.count else ""
        echo(f"{self.verb} {self.count:,} events in {seconds:.1f} s{rate}", err=True)


def _move_local_records(data: DataDir) -> None:
    """On PostgreSQL, per-server seals and ledger left by an earlier version go to the shared
    tables first (said on stderr), so every server seals and verifies against the same ones."""
    for note in migrate_local(data) if local_leftovers(data) else []:
        echo(note[0].upper() + note[1:], err=True)


def _seal_text(seal: Seal) -> str:
    return (f"Sealed position {seal.position} ({seal.events:,} events) at {seal.sealed_at}: "
            f"chain {seal.chain}")


@click.command()
@data_option
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True,
              help="json: the seal as one JSON line (the human line goes to stderr); text: only the human line.")
@integrity_errors
def seal(data_dir: str | None, fmt: str) -> None:
    """Seal the log: print a checkpoint (position, event count, chain hash, time) to keep outside
    the system, e.g. `cx-tracker seal >> ~/cx-seals.jsonl`.

    The seal is also appended to seals.jsonl in the data directory, and each newly sealed event is
    recorded in integrity.sqlite3 so that verify can name the first changed event. Refused (exit 1)
    when the log no longer matches what earlier seals recorded.
    """
    with open_existing(data_dir, checked=False) as (data, app):
        _move_local_records(data)
        ledger, rate = open_ledger(data, create=True), Rate("Sealed")
        assert ledger is not None
        try:
            sealed = seal_store(app, ledger, progress=rate)
        finally:
            ledger.close()
        rate.done()
        kept = seals_of(data)
        if not kept.append_new(sealed):
            echo(f"No new events since the last seal at position {sealed.position}: "
                 f"nothing appended to {kept.name}", err=True)
    if fmt == "json":
        echo_json(sealed.as_json())
        echo(_seal_text(sealed), err=True)
    else:
        echo(_seal_text(sealed))


@click.command()
@data_option
@click.option("--seals", "seals_files", multiple=True, metavar="FILE", type=click.Path(path_type=Path),
              help="A seals file to check against (repeatable; default: the data directory's seals.jsonl).")
@click.option("--bundle", metavar="FILE", type=click.Path(path_type=Path),
              help="Verify this replay bundle instead of the store (offline: no data directory needed).")
@integrity_errors
def verify(data_dir: str | None, seals_files: tuple[Path, ...], bundle: Path | None) -> None:
    """Recompute the hash chain and check it against the seals; report the first divergence.

    Exit status 0 when everything matches, 1 on any divergence, 2 for unreadable seals or
    bundles, 3 when nothing was found but there was no seal to check against (not evidence).
    """
    seals = [s for path in seals_files for s in read_seals(path)]
    names = LOCAL
    if bundle is not None:
        rate = Rate("Checked")
        verification = verify_bundle(bundle, seals, rate)
    else:
        with open_existing(data_dir, checked=False) as (data, app):
            _move_local_records(data)
            names = SHARED if places.shared(data) else LOCAL
            if not seals_files:
                seals = seals_of(data).read()
            ledger, rate = open_ledger(data, create=False), Rate("Checked")
            try:
                verification = verify_store(app, seals, ledger, rate)
            finally:
                if ledger is not None:
                    ledger.close()
    rate.done()
    for line in report_lines(verification, names):
        echo(line)
    if not verification.ok:
        raise SystemExit(EXIT_REFUSED)
    if verification.unchecked:
        raise SystemExit(EXIT_UNCHECKED)


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@data_option
@integrity_errors
def export(file: Path, data_dir: str | None) -> None:
    """Write the replay bundle FILE: every event with its chain link, then the seals (those in
    seals.jsonl and a new one at the head). `verify --bundle FILE` checks it offline."""
    if file.exists():
        fail(f"{file} exists: give the bundle a new file name", EXIT_BAD_INPUT)
    if not file.absolute().parent.is_dir():
        fail(f"cannot write {file}: its directory does not exist", EXIT_BAD_INPUT)
    rate = Rate("Exported")
    with open_existing(data_dir, checked=False) as (data, app):
        _move_local_records(data)
        sealed = export_bundle(app, data, file, rate)
    rate.done()
    echo(f"Wrote {file}: {sealed.events:,} events up to position {sealed.position}, "
         f"sealed. Keep the new seal outside the system:")
    echo_json(sealed.as_json())


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@data_option
@integrity_errors
def backup(dest: Path, data_dir: str | None) -> None:
    """Copy the installation into DEST (new or empty) while it stays in use, then check the copy.

    SQLite: the data directory's files, checked (SQLite integrity, its chain against its seals,
    its log a prefix of the live one). PostgreSQL: pg_dump of the shared schema (custom format,
    DEST/postgres.dump) and this server's local files; refused, naming the pg_dump command to
    run, when pg_dump is not installed.
    """
    shared = module_is_postgres() and not uses_sqlite_events()
    if not uses_sqlite_events() and not shared:
        fail("the event store is neither a SQLite file in the data directory nor PostgreSQL "
             "(PERSISTENCE_MODULE selects another store), so a backup of the data directory "
             "would not hold the events, the only record of the history; nothing was copied. "
             "Back the event store up with its own tools, or write a verified bundle with "
             "'cx-tracker export FILE'", EXIT_REFUSED)
    if shared and (shutil.which("pg_dump") is None or shutil.which("pg_restore") is None):
        fail(pg_backup.refusal(dest.absolute()), EXIT_REFUSED)
    rate = Rate("Checked")
    note = functools.partial(echo, err=True)
    with open_existing(data_dir, checked=False) as (data, app):
        if shared:
            _move_local_records(data)  # so the dump holds every seal
        echo(f"Backing up {data.path} into {dest} ...", err=True)
        report = copy_data(data, app, dest.absolute(), note, rate)
        if shared:
            pg_backup.dump_shared_schema(dest.absolute(), report, note)
    if report.verification is not None:
        rate.done()
        for line in report_lines(report.verification)[:-1]:
            echo(line)
    for problem in report.problems:
        echo(f"PROBLEM: {problem}")
    if not report.ok:
        echo(f"FAILED: the backup in {dest} did not pass its checks.")
        raise SystemExit(EXIT_REFUSED)
    echo(f"OK: backup in {dest} ({len(report.files)} files) checked.")
    if shared:
        echo(f"Restore the database with pg_restore (docs/deployment.md), then "
             f"'cx-tracker verify'; {pg_backup.DUMP_FILE} holds every server's shared data.")
