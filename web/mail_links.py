"""One-time set-password links by e-mail, once mail is configured ($CX_TRACKER_SMTP_URL).

The link is a secret: it is sent, never recorded as a notice in the event log."""

from __future__ import annotations

import html

from tracker.mail import Mail, MailError, SmtpMailer, mail_from, smtp_settings


def email_password_link(email: str, name: str, link: str, days: int) -> str:
    """Send the link to the member; a sentence for the CCO saying whether it went ('' without
    SMTP configured). A failure is told, not raised: the CCO still sees the link."""
    try:
        settings = smtp_settings()
    except ValueError as e:
        return f" It could not be e-mailed ({e})."
    if settings is None:
        return ""
    text = (f"Hello {name},\n\nSet your password for the CX tracker with this link. It works once, "
            f"for {days} days:\n\n{link}\n\nIf you did not expect this, ignore this message.\n")
    body = (f"<!doctype html><html><body><p>Hello {html.escape(name)},</p><p>Set your password for "
            f"the CX tracker with this link. It works once, for {days} days:</p>"
            f"<p><a href=\"{html.escape(link)}\">Set your password</a></p>"
            "<p>If you did not expect this, ignore this message.</p></body></html>")
    try:
        SmtpMailer(settings, mail_from(), attempts=2, backoff=1.0).send(
            Mail(to=email, subject="Set your CX tracker password", text=text, html=body))
    except MailError as e:
        return f" It could not be e-mailed ({e}): pass it on yourself."
    return f" It was e-mailed to {email}."
