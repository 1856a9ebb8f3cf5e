"""`cx-tracker remind`: record and send the reminders and digests due (cron-friendly)."""

from __future__ import annotations

import os
from datetime import datetime

import click

from tracker import clock
from tracker.cli.common import data_option, fail, open_existing, reports_errors, EXIT_BAD_INPUT

BASE_URL_ENV = "CX_TRACKER_BASE_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


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
    from projections.reminders.remind import Links, remind as run
    from projections.setup import open_runner
    from tracker.mail import SmtpMailer, mail_from, smtp_settings
    from tracker.secret import installation_key

    try:
        at = parse_instant(at_text) if at_text else clock.now()
    except ValueError as e:
        fail(f"--at: {e}", EXIT_BAD_INPUT)
    try:
        settings = smtp_settings()
    except ValueError as e:
        fail(str(e), EXIT_BAD_INPUT)
    data, app = open_existing(data_dir)
    runner = open_runner(data, app)
    try:
        runner.prepare()
        links = Links(os.environ.get(BASE_URL_ENV, DEFAULT_BASE_URL).rstrip("/"),
                      installation_key(data.path))
        mailer = SmtpMailer(settings, mail_from()) if settings else None
        click.echo(f"Reminders due at {at.isoformat()}"
                   + (" (dry run)" if dry_run else f", sending by {'SMTP' if mailer else 'outbox'}"),
                   err=True)
        outcome = run(app, runner.db, runner.catch_up, at, links=links, mailer=mailer,
                      due_within_days=due_within, dry_run=dry_run,
                      progress=lambda line: click.echo(line, err=True))
    finally:
        runner.close()
        app.close()
    for line in outcome.lines:
        click.echo(line)
    counts = ", ".join(f"{kind} {n}" for kind, n in sorted(outcome.issued.items())) or "nothing"
    click.echo(f"{'Would send' if dry_run else 'Recorded'}: {counts}"
               + (f"; off by preference: {sum(outcome.skipped_off.values())}"
                  if outcome.skipped_off else ""), err=True)
