"""One pass over a log: build its chain and compare each event with what was sealed or stated.

The comparison is against the ledger's entries (the store) or each record's stated link (a
bundle). The hot loop stays flat: large batches, local names, rare cases in methods.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.integrity.chain import GENESIS, Chain
from tracker.integrity.ledger import Entry, EntryRow
from tracker.integrity.timeline import CLOCK_TOLERANCE, parse_timestamp
from tracker.integrity.versions import Versions
from tracker.integrity.records import (
    MEMBER_REGISTERED, Record, Unreadable, canonical, read_actor, read_timestamp,
)

MAX_DIVERGENCES = 20  # kept in full; the rest are only counted
OUTSIDE = ("this row lies at position {position}, outside the log's order (the store never "
           "writes at 0 or below, yet the application loads it with its aggregate)")
OnEvent = Callable[[Record, bytes, bytes, bytes], None]  # record, canonical, digest, link


@dataclass(frozen=True)
class EventInfo:
    """What is known of an event at a divergence (a missing one only has its identity)."""

    position: int
    originator_id: str
    originator_version: int
    topic: str | None = None
    timestamp: str | None = None
    actor: str | None = None  # the member id as stored


@dataclass(frozen=True)
class Divergence:
    position: int
    problem: str
    event: EventInfo
    against_ledger: bool = False  # found by comparing with the ledger (not by the log alone)


class Walk:
    def __init__(self, expected: Iterable[EntryRow] = (), on_event: OnEvent | None = None,
                 wanted: Iterable[int] | None = None) -> None:
        """`wanted`: the positions the chain will be read at (the seals'); None keeps every link."""
        self.chain = Chain(wanted)
        self.divergences: list[Divergence] = []
        self.divergence_count = self.ledger_divergence_count = 0
        self.emails: dict[str, str] = {}  # member id -> e-mail, from the log's registrations
        self.on_event = on_event
        self._expected: Iterator[EntryRow] = iter(expected)
        self._next: EntryRow | None = next(self._expected, None)
        self._link = self._stated = GENESIS
        self._versions = Versions()  # aggregate id -> the highest version met so far
        self.latest: tuple[datetime, int] | None = None  # the latest timestamp met, its position
        self._behind: int | None = None  # the position a backdated event was last reported behind

    @property
    def count(self) -> int:
        return len(self.chain)

    def feed(self, records: Sequence[Record]) -> None:
        sha, link, on_event, expected_entries = hashlib.sha256, self._link, self.on_event, self._expected
        positions, links = self.chain.positions, self.chain.links
        self._versions.fetch(record.originator_id for record in records)
        for record in records:
            state = record.state
            if type(state) is Unreadable:
                body = b"unreadable:" + state.raw  # still linked: no seal can match it
                self._diverge_at(record, state.reason)
            else:
                body = canonical(record)
            digest = sha(body).digest()
            link = sha(link + digest).digest()
            positions.append(record.position)
            links += link
            if record.link is not None:
                self._check_stated(record, digest)
            expected = self._next
            if expected is not None:  # (position, originator_id, originator_version, digest)
                if expected[0] == record.position and expected[3] == digest:
                    self._next = next(expected_entries, None)
                else:
                    self._compare(record, digest)
            if record.position <= 0:
                self._diverge_at(record, OUTSIDE.format(position=record.position))
            if type(state) is not Unreadable:
                self._check_order(record)
            if record.topic == MEMBER_REGISTERED and isinstance(state, dict):
                self.emails[record.originator_id] = str(state.get("email"))
            if on_event is not None:
                on_event(record, body, digest, link)
        self._link = link
        self.chain.compact()
        self._versions.spill()

    def finish(self) -> Walk:
        """Sealed events left over lie beyond the end of the log: they were removed."""
        while self._next is not None:
            self._missing(Entry._make(self._next))
        self._versions.close()
        return self

    def _check_order(self, record: Record) -> None:
        """Each aggregate's versions follow one another along the log, and no timestamp lies
        more than CLOCK_TOLERANCE before the latest one earlier in the log."""
        versions, originator, version = self._versions.recent, record.originator_id, record.originator_version
        before = versions.get(originator, 0)
        if version != before + 1:
            self._out_of_order(record, before)
        if version > before:
            versions[originator] = version
        stamped = parse_timestamp(read_timestamp(record.state))
        latest = self.latest
        if stamped is None:
            self._diverge_at(record, "the stored event has no readable timestamp")
        elif latest is None or stamped > latest[0]:
            self.latest = (stamped, record.position)
        elif stamped < latest[0] - CLOCK_TOLERANCE:
            if self._behind == latest[1]:  # one report per event they all lie behind
                self.divergence_count += 1
                return
            self._behind = latest[1]
            self._diverge_at(record, (
                f"this event is stamped {stamped.isoformat()}, "
                f"{_duration(latest[0] - stamped)} before the event at position {latest[1]} "
                f"({latest[0].isoformat()}): timestamps may not run backwards along the log by "
                f"more than {CLOCK_TOLERANCE.seconds} s (a backdated append)"))

    def _out_of_order(self, record: Record, before: int) -> None:
        if before == 0:
            problem = (f"version {record.originator_version} of this aggregate comes first in the "
                       "log: the versions before it are missing, or later in the log (out of order)")
        elif record.originator_version <= before:
            problem = (f"version {record.originator_version} of this aggregate comes after its "
                       f"version {before} in the log (out of order)")
        else:
            problem = (f"version {record.originator_version} of this aggregate follows its version "
                       f"{before}: the versions between are missing or later in the log (out of order)")
        self._diverge_at(record, problem)

    # Rare cases

    def _advance(self) -> None:
        self._next = next(self._expected, None)

    def _compare(self, record: Record, digest: bytes) -> None:
        while self._next is not None and self._next[0] < record.position:
            self._missing(Entry._make(self._next))
        entry = None if self._next is None else Entry._make(self._next)
        if entry is None:
            return  # a new event, after everything sealed
        if entry.position > record.position:
            self._diverge_at(record, "this event was not in the sealed log: it was inserted",
                             against_ledger=True)
            return
        if entry.digest != digest:
            if (entry.originator_id, entry.originator_version) == (record.originator_id,
                                                                   record.originator_version):
                problem = "the stored event differs from the one sealed at this position"
            else:
                problem = (f"the sealed log had {entry.originator_id} version "
                           f"{entry.originator_version} here: events were swapped, moved or replaced")
            self._diverge_at(record, problem, against_ledger=True)
        self._advance()

    def _missing(self, entry: Entry) -> None:
        self._diverge(Divergence(
            entry.position, "the event sealed at this position is missing from the log (deleted)",
            EventInfo(entry.position, entry.originator_id, entry.originator_version), True,
        ))
        self._advance()

    def _check_stated(self, record: Record, digest: bytes) -> None:
        assert record.link is not None
        stated = bytes.fromhex(record.link)
        if hashlib.sha256(self._stated + digest).digest() != stated:
            self._diverge_at(record, "the record does not match its link: it was changed, or a "
                                     "record before it was removed or reordered")
        self._stated = stated

    def _diverge_at(self, record: Record, problem: str, *, against_ledger: bool = False) -> None:
        state = record.state
        self._diverge(Divergence(record.position, problem, EventInfo(
            record.position, record.originator_id, record.originator_version, record.topic,
            read_timestamp(state), read_actor(state),
        ), against_ledger))

    def _diverge(self, divergence: Divergence) -> None:
        self.divergence_count += 1
        self.ledger_divergence_count += divergence.against_ledger
        if len(self.divergences) < MAX_DIVERGENCES:
            self.divergences.append(divergence)


def _duration(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    if seconds < 3600:
        return f"{seconds:,.0f} s"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:,.1f} hours"
    return f"{seconds / 86400:,.0f} days"
