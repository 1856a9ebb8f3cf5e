"""Fixtures for nudges: a real SMTP server (aiosmtpd) on a free loopback port, and a small
organisation in a data directory with commitments that are overdue, need a check-in, and
need another department's help at `AT`."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlite_utils import Database

from projections.database import open_views
from projections.reminders.remind import Links, Outcome, remind
from projections.runner import Runner
from projections.views import all_views
from tests.conftest import FAST_HASHER, Org, build_org
from tracker import clock
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.mail import SmtpMailer, SmtpSettings

AT = datetime(2026, 3, 20, 9, 0, tzinfo=timezone.utc)
KEY = "test-signing-key"
LINKS = Links("http://cx.example", KEY)


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Handler:
    """Accepts every message, except that the next `fail_next` DATA commands get `fail_reply`."""

    received: list[Received] = field(default_factory=list)
    fail_next: int = 0
    fail_reply: str = "451 4.3.0 Try again later"
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.fail_next:
                self.fail_next -= 1
                return self.fail_reply
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.recipients]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Handler, SmtpSettings]]:
    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, SmtpSettings(host="127.0.0.1", port=port, timeout=10)
    controller.stop()


@dataclass
class Installation:
    org: Org
    data: Path
    db: Database
    overdue: str  # due 2026-03-10, owned by the support lead
    quiet: str  # due 2026-04-30, no progress since it was made on 2026-03-02
    blocked: str  # IT's, help asked of customer service on 2026-03-18

    def catch_up(self) -> int:
        return Runner(self.org.app, self.db, all_views()).catch_up()

    def remind(self, mailer: SmtpMailer | None, at: datetime = AT, **kwargs: Any) -> Outcome:
        return remind(self.org.app, self.db, self.catch_up, at, links=LINKS, mailer=mailer,
                      due_within_days=3, **kwargs)


def open_app(data: Path) -> CxTracker:
    return CxTracker(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(data / "events.sqlite3")},
        accounts=Accounts(data / "accounts.sqlite3", hasher=FAST_HASHER),
    )


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[Installation]:
    data = tmp_path / "data"
    data.mkdir()
    org = build_org(open_app(data))
    overdue = org.commitment(title="Answer every ticket within 4 hours", due_date="2026-03-10")
    quiet = org.commitment(title="Publish a status page", due_date="2026-04-30")
    blocked = org.commitment(department="it", title="Replace the phone system",
                             due_date="2026-05-30", owner="lead.it@example.com", actor=org.it_lead)
    with clock.frozen_at(datetime(2026, 3, 18, 10, tzinfo=timezone.utc)):
        org.app.raise_roadblock(org.it_lead, blocked, description="Need the agents' call flows",
                                help_from="customer-service")
        org.app.report_progress(org.it_lead, blocked, percent=20)
    db = open_views(data / "views.sqlite3")
    inst = Installation(org, data, db, str(overdue), str(quiet), str(blocked))
    yield inst
    db.close()
    org.app.close()


def mailer(settings: SmtpSettings, **kwargs: Any) -> SmtpMailer:
    return SmtpMailer(settings, "cx@example.com", pause=lambda _: None, **kwargs)
