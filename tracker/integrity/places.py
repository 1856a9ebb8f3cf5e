"""Where an installation keeps its seals and its integrity ledger.

With the SQLite default, beside the events in the data directory (`seals.jsonl`,
`integrity.sqlite3`). When PostgreSQL holds the events, in the same database and schema (the
tables `seals` and `sealed_events`, see `shared`), so a seal made through one server is seen and
verified from every other.

A data directory on PostgreSQL that still holds local seals or a local ledger (sealed by an
earlier version, when they were kept per server) is moved into the shared tables the first time
an integrity command runs there: its seals not yet shared are appended, its ledger entries after
the shared ledger's last position added, and the files renamed `*.migrated` (kept, never read
again). A local ledger that disagrees with the shared one, or seals that fail, are then reported by
`verify`, as they would have been locally.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from tracker.config import DataDir, module_is_postgres, uses_sqlite_events
from tracker.integrity.ledger import LEDGER_FILE, Entry, Ledger
from tracker.integrity.seals import SEALS_FILE, Seal, append_new_seal, read_seals

MIGRATED = ".migrated"


class Seals(Protocol):
    name: str

    def read(self) -> list[Seal]: ...

    def append_new(self, seal: Seal) -> bool: ...


class FileSeals:
    """`seals.jsonl` in the data directory."""

    def __init__(self, path: Path) -> None:
        self.path, self.name = path, SEALS_FILE

    def read(self) -> list[Seal]:
        return read_seals(self.path) if self.path.exists() else []

    def append_new(self, seal: Seal) -> bool:
        return append_new_seal(self.path, seal)


def shared(data: DataDir) -> bool:
    """Whether the seals and the ledger live in the shared database (PostgreSQL holds the events)."""
    return not uses_sqlite_events() and module_is_postgres()


def seals_of(data: DataDir) -> Seals:
    if shared(data):
        from tracker.integrity.shared import SharedSeals

        return SharedSeals()
    return FileSeals(data.path / SEALS_FILE)


def open_ledger(data: DataDir, *, create: bool) -> Ledger | None:
    """The installation's ledger; without `create`, None when there is none yet."""
    if shared(data):
        from tracker.integrity.shared import SharedLedger

        return SharedLedger(create=True) if create else SharedLedger.open_shared()
    path = data.path / LEDGER_FILE
    return Ledger(path, create=True) if create else Ledger.open_existing(path)


def local_leftovers(data: DataDir) -> list[Path]:
    """Local seals or ledger in a data directory whose integrity records are shared."""
    if not shared(data):
        return []
    return [p for p in (data.path / SEALS_FILE, data.path / LEDGER_FILE) if p.exists()]


def migrate_local(data: DataDir) -> list[str]:
    """Move a PostgreSQL installation's per-server seals and ledger into the shared tables (see
    the module's description); what was done, one line each (nothing when there was nothing)."""
    from tracker.integrity.shared import SharedLedger, SharedSeals

    notes: list[str] = []
    seals_file, ledger_file = data.path / SEALS_FILE, data.path / LEDGER_FILE
    if seals_file.exists():
        local = read_seals(seals_file)  # unreadable seals are refused (bad input), nothing moved
        known = {(s.position, s.events, s.chain) for s in SharedSeals().read()}
        added = [s for s in local if (s.position, s.events, s.chain) not in known]
        store = SharedSeals()
        for seal in added:
            store.append_new(seal)
        seals_file.rename(seals_file.with_name(seals_file.name + MIGRATED))
        notes.append(f"moved {len(added)} of the {len(local)} seals of {seals_file} into the "
                     f"shared seals table (the file is kept as {seals_file.name}{MIGRATED})")
    if ledger_file.exists():
        old = Ledger(ledger_file)
        target = SharedLedger(create=True)
        try:
            with target.recording():
                after = target.last_position()
                rows = [r for r in old.entries() if r[0] > after]
                target.add([Entry(*r) for r in rows])
        finally:
            target.close()
            old.close()
        ledger_file.rename(ledger_file.with_name(ledger_file.name + MIGRATED))
        notes.append(f"moved {len(rows)} ledger entries of {ledger_file} into the shared ledger "
                     f"(the file is kept as {ledger_file.name}{MIGRATED})")
    return notes

