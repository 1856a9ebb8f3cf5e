"""Writing a replay bundle: seal the log and write every sealed event, in the same pass.

The records are exactly the events the new seal covers. The header is written first with a
placeholder count and rewritten in place at the end (it is padded to a fixed width).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, BinaryIO

from eventsourcing.application import Application

from tracker import clock
from tracker.config import DataDir
from tracker.integrity.bundle import FORMAT, VERSION
from tracker.integrity.places import open_ledger, seals_of
from tracker.integrity.records import Record
from tracker.integrity.sealing import seal_store
from tracker.integrity.seals import Seal
from tracker.integrity.verify import Progress

HEADER_WIDTH = 160


def export_bundle(app: Application[Any], data: DataDir, path: Path,
                  progress: Progress | None = None) -> Seal:
    """Write the bundle to `path` (which must not exist); return the new seal at its end."""
    seals = seals_of(data)
    earlier = seals.read()
    partial = path.with_name(path.name + ".partial")
    created_at = clock.now().isoformat()
    ledger = open_ledger(data, create=True)
    assert ledger is not None
    try:
        with partial.open("wb") as out:
            out.write(_header(created_at, 0))

            def write(record: Record, body: bytes, digest: bytes, link: bytes) -> None:
                out.write(body[:-1] + b',"link":"' + link.hex().encode() + b'"}\n')

            seal = seal_store(app, ledger, on_event=write, progress=progress)
            if earlier and _same_events(earlier[-1], seal):
                seal = earlier[-1]  # no new events since the last seal: no duplicate
            for each in dict.fromkeys((*earlier, seal)):
                out.write(json.dumps({"seal": each.as_dict()}).encode() + b"\n")
            _rewrite_header(out, created_at, seal.events)
        seals.append_new(seal)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        ledger.close()
    return seal


def _header(created_at: str, events: int) -> bytes:
    header = json.dumps({"format": FORMAT, "version": VERSION, "created_at": created_at,
                         "events": events})
    return header.ljust(HEADER_WIDTH - 1).encode() + b"\n"


def _rewrite_header(out: BinaryIO, created_at: str, events: int) -> None:
    out.seek(0)
    out.write(_header(created_at, events))


def _same_events(a: Seal, b: Seal) -> bool:
    return (a.position, a.events, a.chain) == (b.position, b.events, b.chain)
