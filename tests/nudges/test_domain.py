"""Check-in cadences, notice preferences and notices on the write side."""

from __future__ import annotations

import pytest
from eventsourcing.utils import get_topic

from tests.conftest import Org
from tests.core.support import decoded_events, refused
from tracker.application import NoticeSpec
from tracker.domain import Commitment, Member, Notice, Plan, notice_id
from tracker.domain.plan import DEFAULT_CHECK_IN_DAYS
from tracker.errors import Invalid, NotAllowed


def test_the_plan_cadence_starts_at_the_default_and_the_cco_changes_it(org: Org) -> None:
    app = org.app
    assert app._plan().check_in_days == DEFAULT_CHECK_IN_DAYS
    app.set_check_in_cadence(org.cco, "7")
    assert app._plan().check_in_days == 7
    assert type(decoded_events(app)[-1]).__name__ == "CheckInCadenceSet"


def test_only_the_cco_sets_the_plan_cadence_and_only_a_sane_number(org: Org) -> None:
    with refused(org.app, NotAllowed):
        org.app.set_check_in_cadence(org.support_lead, 7)
    with refused(org.app, Invalid, "days"):
        org.app.set_check_in_cadence(org.cco, 0)
    with refused(org.app, Invalid, "days"):
        org.app.set_check_in_cadence(org.cco, "a week")


def test_a_commitment_has_its_own_cadence_until_it_goes_back_to_the_plans(org: Org) -> None:
    cid = org.commitment()
    org.app.set_commitment_check_in_cadence(org.support_lead, cid, "3")
    assert org.app._commitment(cid).check_in_days == 3
    org.app.set_commitment_check_in_cadence(org.support_lead, cid, "")
    assert org.app._commitment(cid).check_in_days is None
    with refused(org.app, NotAllowed):
        org.app.set_commitment_check_in_cadence(org.it_lead, cid, 5)


def test_a_member_sets_their_own_preferences_only_to_known_modes(org: Org) -> None:
    app = org.app
    app.set_notice_preference(org.support_lead, "overdue", "daily")
    assert app.notice_preferences(org.support_lead)["overdue"] == "daily"
    assert app.notice_preferences(org.support_lead)["due_soon"] == "immediately"
    with refused(app, Invalid, "mode"):
        app.set_notice_preference(org.support_lead, "overdue", "hourly")
    with refused(app, Invalid, "kind"):
        app.set_notice_preference(org.support_lead, "gossip", "off")


def test_unsubscribe_turns_one_kind_or_every_kind_off(org: Org) -> None:
    app = org.app
    app.unsubscribe(org.it_lead, "check_in")
    prefs = app.notice_preferences(org.it_lead)
    assert prefs["check_in"] == "off" and prefs["overdue"] == "immediately"
    app.unsubscribe(org.it_lead, None)
    assert set(app.notice_preferences(org.it_lead).values()) == {"off"}
    assert app.unsubscribe(org.it_lead, None) is None  # nothing left to change, nothing recorded


def _spec(org: Org, key: str = "overdue:x") -> NoticeSpec:
    return NoticeSpec(key=key, kind="overdue", recipient_id=org.support_lead,
                      subject="Overdue", text="Your commitment is overdue.")


def test_a_notice_is_issued_once_per_key(org: Org) -> None:
    app = org.app
    first = app.issue_notice(_spec(org))
    assert first is not None and first.id == notice_id("overdue:x")
    head = app.head()
    assert app.issue_notice(_spec(org)) is None
    assert app.head() == head


def test_a_notice_is_sent_once_and_read_by_its_recipient_only(org: Org) -> None:
    app = org.app
    receipt = app.issue_notice(_spec(org))
    assert receipt is not None
    app.record_notice_sent(receipt.id, "email", "lead.customer-service@example.com")
    with refused(app, Invalid, "notice"):
        app.record_notice_sent(receipt.id, "email", "lead.customer-service@example.com")
    with refused(app, NotAllowed):
        app.mark_notice_read(org.it_lead, receipt.id)
    assert app.mark_notice_read(org.support_lead, receipt.id) is not None
    assert app.mark_notice_read(org.support_lead, receipt.id) is None
    kinds = [type(e).__name__ for e in decoded_events(app, receipt.position)]
    assert kinds == ["Issued", "Sent", "Read"]


@pytest.mark.parametrize(("cls", "name", "expected"), [
    (Notice, "Issued", "cx-tracker/notice/Issued"),
    (Notice, "Sent", "cx-tracker/notice/Sent"),
    (Notice, "SendFailed", "cx-tracker/notice/SendFailed"),
    (Notice, "Read", "cx-tracker/notice/Read"),
    (Plan, "CheckInCadenceSet", "cx-tracker/plan/CheckInCadenceSet"),
    (Commitment, "CheckInCadenceSet", "cx-tracker/commitment/CheckInCadenceSet"),
    (Member, "NoticePreferenceSet", "cx-tracker/member/NoticePreferenceSet"),
])
def test_new_events_have_stable_topics(cls: type, name: str, expected: str) -> None:
    assert get_topic(getattr(cls, name)) == expected


def test_a_send_failure_recorded_before_retries_existed_replays_as_final(org: Org) -> None:
    """Version 1 of SendFailed had no `temporary`: upcast as a failure no run tries again."""
    receipt = org.app.issue_notice(NoticeSpec(
        key="k:old-failure", kind="overdue", recipient_id=org.support_lead, subject="Overdue",
        text="t", commitment_id=None, delivery="immediately"))
    assert receipt is not None
    notice = org.app.repository.get(receipt.id)
    notice.record_failure(reason="451 later", attempts=3, temporary=True)
    [failed] = notice.collect_events()
    stored = org.app.mapper.to_stored_event(failed)
    state = org.app.mapper.transcoder.decode(stored.state)
    assert state.pop("temporary") is True and state.pop("class_version") == 2
    old = type(stored)(originator_id=stored.originator_id,
                       originator_version=stored.originator_version, topic=stored.topic,
                       state=org.app.mapper.transcoder.encode(state))
    replayed = org.app.mapper.to_domain_event(old)
    assert replayed.temporary is False
    with pytest.raises(Invalid, match="no temporary failure"):
        replayed.mutate(org.app.repository.get(receipt.id)).claim_retry(limit=5)
