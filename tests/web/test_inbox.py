"""The inbox, notice preferences, one-click unsubscribe and the CCO's outbox, over HTTP."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from flask import Flask

from tests.conftest import Org
from tests.web.conftest import csrf_token, post_form
from tracker.application import NoticeSpec
from tracker.secret import installation_key
from tracker.unsubscribe import sign


def _notice(org: Org, key: str, to: UUID, commitment: UUID | None = None) -> UUID:
    receipt = org.app.issue_notice(NoticeSpec(
        key=key, kind="overdue", recipient_id=to, subject=f"Overdue: {key}",
        text="It was due last week.", commitment_id=commitment))
    assert receipt is not None
    return receipt.id


def test_the_inbox_lists_my_notices_only_with_the_unread_count_in_the_nav(
    web_org: Org, client_for
) -> None:  # type: ignore[no-untyped-def]
    cid = web_org.commitment()
    _notice(web_org, "mine-1", web_org.support_lead, cid)
    _notice(web_org, "mine-2", web_org.support_lead)
    _notice(web_org, "theirs", web_org.it_lead)
    client = client_for("support_lead")
    page = client.get("/inbox/").get_data(as_text=True)
    assert "Overdue: mine-1" in page and "Overdue: mine-2" in page and "theirs" not in page
    assert f'href="/commitments/{cid}"' in page
    assert "2<span class=\"visually-hidden\"> unread</span>" in page
    board = client.get("/board/").get_data(as_text=True)
    assert "2<span class=\"visually-hidden\"> unread</span>" in board


def test_mark_read_without_javascript_and_nobody_else_can(web_org: Org, client_for) -> None:  # type: ignore[no-untyped-def]
    notice = _notice(web_org, "n1", web_org.support_lead)
    other = client_for("it_lead")
    refused = post_form(other, f"/inbox/{notice}/read", {}, page="/inbox/")
    assert refused.status_code == 403  # type: ignore[attr-defined]
    client = client_for("support_lead")
    answer = post_form(client, f"/inbox/{notice}/read", {}, page="/inbox/")
    assert answer.status_code == 302  # type: ignore[attr-defined]
    page = client.get("/inbox/").get_data(as_text=True)
    assert "0 unread" in page and "unread</span>" not in page


def test_preferences_are_saved_per_kind(web_org: Org, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("support_lead")
    answer = post_form(client, "/inbox/preferences", {"overdue": "weekly", "check_in": "off"},
                       page="/inbox/preferences")
    assert answer.status_code == 302  # type: ignore[attr-defined]
    prefs = web_org.app.notice_preferences(web_org.support_lead)
    assert prefs["overdue"] == "weekly" and prefs["check_in"] == "off"
    page = client.get("/inbox/preferences").get_data(as_text=True)
    assert '<option value="weekly" selected>' in page
    bad = post_form(client, "/inbox/preferences", {"overdue": "hourly"}, page="/inbox/preferences")
    assert bad.status_code == 400 and "mode" in bad.get_data(as_text=True)  # type: ignore[attr-defined]


def test_one_click_unsubscribe_needs_no_sign_in_and_refuses_a_forged_link(
    web_org: Org, flask_app: Flask, data_dir: Path
) -> None:
    token = sign(installation_key(data_dir), web_org.it_lead, "check_in")
    client = flask_app.test_client()
    page = client.get(f"/inbox/unsubscribe/{token}")
    assert page.status_code == 200
    assert web_org.app.notice_preferences(web_org.it_lead)["check_in"] == "immediately"  # GET changes nothing
    done = client.post(f"/inbox/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert web_org.app.notice_preferences(web_org.it_lead)["check_in"] == "off"
    forged = sign("another-key", web_org.it_lead, None)
    assert client.post(f"/inbox/unsubscribe/{forged}").status_code == 400
    assert web_org.app.notice_preferences(web_org.it_lead)["overdue"] == "immediately"


def test_the_outbox_is_the_ccos(web_org: Org, client_for) -> None:  # type: ignore[no-untyped-def]
    notice = _notice(web_org, "o1", web_org.support_lead)
    web_org.app.record_notice_sent(notice, "outbox", "lead.customer-service@example.com")
    page = client_for("cco").get("/inbox/outbox").get_data(as_text=True)
    assert "Overdue: o1" in page and "lead.customer-service@example.com" in page
    assert client_for("support_lead").get("/inbox/outbox").status_code == 403
    assert client_for("executive").get("/inbox/outbox").status_code == 403


def test_csrf_still_guards_the_inbox_forms(web_org: Org, client_for) -> None:  # type: ignore[no-untyped-def]
    notice = _notice(web_org, "c1", web_org.support_lead)
    client = client_for("support_lead")
    csrf_token(client, "/inbox/")
    assert client.post(f"/inbox/{notice}/read").status_code == 400


def test_the_story_shows_the_owner_was_reminded_before_the_due_date_slipped(
    web_org: Org, client_for
) -> None:  # type: ignore[no-untyped-def]
    cid = web_org.commitment()
    for key in ("r1", "r2"):
        web_org.app.issue_notice(NoticeSpec(key=key, kind="due_soon", recipient_id=web_org.support_lead,
                                            subject="Due soon", text="t", commitment_id=cid))
    web_org.app.move_due_date(web_org.support_lead, cid, due_date="2026-07-31", reason="Vendor late")
    page = client_for("cco").get(f"/commitments/{cid}").get_data(as_text=True)
    assert "Owner reminded twice before the due date slipped." in page
    assert "Customer Service Lead told (due soon): Due soon" in page  # the story's own row


def test_check_in_due_is_flagged_on_the_card_dashboard_and_report(
    web_org: Org, client_for
) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timezone

    from tracker import clock

    quiet = web_org.commitment(title="Quiet commitment")
    fresh = web_org.commitment(title="Fresh commitment", due_date="2026-08-31")
    with clock.frozen_at(datetime(2026, 3, 20, 9, tzinfo=timezone.utc)):
        web_org.app.report_progress(web_org.support_lead, fresh, percent=10)
        client = client_for("cco")
        assert "check-in due" in client.get(f"/commitments/{quiet}").get_data(as_text=True)
        assert 'class="badge check-in-due"' not in client.get(f"/commitments/{fresh}").get_data(as_text=True)
        for path in ("/dashboard/", "/report/"):
            page = client.get(path).get_data(as_text=True)
            assert ">Customer Service</a> 1" in page, path


def test_a_lead_sets_a_commitments_cadence_and_the_cco_the_plans(web_org: Org, client_for) -> None:  # type: ignore[no-untyped-def]
    cid = web_org.commitment()
    lead = client_for("support_lead")
    post_form(lead, f"/commitments/{cid}/check-in-cadence", {"days": "5"}, page=f"/commitments/{cid}")
    assert "every 5 days" in lead.get(f"/commitments/{cid}").get_data(as_text=True)
    post_form(lead, "/plan/check-in-cadence", {"days": "3"}, page="/plan/")
    assert web_org.app._plan().check_in_days == 14  # refused: only the CCO
    cco = client_for("cco")
    post_form(cco, "/plan/check-in-cadence", {"days": "7"}, page="/plan/")
    assert web_org.app._plan().check_in_days == 7


def test_accountability_shows_reminders_and_slips_after_them(web_org: Org, client_for) -> None:  # type: ignore[no-untyped-def]
    cid = web_org.commitment()
    for key in ("a1", "a2", "a3"):
        web_org.app.issue_notice(NoticeSpec(key=key, kind="overdue", recipient_id=web_org.support_lead,
                                            subject="Overdue", text="t", commitment_id=cid))
    web_org.app.move_due_date(web_org.support_lead, cid, due_date="2026-07-31", reason="Vendor late")
    page = client_for("cco").get("/accountability/").get_data(as_text=True)
    row = ('<tr><th scope="row">Customer Service</th><td class="num">3</td><td class="num">1</td>'
           '<td class="num">1</td><td class="num">3</td></tr>')
    assert row in page
    assert '<th scope="row">Customer Service Lead</th><td class="num">3</td>' in page
