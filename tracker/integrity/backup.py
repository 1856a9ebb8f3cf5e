"""An online, consistent copy of a data directory, checked after copying.

Each SQLite file is copied with SQLite's online backup API in one step (a consistent snapshot
while writers go on). The order keeps the copy consistent as a whole: plain files (seals), then
the views, the ledger and the accounts, and the event store last, so the copied log is never
behind the views or the ledger copied before it (a view behind its log just catches up).
Then the copy is checked: `PRAGMA integrity_check` on every SQLite file, its chain verified
against its own ledger and seals, and its log compared with the live one (an exact prefix).
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eventsourcing.application import Application

from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.config import (
    ACCOUNTS_FILE, EVENTS_FILE, VIEWS_FILE, DataDir, sqlite_uri, uses_sqlite_events,
)
from tracker.integrity.ledger import LEDGER_FILE, Ledger
from tracker.integrity.seals import SEALS_FILE, SealsError, read_seals
from tracker.integrity.verify import Progress, Verification, verify_store

SQLITE_FILES = (VIEWS_FILE, LEDGER_FILE, ACCOUNTS_FILE, EVENTS_FILE)  # in copying order
SKIPPED = ("-wal", "-shm", "-journal", ".lock", ".partial", ".rebuild")
BATCH = 5000
Note = Callable[[str], None]


class BackupError(ValueError):
    """The destination cannot take a backup (exists and is not an empty directory, ...)."""


@dataclass
class BackupReport:
    dest: Path
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    verification: Verification | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and (self.verification is None or self.verification.ok)


def backup(data: DataDir, live: Application[Any], dest: Path, note: Note,
           progress: Progress | None = None) -> BackupReport:
    _prepare_destination(dest)
    report = BackupReport(dest)
    for path in sorted(p for p in data.path.iterdir() if _plain_file(p)):
        shutil.copy2(path, dest / path.name)
        report.files.append(path.name)
    for name in SQLITE_FILES:
        if (data.path / name).exists():
            _copy_sqlite(data.path / name, dest / name, note, report, data.read_only)
    note(f"copied {len(report.files)} files into {dest}; checking the copy ...")
    if uses_sqlite_events() and (dest / EVENTS_FILE).exists():
        _check_events(live, dest, report, progress)
    return report


def _prepare_destination(dest: Path) -> None:
    if dest.exists() and not dest.is_dir():
        raise BackupError(f"{dest} exists and is not a directory")
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: a backup goes into a new or empty directory")
    if not dest.parent.is_dir():
        raise BackupError(f"cannot create {dest}: its parent {dest.parent} does not exist")
    try:
        dest.mkdir(exist_ok=True)
    except OSError as e:
        raise BackupError(f"cannot create {dest}: {e.strerror}") from e


def _plain_file(path: Path) -> bool:
    return path.is_file() and path.name not in SQLITE_FILES and not path.name.endswith(SKIPPED)


def _copy_sqlite(source: Path, target: Path, note: Note, report: BackupReport,
                 read_only: bool = False) -> None:
    started = time.perf_counter()
    # A read-only copy (an auditor's) is read immutable: SQLite may not make its -shm file there.
    src = (sqlite3.connect(sqlite_uri(source, read_only=True), uri=True, timeout=30) if read_only
           else sqlite3.connect(source, timeout=30))
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # one step: a consistent snapshot, however busy the writers are
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file; WAL again once in use
        verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dst.close()
        src.close()
    report.files.append(target.name)
    seconds = time.perf_counter() - started
    note(f"  {target.name}: {target.stat().st_size / 1e6:,.1f} MB in {seconds:.1f} s, "
         f"integrity check: {verdict}")
    if verdict != "ok":
        report.problems.append(f"{target.name}: the copy fails PRAGMA integrity_check ({verdict})")


def _check_events(live: Application[Any], dest: Path, report: BackupReport,
                  progress: Progress | None) -> None:
    copy = open_sqlite_events(dest / EVENTS_FILE)
    ledger = Ledger.open_existing(dest / LEDGER_FILE)
    try:
        seals_file = dest / SEALS_FILE
        try:
            seals = read_seals(seals_file) if seals_file.exists() else []
        except SealsError as e:
            report.problems.append(f"the copied seals cannot be read: {e}")
            seals = []
        if progress is not None:
            progress(0)
        report.verification = verify_store(copy, seals, ledger, progress)
        mismatch = first_difference(live, copy, report.verification.head)
        if mismatch is not None:
            report.problems.append(f"the copied log is not a prefix of the live log: they differ "
                                   f"at position {mismatch}")
    finally:
        if ledger is not None:
            ledger.close()
        copy.close()


def open_sqlite_events(path: Path) -> CxTracker:
    """An application on this SQLite event store file, whatever the environment says."""
    prefix = CxTracker.name.upper() + "_"
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
    return CxTracker(env={**env, **{prefix + k: v for k, v in env.items()}},
                     accounts=Accounts(":memory:"))


def first_difference(live: Application[Any], copy: Application[Any], head: int) -> int | None:
    """The first position up to `head` where the two logs differ, or None when they agree."""
    after = 0
    while True:
        mine = copy.recorder.select_notifications(start=after, limit=BATCH, stop=head,
                                                  inclusive_of_start=False)
        theirs = live.recorder.select_notifications(start=after, limit=BATCH, stop=head,
                                                    inclusive_of_start=False)
        if mine != theirs:
            for a, b in zip(mine, theirs):
                if a != b:
                    return min(a.id, b.id)
            return (mine[len(theirs)] if len(mine) > len(theirs) else theirs[len(mine)]).id
        if not mine:
            return None
        after = mine[-1].id
