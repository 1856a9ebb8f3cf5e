"""Mail settings from the environment, and the signed unsubscribe links."""

from __future__ import annotations

from uuid import UUID

import pytest

from tracker.errors import Invalid
from tracker.mail import DEFAULT_FROM, Mail, SmtpSettings, build_message, mail_from, smtp_settings
from tracker.unsubscribe import sign, verify


def test_an_smtp_url_gives_host_port_credentials_and_starttls() -> None:
    s = SmtpSettings.from_url("smtp://alerts%40acme:p%3Ass@mail.acme.test:587?starttls=1")
    assert (s.host, s.port, s.user, s.password, s.starttls, s.tls) == (
        "mail.acme.test", 587, "alerts@acme", "p:ss", True, False)


@pytest.mark.parametrize(("url", "port", "tls"), [
    ("smtp://localhost", 25, False), ("smtps://localhost", 465, True),
])
def test_default_ports_follow_the_scheme(url: str, port: int, tls: bool) -> None:
    s = SmtpSettings.from_url(url)
    assert (s.port, s.tls, s.user, s.starttls) == (port, tls, None, False)


@pytest.mark.parametrize("url", ["http://mail.acme.test", "smtp://", "mail.acme.test:25"])
def test_anything_but_an_smtp_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="CX_TRACKER_SMTP_URL"):
        SmtpSettings.from_url(url)


def test_without_the_variables_there_is_no_smtp_and_a_default_sender() -> None:
    assert smtp_settings({}) is None
    assert mail_from({}) == DEFAULT_FROM
    assert mail_from({"CX_TRACKER_MAIL_FROM": "plan@acme.test"}) == "plan@acme.test"


def test_a_message_has_both_parts_and_the_one_click_headers() -> None:
    message = build_message(Mail("a@b.test", "Subject", "plain", "<p>html</p>", "https://x/u/t"),
                            "from@b.test")
    assert message.get_body(("plain",)).get_content().strip() == "plain"  # type: ignore[union-attr]
    assert "<p>html</p>" in message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert message["List-Unsubscribe"] == "<https://x/u/t>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_unsubscribe_link_names_its_member_and_kind_and_cannot_be_altered() -> None:
    member = UUID(int=7)
    token = sign("key", member, "overdue")
    assert verify("key", token) == (member, "overdue")
    assert verify("key", sign("key", member, None)) == (member, None)
    for forged in (sign("other", member, "overdue"), token[:-2] + "AA", "garbage", "a.b"):
        with pytest.raises(Invalid):
            verify("key", forged)
    body, mac = token.split(".")
    other = sign("key", UUID(int=8), "overdue").split(".")[0]
    with pytest.raises(Invalid):
        verify("key", f"{other}.{mac}")  # another member's payload under this member's signature


def test_a_subject_members_typed_stays_one_header_line() -> None:
    message = build_message(Mail("a@b.test", "Overdue: x\r\nBcc: evil@x.test\x1b[2J", "t", "<p>t</p>"),
                            "from@b.test")
    assert message["Subject"] == "Overdue: x Bcc: evil@x.test [2J"
    assert message["Bcc"] is None
