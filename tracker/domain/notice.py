"""The Notice aggregate: one thing a member was told (a reminder, a mention, a digest).

Each notice has a deterministic id derived from its dedup key (`notice_id`), so recording the
same reminder twice — a second run, or two servers at once — clashes on version 1 and only one
writer wins. Its own aggregate keeps the sender's writes away from commitments and members: a
reminder never makes a lead's open form stale.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import event

from tracker.domain.base import ID_NAMESPACE, TrackerAggregate, topic
from tracker.errors import Invalid

# What a member can be told. Each kind has a per-member preference (see MODES).
KINDS: dict[str, str] = {
    "due_soon": "A commitment you own is due soon",
    "overdue": "A commitment you own is overdue",
    "check_in": "A commitment you own needs a check-in",
    "help_requested": "Another department asked yours for help",
    "handed_to_department": "A commitment of your department changed hands",
    "roadblock_resolved": "A roadblock of your department was resolved",
    "handed_to_you": "A commitment was handed to you",
    "celebrated": "Your work was celebrated",
    "mentioned": "Someone mentioned you",
    "executive_digest": "The weekly plan digest (executives)",
}
DIGEST = "digest"  # a daily or weekly bundle of notices; not a preference of its own
IMMEDIATELY, DAILY, WEEKLY, OFF = "immediately", "daily", "weekly", "off"
MODES = (IMMEDIATELY, DAILY, WEEKLY, OFF)
CHANNELS = ("email", "outbox")


def notice_id(key: str) -> UUID:
    return uuid5(ID_NAMESPACE, "notice:" + key)


class Notice(TrackerAggregate):
    TOPIC = topic("notice", "Notice")

    class Created(TrackerAggregate.Created):
        TOPIC = topic("notice", "Created")

    @staticmethod
    def create_id(key: str, **_: object) -> UUID:
        return notice_id(key)

    @event("Issued", topic=topic("notice", "Issued"))
    def __init__(
        self, key: str, kind: str, recipient_id: UUID, commitment_id: UUID | None,
        subject: str, text: str, delivery: str, includes: list[str], actor: UUID | None,
    ) -> None:
        """`delivery`: immediately, daily or weekly (bundled in a digest), or digest (a bundle
        of the notices in `includes`). `actor` is None when the reminder service issued it."""
        self.key = key
        self.kind = kind
        self.recipient_id = recipient_id
        self.commitment_id = commitment_id
        self.delivery = delivery
        self.sent = False
        self.read = False
        self.failures = 0  # runs whose sending failed
        self.retryable = False  # the last failure was temporary
        self.retries_claimed = 0

    def record_sent(self, channel: str, address: str) -> None:
        if channel not in CHANNELS:
            raise Invalid.field("channel", f"must be one of {', '.join(CHANNELS)}")
        if self.sent:
            raise Invalid.field("notice", "was already sent")
        self._sent(channel=channel, address=address, actor=None)

    @event("Sent", topic=topic("notice", "Sent"))
    def _sent(self, channel: str, address: str, actor: UUID | None) -> None:
        self.sent = True

    @event("SendFailed", topic=topic("notice", "SendFailed"))
    def record_failure(self, reason: str, attempts: int, temporary: bool = False,
                       actor: UUID | None = None) -> None:
        """A run's sending failed after `attempts` tries; `temporary` (an SMTP 4xx, a connection
        that failed) means a later run may try again."""
        self.failures += 1
        self.retryable = temporary

    def claim_retry(self, limit: int) -> None:
        """Claim one more try at sending after a temporary failure. Saved before sending, with
        the version it was loaded at, so of two runs only one claims (and sends) it."""
        if self.sent:
            raise Invalid.field("notice", "was already sent")
        if not self.retryable or self.retries_claimed >= self.failures:
            raise Invalid.field("notice", "has no temporary failure to try again")
        if self.failures >= limit:
            raise Invalid.field("notice", f"was not delivered in {self.failures} runs: given up")
        self._retry_claimed(attempt=self.failures + 1, actor=None)

    @event("RetryClaimed", topic=topic("notice", "RetryClaimed"))
    def _retry_claimed(self, attempt: int, actor: UUID | None) -> None:
        self.retries_claimed += 1

    def mark_read(self, actor: UUID) -> bool:
        """Mark read by its recipient; False (and no event) when it already was."""
        if actor != self.recipient_id:
            raise Invalid.field("notice", "only its recipient can mark a notice read")
        if self.read:
            return False
        self._read(actor=actor)
        return True

    @event("Read", topic=topic("notice", "Read"))
    def _read(self, actor: UUID) -> None:
        self.read = True


def _upcast_send_failed_v1_v2(state: dict[str, object]) -> None:
    """Version 1 did not say whether the failure was temporary; such notices were never tried
    again, and are still not."""
    state["temporary"] = False


Notice.SendFailed.class_version = 2  # type: ignore[attr-defined]
Notice.SendFailed.upcast_v1_v2 = staticmethod(_upcast_send_failed_v1_v2)  # type: ignore[attr-defined]
