"""Telling people: record each due notice, then send it — once.

Record, then send. A notice is first recorded as a `Notice.Issued` event whose aggregate id is
derived from its dedup key; the library refuses a second version 1 of an aggregate, so of two
runs (or two servers) only one records it, and only the one that recorded it sends it. The
sending is recorded afterwards (`Notice.Sent`, or `Notice.SendFailed` after the retries).

A temporary failure (an SMTP 4xx reply, a server that could not be reached) is tried again by
each later run, up to `RETRY_RUNS` runs in all: the run first records a `Notice.RetryClaimed`
with the version it loaded, so of two runs only one claims it, and only that one sends it.
Permanent failures (5xx) are not tried again.

Crash windows, and which way they err: a crash between recording and sending leaves a notice in
the member's inbox that was never e-mailed (the outbox page lists it as not sent); a crash after
the SMTP server accepted a message but before `Sent` was recorded leaves a delivered message the
log calls unsent. Neither is ever sent again: the service errs on the side of telling someone
once too few rather than twice.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from sqlite_utils import Database

from projections.queries import nudges as q
from projections.reminders.compose import Candidate, candidates
from tracker.application import CxTracker, NoticeSpec
from tracker.domain.notice import DAILY, DIGEST, IMMEDIATELY, OFF, WEEKLY
from tracker.mail import Mail, MailError, SmtpMailer
from tracker.unsubscribe import sign

Progress = Callable[[str], None]
RETRY_RUNS = 5  # runs that may try to send a notice that keeps failing temporarily


@dataclass
class Outcome:
    """What a run did (or, dry, would do): notices recorded per kind, and deliveries."""

    issued: Counter[str] = field(default_factory=Counter)
    skipped_off: Counter[str] = field(default_factory=Counter)
    already: int = 0
    emailed: int = 0
    outboxed: int = 0
    failed: int = 0
    retried: int = 0
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Links:
    """How e-mails link back: the web UI's base URL and the key that signs unsubscribe links."""

    base_url: str
    key: str

    def commitment(self, commitment_id: str | None) -> str | None:
        return f"{self.base_url}/commitments/{commitment_id}" if commitment_id else None

    def unsubscribe(self, member_id: str, kind: str | None) -> str:
        return f"{self.base_url}/inbox/unsubscribe/{sign(self.key, UUID(member_id), kind)}"


def remind(
    app: CxTracker, db: Database, catch_up: Callable[[], object], at: datetime, *,
    links: Links, mailer: SmtpMailer | None, due_within_days: int, dry_run: bool = False,
    progress: Progress = lambda _: None,
) -> Outcome:
    """Record and send what is due at `at`. `catch_up` brings `db` up to the log's head."""
    outcome = Outcome()
    catch_up()
    to_send: list[str] = [] if dry_run else _claim_retries(app, db, outcome, progress)
    for c in candidates(db, at, due_within_days=due_within_days):
        if q.notice_exists(db, c.key):
            outcome.already += 1
            continue
        mode = q.preferences(db, c.recipient_id).get(c.kind, IMMEDIATELY)
        if mode == OFF:
            outcome.skipped_off[c.kind] += 1
            continue
        if c.kind == "executive_digest":
            mode = IMMEDIATELY  # the digest is itself weekly
        if dry_run:
            outcome.issued[c.kind] += 1
            outcome.lines.append(f"{c.kind:<21} {c.email:<40} {c.subject} [{mode}]")
            continue
        receipt = app.issue_notice(_spec(c, mode))
        if receipt is None:
            outcome.already += 1
            continue
        outcome.issued[c.kind] += 1
        if mode == IMMEDIATELY:
            to_send.append(str(receipt.id))
    progress(f"{sum(outcome.issued.values())} notice(s) "
             f"{'due' if dry_run else 'recorded'}, {outcome.already} already recorded")
    if not dry_run:
        catch_up()
        to_send += _digests(app, db, at, outcome)
        catch_up()
        _send_all(app, db, to_send, links, mailer, outcome, progress)
    return outcome


