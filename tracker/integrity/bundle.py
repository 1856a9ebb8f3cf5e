"""The replay bundle: a self-contained JSON Lines file that can be verified and replayed offline.

    {"format": "cx-tracker-bundle", "version": 1, "created_at": "...", "events": N}   (padded)
    {"link": "<hex>", "originator_id": "...", "originator_version": 1, "position": 1,
     "state": {...}, "topic": "..."}                                                  (N lines)
    {"seal": {"position": ..., "events": ..., "chain": "...", "sealed_at": "..."}}    (1 or more)

Each record's `link` is the chain link after it, so the first record that was changed (or
follows a removed one) is named precisely; the seals tie the whole to checkpoints.
"""

from __future__ import annotations

import json
import sqlite3
import string
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent

from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.integrity.records import Record
from tracker.integrity.seals import Seal, SealsError
from tracker.integrity.verify import Progress, Verification, verify_walk, walk_batches
from tracker.integrity.walk import Walk

FORMAT, VERSION = "cx-tracker-bundle", 1
RECORD_KEYS = frozenset({"position", "originator_id", "originator_version", "topic", "state", "link"})
BATCH = 5000
_HEX = frozenset(string.hexdigits)


class BundleError(ValueError):
    """A file that is not a readable bundle; the message says where and why."""


@dataclass(frozen=True)
class BundleHeader:
    created_at: str
    events: int


class BundleReader:
    """Reads a bundle line by line: the header at once, then records in batches, then seals."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._file: BinaryIO = path.open("rb")
        except OSError as e:
            raise BundleError(f"cannot read the bundle {path}: {e.strerror or e}") from None
        self._line = 0
        self.count = 0
        self.seals: list[Seal] = []
        try:
            self.header = self._header()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._file.close()

    def batches(self, size: int = BATCH) -> Iterator[list[Record]]:
        batch: list[Record] = []
        last = 0
        for value in self._values():
            if isinstance(value, dict) and set(value) == {"seal"}:
                try:
                    self.seals.append(Seal.from_dict(value, self._where()))
                except SealsError as e:
                    raise BundleError(str(e)) from None
                continue
            if self.seals:
                raise BundleError(f"{self._where()}: a record after the seals")
            record = self._record(value, last)
            last = record.position
            batch.append(record)
            if len(batch) == size:
                self.count += len(batch)
                yield batch
                batch = []
        if batch:
            self.count += len(batch)
            yield batch
        if not self.seals:
            raise BundleError(f"{self.path}: no seals at the end: the bundle is incomplete")

    def _header(self) -> BundleHeader:
        value = next(self._values(), None)
        if (not isinstance(value, dict) or value.get("format") != FORMAT
                or set(value) != {"format", "version", "created_at", "events"}):
            raise BundleError(f"{self.path} is not a cx-tracker bundle (its first line must be the "
                              f'header {{"format": "{FORMAT}", ...}})')
        if value["version"] != VERSION:
            raise BundleError(f"{self.path}: bundle version {value['version']!r} is not supported "
                              f"(this cx-tracker reads version {VERSION})")
        if type(value["events"]) is not int or not isinstance(value["created_at"], str):
            raise BundleError(f"{self._where()}: the header's events or created_at is malformed")
        return BundleHeader(value["created_at"], value["events"])

    def _values(self) -> Iterator[Any]:
        """Each line's JSON value; bytes are decoded line by line, so an error names its line."""
        for raw in self._file:
            self._line += 1
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise BundleError(f"{self._where()}: not UTF-8 text (byte {e.start + 1} of the "
                                  "line)") from None
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                raise BundleError(f"{self._where()}: not JSON") from None
            yield value

    def _where(self) -> str:
        return f"{self.path}, line {self._line}"

    def _record(self, value: Any, last: int) -> Record:
        if not isinstance(value, dict) or set(value) != RECORD_KEYS:
            raise BundleError(f"{self._where()}: a record has exactly the keys "
                              f"{', '.join(sorted(RECORD_KEYS))}")
        position, version, link = value["position"], value["originator_version"], value["link"]
        if type(position) is not int or position <= last:
            raise BundleError(f"{self._where()}: position must be a whole number after {last}")
        if type(version) is not int or not isinstance(value["originator_id"], str) \
                or not isinstance(value["topic"], str):
            raise BundleError(f"{self._where()}: originator_id, originator_version or topic "
                              "is malformed")
        if not isinstance(link, str) or len(link) != 64 or not _HEX.issuperset(link):
            raise BundleError(f"{self._where()}: link must be 64 hexadecimal digits")
        return Record(position, value["originator_id"], version, value["topic"], value["state"], link)


