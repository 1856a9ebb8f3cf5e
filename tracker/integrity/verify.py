"""Verification: recompute the chain from the store (or a bundle) and check it against the seals
and, for the store, against the events recorded in the ledger when sealing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import Application

from tracker.integrity.chain import GENESIS, Chain, next_link
from tracker.integrity.ledger import Ledger
from tracker.integrity.records import Record, stored_records
from tracker.integrity.seals import Seal
from tracker.integrity.walk import Divergence, Walk

Progress = Callable[[int], None]  # events checked so far


@dataclass(frozen=True)
class SealCheck:
    seal: Seal
    problem: str | None = None
    after: int = 0  # when it fails: the last position of a matching seal before it

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass
class Verification:
    source: str  # "the store" or the bundle's path
    events: int
    head: int
    chain: str
    seals: list[SealCheck]
    divergences: list[Divergence]
    divergence_count: int
    emails: dict[str, str]
    ledger_seals: list[SealCheck] = field(default_factory=list)  # the ledger's own chain
    ledger_used: bool = False  # each event was compared with the ledger's record of it
    problems: list[str] = field(default_factory=list)  # about the source as a whole
    ledger_untrusted_after: int | None = None  # the ledger's entries after this were not used

    @property
    def ok(self) -> bool:
        checks = self.seals + self.ledger_seals
        return not self.divergence_count and not self.problems and all(c.ok for c in checks)

    @property
    def unchecked(self) -> bool:
        """Nothing was found, but there was no seal to check against: not evidence of anything."""
        return self.ok and not self.seals

    @property
    def first(self) -> Divergence | None:
        return min(self.divergences, key=lambda d: d.position) if self.divergences else None


def check_seals(chain: Chain, seals: Iterable[Seal]) -> list[SealCheck]:
    """Each seal against the chain, in position order; a failing seal says where to look."""
    checks, after = [], 0
    for seal in sorted(set(seals), key=lambda s: (s.position, s.sealed_at)):
        problem = _seal_problem(chain, seal)
        checks.append(SealCheck(seal, problem, after))
        if problem is None:
            after = seal.position
    return checks


def _seal_problem(chain: Chain, seal: Seal) -> str | None:
    events, link = chain.at(seal.position)
    if chain.head < seal.position and events < seal.events:
        return (f"the log ends at position {chain.head}, before the sealed position "
                f"{seal.position}: events were removed from the end")
    if events != seal.events:
        fewer = "fewer" if events < seal.events else "more"
        return (f"{abs(seal.events - events)} {fewer} events up to position {seal.position} "
                f"than sealed ({events} now, {seal.events} sealed)")
    if link.hex() != seal.chain:
        return "the chain differs from the sealed one"
    return None


def walk_batches(batches: Iterable[Sequence[Record]], walk: Walk,
                 progress: Progress | None = None) -> Walk:
    for batch in batches:
        walk.feed(batch)
        if progress is not None:
            progress(walk.count)
    return walk.finish()


def verify_store(app: Application[Any], seals: Sequence[Seal], ledger: Ledger | None = None,
                 progress: Progress | None = None) -> Verification:
    # The ledger's end first, then the log's: whatever was sealed lies within the log read
    # (unless removed); events written meanwhile wait for the next verification.
    sealed = ledger.last_position() if ledger is not None else 0
    head = app.recorder.max_notification_id() or 0
    wanted = [seal.position for seal in seals]
    walk = Walk(ledger.entries(until=sealed) if ledger is not None else (), wanted=wanted)
    walk_batches(stored_records(app, stop=head), walk, progress)
    # The ledger names events only where a seal backs it. That matters when the log and the
    # ledger disagree, or when the log fails a seal (the ledger may have been altered with it).
    suspect = walk.ledger_divergence_count or not all(c.ok for c in check_seals(walk.chain, seals))
    backed = ledger_chain(ledger, wanted) if ledger is not None and suspect else None
    verification = verify_walk("the store", walk, seals, ledger=backed)
    verification.ledger_used = ledger is not None
    return verification


def ledger_chain(ledger: Ledger, wanted: Iterable[int] | None = None) -> Chain:
    """The chain over the digests the ledger recorded (kept at the `wanted` positions)."""
    chain, link = Chain(wanted), GENESIS
    for count, (position, _, _, digest) in enumerate(ledger.entries(), start=1):
        link = next_link(link, digest)
        chain.append(position, link)
        if count % 10_000 == 0:
            chain.compact()
    chain.compact()
    return chain


def verify_walk(source: str, walk: Walk, seals: Sequence[Seal], *,
                ledger: Chain | None = None) -> Verification:
    """The verdict on a finished walk: its divergences and every seal checked."""
    verification = Verification(
        source=source, events=walk.count, head=walk.chain.head, chain=walk.chain.last().hex(),
        seals=check_seals(walk.chain, seals), divergences=walk.divergences,
        divergence_count=walk.divergence_count, emails=walk.emails,
        ledger_seals=check_seals(ledger, _covered(ledger, seals)) if ledger is not None else [],
    )
    if _ledger_altered(verification):
        # The log matches every seal but the ledger does not: the ledger is what changed.
        _drop_ledger_divergences(verification, walk, after=0)
    elif ledger is not None and seals and not all(c.ok for c in verification.ledger_seals):
        # The ledger was altered too: it may name an intact event, or hide the changed one.
        # Its entries count only up to the last seal it matches; beyond, the seals bracket.
        trusted = max((c.seal.position for c in verification.ledger_seals if c.ok), default=0)
        _drop_ledger_divergences(verification, walk, after=trusted)
        verification.ledger_untrusted_after = trusted
    return verification


def _drop_ledger_divergences(v: Verification, walk: Walk, after: int) -> None:
    dropped = [d for d in walk.divergences if d.against_ledger and d.position > after]
    v.divergences = [d for d in walk.divergences if d not in dropped]
    hidden = walk.ledger_divergence_count - sum(d.against_ledger for d in walk.divergences)
    v.divergence_count -= len(dropped) + (hidden if after == 0 else 0)


def _ledger_altered(v: Verification) -> bool:
    return bool(v.seals) and all(c.ok for c in v.seals) and not all(c.ok for c in v.ledger_seals)


def _covered(chain: Chain, seals: Sequence[Seal]) -> list[Seal]:
    return [seal for seal in seals if seal.position <= chain.head]