def _claim_retries(app: CxTracker, db: Database, outcome: Outcome,
                   progress: Progress) -> list[str]:
    """Notices that failed temporarily in an earlier run and that this run claimed to resend."""
    claimed = [i for i in q.failed_unsent(db) if app.claim_notice_retry(UUID(i), RETRY_RUNS)]
    outcome.retried = len(claimed)
    if claimed:
        progress(f"{len(claimed)} notice(s) not delivered earlier: trying again")
    return claimed


def _spec(c: Candidate, mode: str) -> NoticeSpec:
    return NoticeSpec(key=c.key, kind=c.kind, recipient_id=UUID(c.recipient_id), subject=c.subject,
                      text=c.text, commitment_id=UUID(c.commitment_id) if c.commitment_id else None,
                      delivery=mode)


def _digests(app: CxTracker, db: Database, at: datetime, outcome: Outcome) -> list[str]:
    """One digest per member and period (day or ISO week) bundling what awaits it."""
    year, week, _ = at.isocalendar()
    periods = {DAILY: at.date().isoformat(), WEEKLY: f"{year}-W{week:02d}"}
    issued = []
    for delivery, period in periods.items():
        for member_id, notices in q.awaiting_digest(db, delivery).items():
            lines = [f"- {n['subject']}" for n in notices]
            receipt = app.issue_notice(NoticeSpec(
                key=f"digest:{member_id}:{delivery}:{period}", kind=DIGEST,
                recipient_id=UUID(member_id), delivery=DIGEST,
                subject=f"Your {delivery} CX digest: {len(notices)} notice(s)",
                text="\n".join(lines), includes=[n["id"] for n in notices],
            ))
            if receipt is not None:
                outcome.issued[DIGEST] += 1
                issued.append(str(receipt.id))
    return issued


def _send_all(app: CxTracker, db: Database, ids: list[str], links: Links,
              mailer: SmtpMailer | None, outcome: Outcome, progress: Progress) -> None:
    for n in q.unsent(db, ids):
        mail = compose_mail(n, links)
        if mailer is None:
            app.record_notice_sent(UUID(n["id"]), "outbox", n["email"])
            outcome.outboxed += 1
            continue
        try:
            mailer.send(mail)
        except MailError as e:
            app.record_notice_failed(UUID(n["id"]), str(e), e.attempts, e.temporary)
            outcome.failed += 1
            progress(f"  not delivered to {n['email']}: {e}")
            continue
        app.record_notice_sent(UUID(n["id"]), "email", n["email"])
        outcome.emailed += 1
    if ids:
        progress(f"{outcome.emailed} e-mailed, {outcome.outboxed} to the outbox, "
                 f"{outcome.failed} failed")


def compose_mail(n: dict[str, object], links: Links) -> Mail:
    """Plain text and HTML for one notice (or digest), with its links."""
    kind = None if n["kind"] in (DIGEST,) else str(n["kind"])
    unsubscribe = links.unsubscribe(str(n["recipient_id"]), kind)
    inbox = f"{links.base_url}/inbox/"
    target = links.commitment(n["commitment_id"]) if n["commitment_id"] else inbox  # type: ignore[arg-type]
    text = (f"{n['text']}\n\n{target}\n\n--\nYour inbox: {inbox}\n"
            f"Preferences: {links.base_url}/inbox/preferences\n"
            f"Stop these e-mails: {unsubscribe}\n")
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in str(n["text"]).split("\n") if p)
    body = (f"<!doctype html><html><body>{paragraphs}"
            f"<p><a href=\"{html.escape(str(target))}\">Open in the CX tracker</a></p><hr>"
            f"<p><small><a href=\"{html.escape(inbox)}\">Your inbox</a> · "
            f"<a href=\"{html.escape(links.base_url)}/inbox/preferences\">Preferences</a> · "
            f"<a href=\"{html.escape(unsubscribe)}\">Unsubscribe</a></small></p></body></html>")
    return Mail(to=str(n["email"]), subject=str(n["subject"]), text=text, html=body,
                unsubscribe_url=unsubscribe)
