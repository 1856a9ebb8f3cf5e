"""The application service's foundation: loading, authorising the actor, saving atomically."""

from __future__ import annotations

from collections.abc import Callable

from dataclasses import dataclass
from typing import ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from tracker import clock
from tracker.accounts import Accounts
from tracker.authorization import require_active
from tracker.domain import DateAsISO, Member, Plan, TrackerAggregate, member_id, plan_id
from tracker.errors import Conflict, NotAllowed, NotFound
from tracker.integrity.timeline import LatestStamp, check_not_backdated

A = TypeVar("A", bound=TrackerAggregate)


@dataclass(frozen=True)
class Receipt:
    """What a command returns: the aggregate it changed and where the log now ends."""

    id: UUID
    version: int
    position: int


@dataclass(frozen=True)
class RoadblockReceipt(Receipt):
    roadblock_id: str = ""


class ServiceBase(Application[UUID]):
    name = "CxTracker"
    env: ClassVar[dict[str, str]] = {"AGGREGATE_CACHE_MAXSIZE": "5000"}

    def __init__(self, env: dict[str, str] | None = None, accounts: Accounts | None = None) -> None:
        super().__init__(env)
        self.accounts = accounts if accounts is not None else Accounts(":memory:")
        self._latest_stamp = LatestStamp()  # the log's latest timestamp, kept between writes

    def close(self) -> None:
        """Close the event store and the accounts store (the application owns both)."""
        super().close()
        self.accounts.close()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # Loading

    def _get(self, cls: type[A], aggregate_id: UUID, what: str, *, copy: bool = True) -> A:
        """The aggregate, current. `copy=False` for reading only: the cached instance itself,
        without the deep copy a command needs (it must not be changed)."""
        try:
            aggregate: object = self.repository.get(aggregate_id, deepcopy_from_cache=copy)
        except AggregateNotFoundError:
            raise NotFound(what, aggregate_id) from None
        if not isinstance(aggregate, cls):
            raise NotFound(what, aggregate_id)
        return aggregate

    def _actor(self, actor_id: UUID, *, copy: bool = True) -> Member:
        """The acting member, who must exist and be active (`copy=False`: only to authorise, see
        `_get`)."""
        try:
            member: object = self.repository.get(actor_id, deepcopy_from_cache=copy)
        except AggregateNotFoundError:
            raise NotAllowed("unknown member") from None
        if not isinstance(member, Member):
            raise NotAllowed("unknown member")
        require_active(member)
        return member

    def _member_by_email(self, email: str) -> Member:
        """The member with this e-mail address; NotFound names the address, not its id."""
        try:
            return self._get(Member, member_id(email), "member")
        except NotFound:
            raise NotFound("member", email) from None

    def _plan(self) -> Plan:
        return self._get(Plan, plan_id(), "plan")

    def has_plan(self) -> bool:
        return plan_id() in self.repository

    # Saving

    @staticmethod
    def _expect(aggregate: TrackerAggregate, expected_version: int | None) -> None:
        """Optimistic concurrency for users: refuse when the aggregate moved on since they read it."""
        if expected_version is not None and aggregate.version != expected_version:
            raise Conflict()

    def _store(self, *aggregates: TrackerAggregate) -> Receipt:
        """Save all pending events in one atomic write; a version clash becomes `Conflict`.
        On the real clock, events stamped too far before the log's latest are refused."""
        stamps = [e.timestamp for a in aggregates for e in a.pending_events]
        if not clock.is_frozen():
            check_not_backdated(self.recorder, stamps, self._latest_stamp)
        try:
            recordings = self.save(*aggregates)
        except IntegrityError:
            raise Conflict() from None
        first = aggregates[0]
        position = recordings[-1].notification.id if recordings else self.recorder.max_notification_id() or 0
        if len(recordings) == len(stamps) and position - recordings[0].notification.id == len(stamps) - 1:
            self._latest_stamp.saved(recordings[0].notification.id, stamps)
        return Receipt(first.id, first.version, position)

    def _retrying(self, write: Callable[[], Receipt], attempts: int = 5) -> Receipt:
        """A write that needs no expected version (a note, a celebration) is redone on the state
        that won when another server saved the same aggregate first: its rules are checked again
        on that state, and the user is not bothered with a conflict nobody could see."""
        for _ in range(attempts - 1):
            try:
                return write()
            except Conflict:
                continue
        return write()

    def head(self) -> int:
        """The position of the last event in the log (0 when empty)."""
        return self.recorder.max_notification_id() or 0
