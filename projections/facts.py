"""Stored events as the read side sees them: flat, decoded once, shared by every view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from projections.instants import instant_text

_ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor"}


@dataclass(frozen=True)
class Fact:
    """One event: where it sits in the log, what happened, to which aggregate, by whom."""

    position: int
    aggregate: str  # "plan" | "commitment" | "member"
    kind: str  # the event's name, e.g. "ProgressReported"
    aggregate_id: UUID
    version: int
    timestamp: datetime
    actor: UUID | None
    data: dict[str, Any]

    # Computed once per fact, since every view asks for them (plain attributes: cheaper to set
    # up than cached properties, which take a lock).
    key: str = field(init=False, repr=False, compare=False)
    """`aggregate.kind`, e.g. "commitment.ProgressReported": what views dispatch on."""
    aggregate_text: str = field(init=False, repr=False, compare=False)
    """The aggregate id as the views store it."""
    actor_text: str | None = field(init=False, repr=False, compare=False)
    instant: str = field(init=False, repr=False, compare=False)
    """The timestamp as the views store instants (see `projections.instants`)."""

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # the dataclass is frozen
        set_(self, "key", f"{self.aggregate}.{self.kind}")
        set_(self, "aggregate_text", str(self.aggregate_id))
        set_(self, "actor_text", None if self.actor is None else str(self.actor))
        set_(self, "instant", instant_text(self.timestamp))


def to_fact(app: Application[UUID], notification: Notification) -> Fact:
    event = app.mapper.to_domain_event(notification)
    _, aggregate, kind = notification.topic.split("/", 2)
    state = vars(event)
    # What Fact(...) and its __post_init__ set, written in one go: the frozen dataclass's own
    # __init__ sets each of its twelve attributes through object.__setattr__, a few percent of
    # a rebuild. tests/projections_runner/test_facts.py checks that both give the same fact.
    fact: Fact = object.__new__(Fact)
    actor = state.get("actor")
    fact.__dict__.update(
        position=notification.id,
        aggregate=aggregate,
        kind=kind,
        aggregate_id=event.originator_id,
        version=event.originator_version,
        timestamp=state["timestamp"],
        actor=actor,
        data={k: v for k, v in state.items() if k not in _ENVELOPE},
        key=f"{aggregate}.{kind}",
        aggregate_text=_text(event.originator_id),
        actor_text=None if actor is None else _text(actor),
        instant=instant_text(state["timestamp"]),
    )
    return fact


# UUID (as its integer) -> str(UUID): an aggregate's events and an actor's share the text, which
# costs a microsecond to make. Emptied when full, so that it stays small however long the log.
_TEXTS: dict[int, str] = {}
_TEXTS_LIMIT = 20_000


def _text(uuid: UUID) -> str:
    found = _TEXTS.get(uuid.int)
    if found is None:
        if len(_TEXTS) >= _TEXTS_LIMIT:
            _TEXTS.clear()
        found = _TEXTS[uuid.int] = str(uuid)
    return found


def read_facts(
    app: Application[UUID], after: int, *, limit: int, stop: int | None = None
) -> list[Fact]:
    """Up to `limit` facts with positions greater than `after` (and at most `stop`)."""
    notifications = app.recorder.select_notifications(
        start=after, limit=limit, stop=stop, inclusive_of_start=False
    )
    return [to_fact(app, n) for n in notifications]


