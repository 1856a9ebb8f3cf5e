"""The read side's facts: `to_fact` builds them without the dataclass's __init__ (for speed), so
check that it gives exactly what `Fact(...)` gives, derived attributes included."""

from __future__ import annotations

from dataclasses import fields

from projections.facts import Fact, read_facts
from tracker.application import CxTracker


def test_facts_read_from_the_log_equal_facts_made_by_the_constructor(store_app: CxTracker) -> None:
    facts = read_facts(store_app, 0, limit=10_000)
    assert facts and any(f.actor is not None for f in facts)
    for fact in facts:
        made = Fact(**{f.name: getattr(fact, f.name) for f in fields(Fact) if f.init})
        assert made == fact
        assert vars(made) == vars(fact)  # key, aggregate_text, actor_text, instant too
