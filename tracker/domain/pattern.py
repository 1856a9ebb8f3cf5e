"""The CX pattern library: patterns and assets the CCO (and leads she allows) publish.

A `Pattern` keeps every version: `Published` is version 1 and each `Revised` (with its reason)
the next one, each carrying the whole content (title, text, journeys, departments, links), so an
earlier version reads straight from its own event. `Retired` ends it: nothing new may cite it,
and its versions stay readable.

The `PatternLibrary` (one per installation, a deterministic id) records who besides the CCO may
publish: `PublisherGranted` / `PublisherRevoked`, each by the CCO with its actor.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from tracker.domain.base import ID_NAMESPACE, TrackerAggregate, topic
from tracker.errors import Invalid

CONTENT = ("title", "text", "journeys", "departments", "links")


def pattern_library_id() -> UUID:
    return uuid5(ID_NAMESPACE, "pattern-library")


class Pattern(TrackerAggregate):
    TOPIC = topic("pattern", "Pattern")
    # Named so that `Pattern(id=...)` may choose the id (a publish form's idempotency key).
    id: UUID

    class Created(TrackerAggregate.Created):
        TOPIC = topic("pattern", "Created")

    @event("Published", topic=topic("pattern", "Published"))
    def __init__(
        self, title: str, text: str, journeys: list[str], departments: list[str],
        links: list[dict[str, str]], actor: UUID,
    ) -> None:
        """`links`: [{"label": ..., "url": ...}] (http, https or mailto; checked by the service)."""
        self.revisions: list[dict[str, Any]] = []
        self.retired = False
        self._keep(title, text, journeys, departments, links)

    def _keep(self, title: str, text: str, journeys: list[str], departments: list[str],
              links: list[dict[str, str]]) -> None:
        self.revisions.append({"title": title, "text": text, "journeys": list(journeys),
                               "departments": list(departments),
                               "links": [dict(link) for link in links]})

    @property
    def current(self) -> dict[str, Any]:
        return self.revisions[-1]

    @property
    def revision(self) -> int:
        """The current version's number (1 when published)."""
        return len(self.revisions)

    def revise(self, content: dict[str, Any], reason: str, actor: UUID) -> None:
        self._require_live()
        if not reason:
            raise Invalid.field("reason", "a reason is required to revise a pattern")
        if all(content[f] == self.current[f] for f in CONTENT):
            raise Invalid.field("text", "nothing to revise: every value is as it is")
        self._revised(**{f: content[f] for f in CONTENT}, reason=reason, actor=actor)

    @event("Revised", topic=topic("pattern", "Revised"))
    def _revised(
        self, title: str, text: str, journeys: list[str], departments: list[str],
        links: list[dict[str, str]], reason: str, actor: UUID,
    ) -> None:
        self._keep(title, text, journeys, departments, links)

    def retire(self, reason: str, actor: UUID) -> None:
        self._require_live()
        if not reason:
            raise Invalid.field("reason", "a reason is required to retire a pattern")
        self._retired(reason=reason, actor=actor)

    @event("Retired", topic=topic("pattern", "Retired"))
    def _retired(self, reason: str, actor: UUID) -> None:
        self.retired = True

    def _require_live(self) -> None:
        if self.retired:
            raise Invalid.field("pattern", "is retired")


class PatternLibrary(TrackerAggregate):
    TOPIC = topic("library", "PatternLibrary")

    class Created(TrackerAggregate.Created):
        TOPIC = topic("library", "Created")

    @staticmethod
    def create_id(actor: UUID) -> UUID:
        return pattern_library_id()

    @event("Opened", topic=topic("library", "Opened"))
    def __init__(self, actor: UUID) -> None:
        self.publishers: set[UUID] = set()

    def grant_publisher(self, member: UUID, actor: UUID) -> None:
        if member in self.publishers:
            raise Invalid.field("member", "may already publish patterns")
        self._publisher_granted(member=member, actor=actor)

    @event("PublisherGranted", topic=topic("library", "PublisherGranted"))
    def _publisher_granted(self, member: UUID, actor: UUID) -> None:
        self.publishers.add(member)

    def revoke_publisher(self, member: UUID, actor: UUID) -> None:
        if member not in self.publishers:
            raise Invalid.field("member", "may not publish patterns")
        self._publisher_revoked(member=member, actor=actor)

    @event("PublisherRevoked", topic=topic("library", "PublisherRevoked"))
    def _publisher_revoked(self, member: UUID, actor: UUID) -> None:
        self.publishers.discard(member)
