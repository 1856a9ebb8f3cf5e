"""`remind` against a real SMTP server: who gets what, once; retries; the outbox; preferences."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta
from uuid import UUID

from projections.database import open_views
from projections.queries import nudges as q
from projections.reminders.remind import RETRY_RUNS, Outcome, remind
from projections.runner import Runner
from projections.views import all_views
from tests.nudges.conftest import AT, KEY, LINKS, Handler, Installation, mailer, open_app
from tracker import clock
from tracker.mail import SmtpSettings
from tracker.unsubscribe import verify

SUPPORT, CEO = "lead.customer-service@example.com", "ceo@example.com"


def two_runs_at_once(installation: Installation, settings: SmtpSettings,
                     at: datetime) -> list[Outcome]:
    """Two reminder runs, each with its own application and views, released together at `at`."""
    outcomes: list[Outcome] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        app = open_app(installation.data)
        db = open_views(":memory:")
        try:
            Runner(app, db, all_views()).catch_up()
            barrier.wait(timeout=60)
            outcomes.append(remind(app, db, lambda: Runner(app, db, all_views()).catch_up(), at,
                                   links=LINKS, mailer=mailer(settings), due_within_days=3))
        finally:
            db.close()
            app.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def subjects(handler: Handler, address: str) -> list[str]:
    return sorted(str(m["Subject"]) for m in handler.to(address))


def test_each_owner_lead_and_executive_gets_what_concerns_them(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    outcome = installation.remind(mailer(settings))
    assert outcome.issued == Counter(overdue=1, check_in=1, help_requested=1, executive_digest=1)
    assert outcome.emailed == 4
    assert subjects(handler, SUPPORT) == [
        "Check-in due: Publish a status page",
        "Help asked of Customer Service: Replace the phone system",
        "Overdue: Answer every ticket within 4 hours",
    ]
    assert subjects(handler, CEO) == ["CX plan this week: 1 overdue, 0 completed"]
    assert subjects(handler, "lead.it@example.com") == []
    assert all(r.recipients == [str(r.message["To"])] for r in handler.received)


def test_a_message_has_plain_text_html_and_a_signed_unsubscribe_link(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    installation.remind(mailer(settings))
    [overdue] = [m for m in handler.to(SUPPORT) if str(m["Subject"]).startswith("Overdue")]
    assert overdue["From"] == "cx@example.com"
    text = overdue.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = overdue.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "was due on 2026-03-10 and is 10 days overdue" in text
    assert f"http://cx.example/commitments/{installation.overdue}" in text
    assert f'href="http://cx.example/commitments/{installation.overdue}"' in html
    link = str(overdue["List-Unsubscribe"]).strip("<>")
    assert link.startswith("http://cx.example/inbox/unsubscribe/")
    member, kind = verify(KEY, link.rsplit("/", 1)[1])
    assert member == installation.org.support_lead and kind == "overdue"


def test_a_second_run_sends_nothing_new(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    installation.remind(mailer(settings))
    head = installation.org.app.head()
    again = installation.remind(mailer(settings), at=AT + timedelta(hours=1))
    assert sum(again.issued.values()) == 0 and again.already == 4
    assert len(handler.received) == 4
    assert installation.org.app.head() == head  # nothing recorded either


def test_two_processes_at_once_send_each_reminder_once(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    installation.catch_up()
    outcomes = two_runs_at_once(installation, settings, AT)
    assert len(outcomes) == 2
    assert sum(sum(o.issued.values()) for o in outcomes) == 4
    assert len(handler.received) == 4
    assert len({str(m.message["Subject"]) + str(m.recipients) for m in handler.received}) == 4


def test_a_temporary_failure_is_retried_and_delivered(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    handler.fail_next = 2  # the first message fails twice with 451, then goes through
    outcome = installation.remind(mailer(settings, attempts=3))
    assert outcome.emailed == 4 and outcome.failed == 0
    assert len(handler.received) == 4
    installation.catch_up()
    sent = installation.db.execute("SELECT count(*) FROM notices WHERE channel = 'email'").fetchone()
    assert sent[0] == 4


def test_a_permanent_failure_is_recorded_and_not_retried(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    handler.fail_next, handler.fail_reply = 1, "550 5.1.1 No such mailbox"
    outcome = installation.remind(mailer(settings, attempts=3))
    assert outcome.failed == 1 and outcome.emailed == 3
    installation.catch_up()
    [failed] = q.outbox(installation.db)
    assert failed["failed_reason"].startswith("550") and failed["failed_attempts"] == 1
    assert failed["sent_at"] is None


def test_a_temporary_failure_is_tried_again_by_the_next_run_and_delivered_once(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    handler.fail_next = 2  # the first message fails both tries of the first run
    first = installation.remind(mailer(settings, attempts=2))
    assert (first.failed, first.emailed, first.retried) == (1, 3, 0)
    second = installation.remind(mailer(settings, attempts=2), at=AT + timedelta(hours=1))
    assert (second.retried, second.emailed, second.failed) == (1, 1, 0)
    assert len(handler.received) == 4
    assert len({str(m.message["Subject"]) + str(m.recipients) for m in handler.received}) == 4
    third = installation.remind(mailer(settings), at=AT + timedelta(hours=2))
    assert (third.retried, third.emailed) == (0, 0) and len(handler.received) == 4
    installation.catch_up()
    assert q.outbox(installation.db) == []  # nothing left undelivered


def test_two_runs_at_once_try_a_failed_notice_again_once(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    handler.fail_next = 1
    installation.remind(mailer(settings, attempts=1))
    assert len(handler.received) == 3
    outcomes = two_runs_at_once(installation, settings, AT + timedelta(hours=1))
    assert len(outcomes) == 2 and sum(o.retried for o in outcomes) == 1
    assert len(handler.received) == 4


def test_a_notice_that_keeps_failing_is_given_up_after_a_few_runs(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    handler.fail_next = 1
    installation.remind(mailer(settings, attempts=1))
    runs = []
    for hour in range(1, RETRY_RUNS + 2):
        handler.fail_next = 1  # whatever is tried first fails again
        runs.append(installation.remind(mailer(settings, attempts=1),
                                        at=AT + timedelta(hours=hour)).retried)
    assert runs == [1] * (RETRY_RUNS - 1) + [0, 0]
    assert len(handler.received) == 3
    installation.catch_up()
    [failed] = q.outbox(installation.db)
    assert failed["failed_reason"].startswith("451") and failed["sent_at"] is None


def test_a_permanent_failure_is_not_tried_by_a_later_run(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    handler.fail_next, handler.fail_reply = 1, "550 5.1.1 No such mailbox"
    installation.remind(mailer(settings, attempts=3))
    again = installation.remind(mailer(settings), at=AT + timedelta(hours=1))
    assert again.retried == 0 and len(handler.received) == 3


def test_without_smtp_messages_go_to_the_outbox(installation: Installation) -> None:
    outcome = installation.remind(None)
    assert outcome.outboxed == 4 and outcome.emailed == 0
    installation.catch_up()
    box = q.outbox(installation.db)
    assert sorted(n["email"] for n in box) == sorted([SUPPORT, SUPPORT, SUPPORT, CEO])
    assert {n["channel"] for n in box} == {"outbox"}


def test_a_kind_turned_off_is_not_sent_and_daily_ones_come_in_one_digest(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    app, lead = installation.org.app, installation.org.support_lead
    app.set_notice_preference(lead, "overdue", "off")
    app.set_notice_preference(lead, "check_in", "daily")
    app.set_notice_preference(lead, "help_requested", "daily")
    outcome = installation.remind(mailer(settings))
    assert outcome.skipped_off == Counter(overdue=1)
    assert outcome.issued["digest"] == 1
    [digest] = handler.to(SUPPORT)
    assert digest["Subject"] == "Your daily CX digest: 2 notice(s)"
    body = digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Check-in due: Publish a status page" in body and "Help asked of" in body
    installation.catch_up()
    assert q.unread_count(installation.db, lead) == 2  # both are in the inbox too
    later = installation.remind(mailer(settings), at=AT + timedelta(hours=2))
    assert later.issued["digest"] == 0 and len(handler.to(SUPPORT)) == 1


def test_unsubscribe_from_a_link_stops_that_kind(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    installation.remind(mailer(settings))
    [overdue] = [m for m in handler.to(SUPPORT) if str(m["Subject"]).startswith("Overdue")]
    member, kind = verify(KEY, str(overdue["List-Unsubscribe"]).strip("<>").rsplit("/", 1)[1])
    installation.org.app.unsubscribe(member, kind)
    installation.org.app.move_due_date(installation.org.support_lead, UUID(installation.overdue),
                                       due_date="2026-03-15", reason="Waiting for the new hires")
    later = installation.remind(mailer(settings), at=AT + timedelta(days=1))
    assert later.skipped_off == Counter(overdue=1)
    assert not [m for m in handler.to(SUPPORT)[4:] if "Overdue" in str(m["Subject"])]


def test_a_mention_in_a_note_tells_that_member(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    org = installation.org
    with clock.frozen_at(AT - timedelta(days=1)):
        org.app.add_note(org.it_lead, UUID(installation.blocked),
                         text="@cco could you nudge finance? cc @lead.sales@example.com, @nobody")
    installation.remind(mailer(settings))
    assert subjects(handler, "cco@example.com") == ["IT Lead mentioned you: Replace the phone system"]
    assert subjects(handler, "lead.sales@example.com") == [
        "IT Lead mentioned you: Replace the phone system"]


def test_events_older_than_the_window_tell_nobody(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    org = installation.org
    org.app.add_note(org.it_lead, UUID(installation.blocked), text="@cco an old note")  # 2026-03-02
    installation.remind(mailer(settings))
    assert subjects(handler, "cco@example.com") == []


def test_an_owner_is_reminded_again_each_week_overdue_and_each_cadence_without_a_check_in(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    handler, settings = smtp
    installation.remind(mailer(settings))
    same_week = installation.remind(mailer(settings), at=AT + timedelta(days=2))
    assert sum(same_week.issued.values()) == 0
    next_week = installation.remind(mailer(settings), at=AT + timedelta(days=7))
    assert next_week.issued["overdue"] == 1
    assert next_week.issued["check_in"] == 0  # the quiet one's cadence (14 days) has not passed again
    later = installation.remind(mailer(settings), at=AT + timedelta(days=14))
    # The quiet one again, and IT's (last progress 2026-03-18, due 2026-04-01) for the first time.
    assert later.issued["check_in"] == 2 and later.issued["overdue"] == 1
    assert len([m for m in handler.to(SUPPORT) if "Overdue" in str(m["Subject"])]) == 3
    assert len([m for m in handler.to(SUPPORT) if "Check-in" in str(m["Subject"])]) == 2
    assert subjects(handler, "lead.it@example.com") == ["Check-in due: Replace the phone system"]


def test_a_notice_recorded_by_a_run_that_stopped_before_sending_is_never_sent(
    installation: Installation, smtp: tuple[Handler, SmtpSettings]
) -> None:
    """The crash window between recording and sending errs on the side of not sending."""
    from tracker.application import NoticeSpec

    handler, settings = smtp
    org = installation.org
    stopped = org.app.issue_notice(NoticeSpec(  # what the stopped run had recorded
        key=f"overdue:{installation.overdue}:2026-03-10:{org.support_lead}:1", kind="overdue",
        recipient_id=org.support_lead, subject="Overdue: tickets", text="t",
        commitment_id=UUID(installation.overdue)))
    assert stopped is not None
    outcome = installation.remind(mailer(settings))
    assert outcome.already == 1 and outcome.issued["overdue"] == 0
    assert not [m for m in handler.to(SUPPORT) if "Overdue" in str(m["Subject"])]
    installation.catch_up()
    [unsent] = [n for n in q.outbox(installation.db) if n["sent_at"] is None]
    assert unsent["id"] == str(stopped.id) and unsent["failed_reason"] is None
