"""The accountability view keeps its figures per department, owner and both in place: every row of
`accountability_figures` equals a recount of the view's own facts, and applying one event costs
the same however long the history (nothing is recounted, the medians' cursors move one place)."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid5

import pytest
from sqlite_utils import Database

from projections.facts import Fact
from projections.views.accountability import ALL, FIGURES, Accountability
from tests.conftest import Org
from tests.projections_views.conftest import Views, add_member
from tests.projections_views.generated import generate

START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
OWNERS = [str(uuid5(UUID(int=0), f"owner-{n}")) for n in range(4)]


def recount(db: Database) -> dict[tuple[str, str], dict[str, Any]]:
    """Every figures row worked out again from the view's commitments, handovers and
    roadblocks, with the median by `statistics.median`."""
    rows: dict[tuple[str, str], Counter[str]] = {}
    durations: dict[tuple[str, str], list[float]] = {}

    def keys(department: str, owner: str) -> list[tuple[str, str]]:
        return [(department, ALL), (department, owner), (ALL, owner)]

    def add(ks: list[tuple[str, str]], **figures: int) -> None:
        for k in ks:
            rows.setdefault(k, Counter()).update(figures)

    for c in db.query("SELECT * FROM accountability_commitments"):
        add(keys(c["department"], c["owner_id"]), made=1, kept=c["kept"],
            kept_on_original=c["kept_on_original"], late=c["late"],
            withdrawn=c["status"] == "withdrawn", moves=c["moves"],
            days_slipped=c["days_slipped"])
    for h in db.query("SELECT * FROM accountability_handovers"):
        add([(h["department"], ALL), (h["department"], h["to_owner"]), (ALL, h["to_owner"])],
            handovers_in=1)
        add([(h["department"], h["from_owner"]), (ALL, h["from_owner"])], handovers_out=1)
    for r in db.query("SELECT * FROM accountability_roadblocks"):
        add(keys(r["department"], r["owner_id"]), raised=1,
            resolved=r["days_to_resolve"] is not None)
        if r["days_to_resolve"] is not None:
            for k in keys(r["department"], r["owner_id"]):
                durations.setdefault(k, []).append(r["days_to_resolve"])
        if r["helped_by"]:
            add([(r["helped_by"], ALL)], helped=1)
        if r["resolved_by"] is not None and r["resolved_by"] != r["owner_id"]:
            add([(r["department"], r["resolved_by"]), (ALL, r["resolved_by"])], helped=1)
    for c in db.query("SELECT * FROM accountability_contributors"):
        add([(c["department"], ALL)], contributed=1)
    counted = ("made", "kept", "kept_on_original", "late", "withdrawn", "moves", "days_slipped",
               "handovers_in", "handovers_out", "raised", "resolved", "helped", "contributed")
    return {
        k: {**{c: figures[c] for c in counted},
            "median_days_to_resolve": (pytest.approx(statistics.median(durations[k]))
                                       if k in durations else None)}
        for k, figures in rows.items()
    }


def stored(db: Database) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for row in db.query(f"SELECT * FROM {FIGURES}"):
        key = (row.pop("department"), row.pop("owner_id"))
        del row["middle_days"], row["middle_rowid"]
        if any(row.values()):  # a row whose every figure went back to zero counts nothing
            found[key] = row
    return found


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_every_figures_row_equals_a_recount_of_the_views_facts(
    org: Org, views: Views, seed: int
) -> None:
    add_member(org, "ann@example.com", "Ann Agent", role="cco")
    generate(org, seed, steps=150)
    db = views.sync()
    assert stored(db) == recount(db)


class Facts:
    """Accountability facts made up directly (no application), applied to a bare view."""

    def __init__(self) -> None:
        self.db = Database(memory=True)
        self.view = Accountability()
        self.view.create(self.db)
        self.position = 0
        self.now = START

    def apply(self, kind: str, commitment: UUID, actor: str | None = None, hours: float = 1,
              **data: Any) -> None:
        self.position += 1
        self.now += timedelta(hours=hours)
        self.view.apply(self.db, Fact(
            position=self.position, aggregate="commitment", kind=kind, aggregate_id=commitment,
            version=1, timestamp=self.now, actor=None if actor is None else UUID(actor),
            data=data,
        ))

    def commitment(self, n: int, owner: str = OWNERS[0], department: str = "it") -> UUID:
        cid = uuid5(UUID(int=1), f"commitment-{n}")
        self.apply("Made", cid, department=department, owner_id=UUID(owner),
                   due_date=date(2026, 6, 1))
        return cid

    def resolved_roadblock(self, cid: UUID, rid: str, hours: float, by: str = OWNERS[0]) -> None:
        self.apply("RoadblockRaised", cid, roadblock_id=rid)
        self.apply("RoadblockResolved", cid, actor=by, hours=hours, roadblock_id=rid,
                   helped_by=None)

    def steps(self, event: Iterator[None]) -> int:
        """SQLite virtual-machine steps (in units of 100) taken to apply what `event` does."""
        count = 0

        def tick() -> int:
            nonlocal count
            count += 1
            return 0

        self.db.conn.set_progress_handler(tick, 100)
        try:
            next(event, None)
        finally:
            self.db.conn.set_progress_handler(None, 100)
        return count


def history(size: int, seed: int = 1) -> Facts:
    """One department whose first owner has `size` resolved roadblocks (one commitment each),
    resolved by somebody else half the time; the second owner a few."""
    rng, facts = random.Random(seed), Facts()
    for n in range(size):
        cid = facts.commitment(n, OWNERS[0] if n % 50 else OWNERS[1])
        facts.resolved_roadblock(cid, "R1", hours=rng.uniform(1, 500), by=OWNERS[n % 2 * 2])
    return facts


def resolve_and_hand_over(facts: Facts) -> Iterator[None]:
    cid = facts.commitment(10**6)
    facts.apply("RoadblockRaised", cid, roadblock_id="R1")
    yield
    facts.apply("RoadblockResolved", cid, actor=OWNERS[2], hours=100, roadblock_id="R1",
                helped_by=None)
    facts.apply("OwnershipHandedOver", cid, from_owner=UUID(OWNERS[0]),
                to_owner=UUID(OWNERS[1]))


@pytest.mark.parametrize("seed", [1, 2])
def test_a_resolution_or_a_handover_costs_the_same_however_long_the_history(seed: int) -> None:
    def cost(size: int) -> int:
        facts = history(size, seed)
        event = resolve_and_hand_over(facts)
        next(event)  # made and raised: not measured
        return facts.steps(event)

    small, large = cost(20), cost(2_000)
    # Indexed look-ups grow with log(n) only; a count or an OFFSET over the owner's, the
    # department's or the resolver's roadblocks would take ~100x as many steps at 2,000.
    assert large < 1.5 * small, (small, large)


def test_the_median_cursor_follows_inserts_and_removals_in_any_order() -> None:
    rng, facts = random.Random(7), Facts()
    # Ten commitments with 1-4 resolved roadblocks each, durations with ties, handed back and
    # forth between two owners.
    owner_of = {}
    for n in range(10):
        cid = facts.commitment(n)
        owner_of[cid] = OWNERS[0]
        for r in range(rng.randint(1, 4)):
            facts.resolved_roadblock(cid, f"R{r}", hours=rng.choice([2, 24, 24, 48, 96, 200]))
    for _ in range(40):
        cid = rng.choice(list(owner_of))
        to = OWNERS[1] if owner_of[cid] == OWNERS[0] else OWNERS[0]
        facts.apply("OwnershipHandedOver", cid, from_owner=UUID(owner_of[cid]), to_owner=UUID(to))
        owner_of[cid] = to
        assert stored(facts.db) == recount(facts.db)
