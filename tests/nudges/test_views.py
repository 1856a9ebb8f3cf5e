"""The nudges read model: check-ins due under each cadence, mentions, and notices in the story."""

from __future__ import annotations

from datetime import date, datetime, timezone
from uuid import UUID

from projections.queries import nudges as q
from projections.queries.timeline import timeline_page
from tests.nudges.conftest import Installation
from tracker import clock
from tracker.application import NoticeSpec


def test_a_check_in_is_due_once_the_cadence_in_force_has_passed(installation: Installation) -> None:
    inst, org = installation, installation.org
    inst.catch_up()
    # Made on 2026-03-02; the plan's cadence is 14 days: due on 2026-03-16.
    assert inst.quiet not in q.check_in_due_ids(inst.db, date(2026, 3, 15))
    assert inst.quiet in q.check_in_due_ids(inst.db, date(2026, 3, 16))
    org.app.set_commitment_check_in_cadence(org.support_lead, UUID(inst.quiet), 30)
    inst.catch_up()
    assert inst.quiet not in q.check_in_due_ids(inst.db, date(2026, 3, 20))
    org.app.set_commitment_check_in_cadence(org.support_lead, UUID(inst.quiet), None)
    org.app.set_check_in_cadence(org.cco, 7)
    inst.catch_up()
    assert inst.quiet in q.check_in_due_ids(inst.db, date(2026, 3, 9))
    # IT's reported progress on 2026-03-18: due again 7 days later.
    assert q.check_in_due_counts(inst.db, date(2026, 3, 24)) == {"customer-service": 2}
    assert q.check_in_due_counts(inst.db, date(2026, 3, 25)) == {"customer-service": 2, "it": 1}


def test_closed_commitments_never_need_a_check_in(installation: Installation) -> None:
    inst, org = installation, installation.org
    org.app.withdraw(org.support_lead, UUID(inst.quiet), reason="Superseded")
    inst.catch_up()
    assert inst.quiet not in q.check_in_due_ids(inst.db, date(2026, 6, 1))


def test_mentions_name_members_by_address_or_local_part_and_ignore_unknown_names(
    installation: Installation,
) -> None:
    inst, org = installation, installation.org
    with clock.frozen_at(datetime(2026, 3, 19, tzinfo=timezone.utc)):
        org.app.add_note(org.it_lead, UUID(inst.blocked),
                         text="Thanks @lead.customer-service. Also @CEO@example.com and @ghost, "
                              "mail me at someone@lead.sales")
    inst.catch_up()
    rows = inst.db.execute("SELECT recipient_id FROM nudge_triggers WHERE kind = 'mentioned'").fetchall()
    assert {r[0] for r in rows} == {str(org.support_lead), str(org.executive)}


def test_a_notice_about_a_commitment_is_part_of_its_story(installation: Installation) -> None:
    inst, org = installation, installation.org
    receipt = org.app.issue_notice(NoticeSpec(
        key="k", kind="overdue", recipient_id=org.support_lead, subject="Overdue: tickets",
        text="t", commitment_id=UUID(inst.overdue)))
    assert receipt is not None
    org.app.record_notice_sent(receipt.id, "email", "lead.customer-service@example.com")
    inst.catch_up()
    story = timeline_page(inst.db, commitment=inst.overdue).rows
    assert story[0]["kind"] == "Sent" and story[1]["kind"] == "Issued"
    assert story[1]["summary"] == "Customer Service Lead told (overdue): Overdue: tickets"
    assert story[0]["summary"] == "E-mailed lead.customer-service@example.com: Overdue: tickets"


def test_a_commitment_moved_to_another_department_is_counted_there(installation: Installation) -> None:
    inst, org = installation, installation.org
    org.app.move_commitment(org.cco, UUID(inst.quiet), department="it", reason="IT runs the page",
                            new_owner="lead.it@example.com")
    inst.catch_up()
    assert q.check_in_due_counts(inst.db, date(2026, 3, 17)) == {"customer-service": 1, "it": 1}


def test_notices_awaiting_a_digest_are_those_of_its_delivery_not_yet_bundled_found_by_their_index(
) -> None:
    from projections.database import open_views
    from projections.views.nudges import Nudges

    db = open_views(":memory:")
    Nudges().create(db)
    rows = [  # id, recipient, delivery, position, digest_id
        ("n1", "bob", "daily", 5, None), ("n2", "amy", "daily", 7, None),
        ("n3", "amy", "daily", 3, None), ("n4", "amy", "weekly", 4, None),
        ("n5", "amy", "daily", 1, "d1"), ("n6", "bob", "immediately", 2, None),
    ]
    for notice, recipient, delivery, position, digest in rows:
        db.execute(
            "INSERT INTO notices (id, key, kind, recipient_id, subject, text, delivery, issued_at,"
            " position, digest_id) VALUES (?, ?, 'mention', ?, 's', 't', ?, '2026-03-02', ?, ?)",
            [notice, notice, recipient, delivery, position, digest])
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    daily = q.awaiting_digest(db, "daily")
    db.conn.set_trace_callback(None)
    assert {k: [n["id"] for n in v] for k, v in daily.items()} == {"amy": ["n3", "n2"], "bob": ["n1"]}
    assert {k: [n["id"] for n in v] for k, v in q.awaiting_digest(db, "weekly").items()} == {
        "amy": ["n4"]}
    plan = " / ".join(r[-1] for r in db.execute("EXPLAIN QUERY PLAN " + statements[-1]))
    assert "USING INDEX notices_awaiting_digest" in plan  # not a walk through every notice
    db.close()
