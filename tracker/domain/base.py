"""What every aggregate shares: the clock-driven timestamp and the stable topic scheme."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Transcoding

from tracker import clock

# Deterministic ids (members by e-mail, the plan) live in this namespace.
ID_NAMESPACE: UUID = uuid5(NAMESPACE_URL, "urn:cx-tracker")


def topic(aggregate: str, event_name: str) -> str:
    """A stored event's topic: stable, independent of the module it is defined in."""
    return f"cx-tracker/{aggregate}/{event_name}"


class TrackerAggregate(Aggregate):
    """Base aggregate: events take their timestamp from `tracker.clock`."""

    class Event(Aggregate.Event):
        @staticmethod
        def create_timestamp() -> datetime:
            return clock.now()


class DateAsISO(Transcoding):
    """Business dates (due dates, completion dates) are stored as ISO 8601 strings."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: Any) -> date:
        return date.fromisoformat(data)
