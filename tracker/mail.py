"""E-mail over SMTP with the standard library: settings from the environment, plain text plus
HTML, retries on temporary failures (4xx replies, dropped connections).

`CX_TRACKER_SMTP_URL`: `smtp://user:pass@host:587?starttls=1` (or `smtps://` for TLS from the
start; user and password optional, URL-encoded); `CX_TRACKER_MAIL_FROM`: the sender address.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
SMTP_URL_ENV, MAIL_FROM_ENV = "CX_TRACKER_SMTP_URL", "CX_TRACKER_MAIL_FROM"
DEFAULT_FROM = "cx-tracker@localhost"
ATTEMPTS = 3


class MailError(Exception):
    """A message could not be delivered; `temporary` says whether trying later may work."""

    def __init__(self, message: str, *, temporary: bool, attempts: int = 1) -> None:
        super().__init__(message)
        self.temporary = temporary
        self.attempts = attempts


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    tls: bool = False  # smtps: TLS from the first byte
    timeout: float = 30.0

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"{SMTP_URL_ENV} must look like smtp://user:pass@host:587?starttls=1")
        query = parse_qs(parts.query)
        flag = query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
        return cls(
            host=parts.hostname, port=parts.port or (465 if parts.scheme == "smtps" else 25),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=flag, tls=parts.scheme == "smtps",
        )


def smtp_settings(environ: dict[str, str] | None = None) -> SmtpSettings | None:
    """The SMTP server configured in the environment, or None (messages go to the outbox)."""
    url = (environ if environ is not None else os.environ).get(SMTP_URL_ENV, "").strip()
    return SmtpSettings.from_url(url) if url else None


def mail_from(environ: dict[str, str] | None = None) -> str:
    return (environ if environ is not None else os.environ).get(MAIL_FROM_ENV, "").strip() or DEFAULT_FROM


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str
    unsubscribe_url: str | None = None


def build_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = one_line(mail.subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message["Auto-Submitted"] = "auto-generated"
    if mail.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def one_line(text: str) -> str:
    """A header value from text members typed: control characters and line breaks become
    spaces (a line break in a header would start another header)."""
    return " ".join(_CONTROL.sub(" ", text).split())


class SmtpMailer:
    """Sends one message at a time, retrying temporary failures with a growing pause."""

    def __init__(self, settings: SmtpSettings, sender: str, *, attempts: int = ATTEMPTS,
                 pause: Callable[[float], None] = time.sleep, backoff: float = 2.0) -> None:
        self.settings, self.sender, self.attempts = settings, sender, attempts
        self.pause, self.backoff = pause, backoff

    def send(self, mail: Mail) -> int:
        """Deliver `mail`; returns the attempts it took. Raises MailError when it cannot."""
        message = build_message(mail, self.sender)
        for attempt in range(1, self.attempts + 1):
            try:
                self._send_once(message)
                return attempt
            except smtplib.SMTPResponseException as e:
                temporary = 400 <= e.smtp_code < 500
                error = MailError(f"{e.smtp_code} {e.smtp_error!r}", temporary=temporary, attempts=attempt)
            except smtplib.SMTPRecipientsRefused as e:
                codes = [code for code, _ in e.recipients.values()]
                temporary = all(400 <= c < 500 for c in codes)
                error = MailError(f"recipient refused: {codes}", temporary=temporary, attempts=attempt)
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError) as e:
                error = MailError(f"connection: {e}", temporary=True, attempts=attempt)
            if not error.temporary or attempt == self.attempts:
                raise error
            self.pause(self.backoff * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(self, message: EmailMessage) -> None:
        s = self.settings
        smtp_class = smtplib.SMTP_SSL if s.tls else smtplib.SMTP
        with smtp_class(s.host, s.port, timeout=s.timeout) as smtp:
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.user:
                smtp.login(s.user, s.password or "")
            smtp.send_message(message)
