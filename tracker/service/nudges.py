"""Nudge commands: check-in cadences, notice preferences, and recording what people were told.

Issuing a notice is how the reminder service (`cx-tracker remind`) claims it: the notice's id
comes from its dedup key, so of two processes recording the same notice only one succeeds
(`issue_notice` returns None for the other) and only that one sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from uuid import UUID

from tracker.authorization import require_cco, require_department_writer
from tracker.domain import Commitment, Member, Notice, TrackerAggregate, notice_id, rules
from tracker.domain.plan import MAX_CHECK_IN_DAYS
from tracker.domain.notice import DIGEST, KINDS, MODES
from tracker.errors import Conflict, Invalid, NotAllowed
from tracker.service.base import Receipt, ServiceBase
from tracker.unsubscribe import verify as verify_link

A = TypeVar("A", bound=TrackerAggregate)


@dataclass(frozen=True)
class NoticeSpec:
    """A notice to issue: the dedup key decides its identity."""

    key: str
    kind: str
    recipient_id: UUID
    subject: str
    text: str
    commitment_id: UUID | None = None
    delivery: str = "immediately"
    includes: list[str] = field(default_factory=list)


class NudgeCommands(ServiceBase):
    def set_check_in_cadence(self, actor: UUID, days: int | str) -> Receipt:
        member = self._actor(actor)
        require_cco(member, "set the plan's check-in cadence")
        plan = self._plan()
        plan.set_check_in_cadence(_days(days), actor=actor)
        return self._store(plan)

    def set_commitment_check_in_cadence(
        self, actor: UUID, commitment_id: UUID, days: int | str | None,
        expected_version: int | None = None,
    ) -> Receipt:
        """A commitment's own cadence; None or "" goes back to the plan's."""
        member = self._actor(actor)
        commitment = self._get(Commitment, commitment_id, "commitment")
        require_department_writer(member, commitment.department)
        self._expect(commitment, expected_version)
        value = None if days is None or days == "" else _days(days)
        commitment.set_check_in_cadence(value, actor=actor)
        return self._store(commitment)

    def set_notice_preference(self, actor: UUID, kind: str, mode: str) -> Receipt:
        """A member chooses how they hear of one kind of notice (only for themselves)."""
        member = self._actor(actor)
        member.set_notice_preference(kind, mode, actor=actor)
        return self._retrying_store(member, lambda m: m.set_notice_preference(kind, mode, actor=actor))

    def notice_preferences(self, member_ref: UUID) -> dict[str, str]:
        member = self._get(Member, member_ref, "member")
        return {kind: member.notice_preference(kind) for kind in KINDS}

    def unsubscribe(self, member_ref: UUID, kind: str | None) -> Receipt | None:
        """A verified one-click unsubscribe: one kind (or every kind) off. The caller checked
        the signed link; the member acts for themselves."""
        member = self._get(Member, member_ref, "member")
        for each in [kind] if kind else list(KINDS):
            member.set_notice_preference(each, "off", actor=member.id)
        return self._store(member) if member.pending_events else None

    def unsubscribe_by_link(self, key: str, token: str) -> Receipt | None:
        """A one-click unsubscribe link's token, checked against the installation's key."""
        member, kind = verify_link(key, token)
        return self.unsubscribe(member, kind)

    # The reminder service

    def issue_notice(self, spec: NoticeSpec) -> Receipt | None:
        """Record a notice; None when a notice with this key already exists (someone else
        issued it first: they send it, we do not)."""
        if spec.kind not in KINDS and spec.kind != DIGEST:
            raise Invalid.field("kind", f"unknown kind {spec.kind!r}")
        if spec.delivery not in (*MODES, DIGEST):
            raise Invalid.field("delivery", f"unknown delivery {spec.delivery!r}")
        if notice_id(spec.key) in self.repository:
            return None
        notice = Notice(
            key=spec.key, kind=spec.kind, recipient_id=spec.recipient_id,
            commitment_id=spec.commitment_id, subject=spec.subject, text=spec.text,
            delivery=spec.delivery, includes=list(spec.includes), actor=None,
        )
        try:
            return self._store(notice)
        except Conflict:
            return None

    def record_notice_sent(self, notice_ref: UUID, channel: str, address: str) -> Receipt:
        notice = self._get(Notice, notice_ref, "notice")
        notice.record_sent(channel, address)
        return self._retrying_store(notice, lambda n: n.record_sent(channel, address))

    def record_notice_failed(self, notice_ref: UUID, reason: str, attempts: int,
                             temporary: bool = False) -> Receipt:
        notice = self._get(Notice, notice_ref, "notice")
        short = reason[:500]

        def fail(n: Notice) -> None:
            n.record_failure(reason=short, attempts=attempts, temporary=temporary)

        fail(notice)
        return self._retrying_store(notice, fail)

    def claim_notice_retry(self, notice_ref: UUID, limit: int) -> bool:
        """Claim another try at a notice whose last sending failed temporarily: True when this
        process recorded the claim and so must send it; False when it is not due (sent, given up
        after `limit` failed runs) or another process claimed it first."""
        notice = self._get(Notice, notice_ref, "notice")
        try:
            notice.claim_retry(limit)
            self._store(notice)
        except (Invalid, Conflict):
            return False
        return True

    def mark_notice_read(self, actor: UUID, notice_ref: UUID) -> Receipt | None:
        self._actor(actor)
        notice = self._get(Notice, notice_ref, "notice")
        if notice.recipient_id != actor:
            raise NotAllowed("only its recipient can mark a notice read")
        if not notice.mark_read(actor):
            return None
        return self._retrying_store(notice, lambda n: n.mark_read(actor))

    def _retrying_store(self, aggregate: A, redo: Callable[[A], object]) -> Receipt:
        """Store; on a clash with another writer (the sender and the reader of a notice touch
        different facts), reload and apply the same change once more."""
        try:
            return self._store(aggregate)
        except Conflict:
            fresh = self._get(type(aggregate), aggregate.id, type(aggregate).__name__.lower())
            redo(fresh)
            return self._store(fresh)


def _days(value: int | str) -> int:
    return rules.whole_number("days", value, minimum=1, maximum=MAX_CHECK_IN_DAYS)
