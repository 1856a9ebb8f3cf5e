"""Sealing: the chain to the head of the log, after checking the log against the ledger.

Every newly sealed event's identity and digest go into the ledger in the same pass, in one
transaction that commits only when the whole log still matches what earlier seals recorded.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.application import Application

from tracker import clock
from tracker.integrity.ledger import Entry, Ledger
from tracker.integrity.records import Record, stored_records
from tracker.integrity.seals import Seal
from tracker.integrity.verify import Progress
from tracker.integrity.walk import OnEvent, Walk


class Diverged(Exception):
    """The log no longer matches the events sealed before: nothing is sealed."""

    def __init__(self, walk: Walk) -> None:
        self.walk = walk
        first = min(walk.divergences, key=lambda d: d.position)
        super().__init__(
            f"the log no longer matches what earlier seals recorded (first divergence at position "
            f"{first.position}: {first.problem}); nothing was sealed: run 'cx-tracker verify'"
        )


def seal_store(app: Application[Any], ledger: Ledger, *, on_event: OnEvent | None = None,
               progress: Progress | None = None) -> Seal:
    """A seal at the head of the log as it is now (events written meanwhile are left out)."""
    head = app.recorder.max_notification_id() or 0
    pending: list[Entry] = []
    with ledger.recording():
        last = ledger.last_position()

        def note(record: Record, body: bytes, digest: bytes, link: bytes) -> None:
            if record.position > last:
                pending.append(Entry(record.position, record.originator_id,
                                     record.originator_version, digest))
            if on_event is not None:
                on_event(record, body, digest, link)

        walk = Walk(ledger.entries(until=last), note, wanted=())  # only the head is read
        for batch in stored_records(app, stop=head):
            walk.feed(batch)
            ledger.add(pending)
            pending.clear()
            if progress is not None:
                progress(walk.count)
        if walk.finish().divergence_count:
            raise Diverged(walk)
    return Seal(walk.chain.head, walk.count, walk.chain.last().hex(), clock.now().isoformat())
