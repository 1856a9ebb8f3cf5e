"""`cx-tracker remind`: record and send the reminders and digests due (cron-friendly), and the
same run on a schedule inside `cx-tracker serve --remind-every MINUTES`."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker import clock
from tracker.cli.common import EXIT_BAD_INPUT, data_option, fail, open_existing, reports_errors
from tracker.config import DataDir, installation
from tracker.safe_text import terminal_text

if TYPE_CHECKING:
    from projections.reminders.remind import Outcome
    from tracker.application import CxTracker
    from tracker.mail import SmtpSettings

BASE_URL_ENV = "CX_TRACKER_BASE_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def run_once(data: DataDir, at: datetime, *, dry_run: bool = False, due_within: int = 3,
             progress: Callable[[str], None] = lambda _: None) -> Outcome:
    """One reminder run on the installation in `data`, with the environment's mail settings."""
    from tracker.mail import smtp_settings

    settings = smtp_settings()
    with installation(data) as app:
        return _run(app, data, at, settings, dry_run, due_within, progress)


def _run(app: CxTracker, data: DataDir, at: datetime, settings: SmtpSettings | None,
         dry_run: bool, due_within: int, progress: Callable[[str], None]) -> Outcome:
    from projections.reminders.remind import Links, remind
    from projections.setup import open_runner
    from tracker.mail import SmtpMailer, mail_from
    from tracker.secret import installation_key

    runner = open_runner(data, app, build=True)
    try:
        runner.prepare()
        links = Links(os.environ.get(BASE_URL_ENV, DEFAULT_BASE_URL).rstrip("/"),
                      installation_key(data.path))
        mailer = SmtpMailer(settings, mail_from()) if settings else None
        progress(f"Reminders due at {at.isoformat()}"
                 + (" (dry run)" if dry_run else f", sending by {'SMTP' if mailer else 'outbox'}"))
        return remind(app, runner.db, runner.catch_up, at, links=links, mailer=mailer,
                      due_within_days=due_within, dry_run=dry_run, progress=progress)
    finally:
        runner.close()


@click.command("remind")
@data_option
@click.option("--dry-run", is_flag=True, help="List what would be sent; record and send nothing.")
@click.option("--at", "at_text", metavar="INSTANT", default=None,
              help="Compute what is due at this instant (ISO 8601 with a time zone; default now).")
@click.option("--due-within", default=3, show_default=True, type=click.IntRange(0, 60),
              metavar="DAYS", help="Remind owners of commitments due within this many days.")
@reports_errors
def remind(data_dir: str | None, dry_run: bool, at_text: str | None, due_within: int) -> None:
    """Send the reminders and digests due; never the same one twice.

    Owners hear of commitments due soon, overdue or with a check-in due; leads of help asked of
    their department, handovers and resolved roadblocks; members of handovers to them,
    celebrations and @mentions; executives get a weekly digest. Each notice is recorded as an
    event first, then e-mailed ($CX_TRACKER_SMTP_URL, $CX_TRACKER_MAIL_FROM) or, without SMTP,
    put in the outbox the CCO reads on /inbox/outbox. Links use $CX_TRACKER_BASE_URL.
    Progress goes to stderr; the listing of a dry run to stdout.
    """
    from projections.instants import parse_instant
    from tracker.mail import smtp_settings

    try:
        at = parse_instant(at_text) if at_text else clock.now()
    except ValueError as e:
        fail(f"--at: {e}", EXIT_BAD_INPUT)
    try:
        smtp_settings()
    except ValueError as e:
        fail(str(e), EXIT_BAD_INPUT)
    with open_existing(data_dir) as (data, _):  # a clear error when the data is unusable
        pass
    outcome = run_once(data, at, dry_run=dry_run, due_within=due_within,
                       progress=lambda line: click.echo(terminal_text(line), err=True))
    for line in outcome.lines:  # titles and names members typed: shown escaped
        click.echo(terminal_text(line))
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(outcome.issued.items())) or "nothing"
    click.echo(f"{'Would send' if dry_run else 'Recorded'}: {counts}"
               + (f"; off by preference: {sum(outcome.skipped_off.values())}"
                  if outcome.skipped_off else ""), err=True)


def start_schedule(data_dir: str, minutes: float, stop: threading.Event) -> threading.Thread:
    """A daemon thread running a reminder run every `minutes` until `stop` is set. A failed run
    is logged and the next one tries again (the dedup keys make every run safe to repeat)."""
    log = logging.getLogger("cx-tracker.remind")
    data = DataDir(Path(data_dir))

    def loop() -> None:
        while not stop.wait(minutes * 60):
            try:
                outcome = run_once(data, clock.now(), progress=log.info)
                log.info("Reminder run: %s", dict(outcome.issued) or "nothing due")
            except Exception:  # a server keeps serving; the next run retries
                log.exception("Reminder run failed; trying again in %g minutes", minutes)

    thread = threading.Thread(target=loop, name="cx-remind", daemon=True)
    thread.start()
    return thread
