"""Once mail is configured, the CCO's one-time set-password link also goes to the member by
e-mail (and never into the event log)."""

from __future__ import annotations

import pytest

from tests.conftest import Org
from tests.nudges.conftest import Handler, smtp  # noqa: F401 - the SMTP server fixture
from tests.web.conftest import ROLE_EMAILS, csrf_token
from tracker.mail import SmtpSettings

LEAD = ROLE_EMAILS["support_lead"]


def _make_link(client_for):  # type: ignore[no-untyped-def]
    cco = client_for("cco")
    answer = cco.post(f"/members/{LEAD}/password-link", data={"csrf_token": csrf_token(cco, "/members/")})
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_the_link_is_e_mailed_to_the_member_when_smtp_is_configured(
    client_for, web_org: Org, smtp: tuple[Handler, SmtpSettings], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    handler, settings = smtp
    monkeypatch.setenv("CX_TRACKER_SMTP_URL", f"smtp://127.0.0.1:{settings.port}")
    head = web_org.app.head()
    page = _make_link(client_for)
    assert f"It was e-mailed to {LEAD}." in page
    [message] = handler.to(LEAD)
    link = page.split('<code id="password-link">')[1].split("</code>")[0]
    assert link in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    token = link.rsplit("/", 1)[1]
    stored = [bytes(n.state) for n in web_org.app.recorder.select_notifications(start=head + 1, limit=100)]
    assert not any(token.encode() in s for s in stored)


def test_without_smtp_the_link_is_only_shown(
    client_for, smtp: tuple[Handler, SmtpSettings], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    handler, _ = smtp
    monkeypatch.delenv("CX_TRACKER_SMTP_URL", raising=False)
    page = _make_link(client_for)
    assert "e-mailed" not in page and '<code id="password-link">' in page
    assert handler.received == []