def verify_bundle(path: Path, seals: Sequence[Seal] = (), progress: Progress | None = None) -> Verification:
    """Recompute the chain from the bundle alone; check its own seals and any others given."""
    wanted = [*seal_positions(path), *(seal.position for seal in seals)]
    reader = BundleReader(path)
    try:
        walk = walk_batches(reader.batches(), Walk(wanted=wanted), progress)
    finally:
        reader.close()
    verification = verify_walk(str(path), walk, [*reader.seals, *seals])
    if reader.count != reader.header.events:
        verification.problems.append(
            f"the bundle holds {reader.count:,} records but its header says "
            f"{reader.header.events:,}: records were removed or added"
        )
    return verification


def seal_positions(path: Path) -> list[int]:
    """The positions of the bundle's seal lines, read ahead so that the chain keeps its links
    there only. Unreadable lines are left to the reader, which names them."""
    found = []
    try:
        with path.open("rb") as f:
            for line in f:
                if line.startswith(b'{"seal"'):
                    try:
                        position = json.loads(line)["seal"]["position"]
                    except (ValueError, KeyError, TypeError):
                        continue
                    if type(position) is int:
                        found.append(position)
    except OSError:
        pass
    return found


@dataclass(frozen=True)
class Bundle:
    header: BundleHeader
    records: list[Record]
    seals: list[Seal]

    def application(self) -> CxTracker:
        """A CxTracker on an in-memory event store holding the bundle's events, in order.

        Positions are renumbered 1..n: they match the original log unless it had gaps.
        """
        prefix = CxTracker.name.upper() + "_"
        plain = {"PERSISTENCE_MODULE": "eventsourcing.popo", "COMPRESSOR_TOPIC": "",
                 "CIPHER_TOPIC": "", "CIPHER_KEY": ""}
        app = CxTracker(env={**plain, **{prefix + k: v for k, v in plain.items()}},
                        accounts=Accounts(":memory:"))
        for start in range(0, len(self.records), BATCH):
            try:
                app.recorder.insert_events([_stored(r) for r in self.records[start:start + BATCH]])
            except IntegrityError as e:
                app.close()
                raise BundleError(f"the bundle records an event twice: {e}") from None
        return app


@contextmanager
def replay_bundle(path: Path) -> Iterator[CxTracker]:
    """A CxTracker on a temporary SQLite event store holding the bundle's events at their own
    positions, read and written in batches: memory stays flat however long the log. The records
    are not verified here (see `verify_bundle`); the store is deleted on leaving."""
    from tracker.integrity.backup import open_sqlite_events

    with tempfile.TemporaryDirectory(prefix="cx-bundle-") as tmp:
        events = Path(tmp) / "events.sqlite3"
        open_sqlite_events(events).close()  # the library creates its table
        _copy_records(path, events)
        app = open_sqlite_events(events)
        try:
            yield app
        finally:
            app.close()


def _copy_records(path: Path, events: Path) -> None:
    reader, db = BundleReader(path), sqlite3.connect(events)
    try:
        with db:
            for batch in reader.batches():
                db.executemany("INSERT INTO stored_events (rowid, originator_id, "
                               "originator_version, topic, state) VALUES (?, ?, ?, ?, ?)",
                               [_row(record) for record in batch])
    except sqlite3.IntegrityError as e:
        raise BundleError(f"{reader._where()}: the bundle records an event twice ({e})") from None
    finally:
        db.close()
        reader.close()


def _row(record: Record) -> tuple[int, str, int, str, bytes]:
    stored = _stored(record)
    return (record.position, UUID(str(stored.originator_id)).hex, stored.originator_version,
            stored.topic, stored.state)


def read_bundle(path: Path) -> Bundle:
    """The whole bundle in memory (its records are not verified: see `verify_bundle`); for long
    logs, `replay_bundle` keeps memory flat."""
    reader = BundleReader(path)
    try:
        records = [record for batch in reader.batches() for record in batch]
    finally:
        reader.close()
    return Bundle(reader.header, records, reader.seals)


def _stored(record: Record) -> StoredEvent:
    try:
        originator_id = UUID(record.originator_id)
    except ValueError:
        raise BundleError(f"position {record.position}: originator_id is not a UUID") from None
    state = json.dumps(record.state, separators=(",", ":"), ensure_ascii=False)
    return StoredEvent(originator_id, record.originator_version, record.topic,
                       state.encode("utf-8", "surrogatepass"))
