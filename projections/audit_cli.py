"""`cx-tracker history`, `as-of` and `diff`: the auditors' commands.

They join the `cx-tracker` group through `cx_tracker.commands` entry points, catch the read
models up with the whole log first, and only read.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

import click
from sqlite_utils import Database

from tracker.cli.common import EXIT_BAD_INPUT, EXIT_REFUSED, data_option, fail, open_existing, reports_errors
from tracker.cli.output import echo, echo_json
from tracker.safe_text import csv_writer

INSTANT_HELP = (
    "INSTANT is an ISO date or date-time: a date means the END of that day in UTC "
    "(2026-03-01 = 2026-03-01T23:59:59.999999Z, the plan as it stood when the day was over); "
    "a date-time without an offset is UTC (2026-03-01T12:00), or give one (2026-03-01T12:00+01:00)."
)


@contextmanager
def caught_up_views(data_dir: str | None) -> Iterator[Database]:
    """The installation's read models, caught up with the whole log."""
    from projections.setup import open_runner

    with open_existing(data_dir) as (data, app):
        runner = open_runner(data, app, build=True)
        try:
            runner.catch_up()
            yield runner.db
        finally:
            runner.close()


def instant(value: str, name: str) -> datetime:
    from projections.audit.instants import parse_audit_instant

    try:
        return parse_audit_instant(value)
    except ValueError as e:
        fail(f"{name}: {e}", EXIT_BAD_INPUT)
        raise  # unreachable: fail exits


@click.command("history")
@data_option
@click.option("--department", metavar="SLUG", help="Only events about this department.")
@click.option("--commitment", metavar="ID", help="Only this commitment's events.")
@click.option("--actor", metavar="EMAIL", help="Only events caused by this member.")
@click.option("--kind", metavar="KIND", help="Only events of this kind, e.g. DueDateMoved.")
@click.option("--since", metavar="T", help="From this instant, inclusive (a date: from the start of "
              "that day, 00:00 UTC; a date-time without an offset is UTC).")
@click.option("--until", metavar="T", help="Up to this instant, inclusive (a date: through the end "
              "of that day, 23:59:59.999999 UTC; a date-time without an offset is UTC).")
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl", "csv"]), default="text",
              show_default=True, help="jsonl and csv are the exports: one event per line / row.")
@reports_errors
def history(data_dir: str | None, department: str | None, commitment: str | None,
            actor: str | None, kind: str | None, since: str | None, until: str | None,
            fmt: str) -> None:
    """The event history in log order: who, when, what, and each field's before -> after.

    The exports have the columns position, at, actor (e-mail), actor_name, department,
    commitment (id), commitment_title, kind, summary and changes (a JSON list of
    {field, before, after}).
    """
    from projections.audit.history import BadFilter, check_filters, history_stream
    from projections.audit.report import EXPORT_COLUMNS, dumps, event_text, export_row

    with caught_up_views(data_dir) as db:
        try:
            filters = check_filters(db, department=department, commitment=commitment,
                                    actor_email=actor, kind=kind, since=since, until=until)
        except BadFilter as e:
            fail(str(e), EXIT_BAD_INPUT)
        events = history_stream(db, filters)
        if fmt == "csv":
            writer = csv_writer(sys.stdout, EXPORT_COLUMNS)
            for event in events:
                row = export_row(event)
                writer.writerow({**row, "changes": dumps(row["changes"])})
        elif fmt == "jsonl":
            for event in events:
                echo_json(dumps(export_row(event)))
        else:
            for event in events:
                for line in event_text(event):
                    echo(line)


@click.command("as-of", epilog=INSTANT_HELP)
@data_option
@click.argument("instant_text", metavar="INSTANT")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--bundle", type=click.Path(dir_okay=False), metavar="FILE",
              help="Read a replay bundle instead of the installation (offline; --data is ignored). "
                   "Its chain is verified first: a broken bundle is refused (exit 1).")
@click.option("--no-verify", "skip_verify", is_flag=True,
              help="With --bundle: replay it without verifying its chain first (at your own risk).")
@reports_errors
def as_of(data_dir: str | None, instant_text: str, fmt: str, bundle: str | None,
          skip_verify: bool) -> None:
    """The whole plan as it stood at INSTANT: the board per department with health, the
    journeys, accountability per department and the open roadblocks."""
    from projections.audit.as_of import plan_as_of
    from projections.audit.report import as_of_json_chunks, as_of_text

    moment = instant(instant_text, "INSTANT")
    if skip_verify and not bundle:
        fail("--no-verify goes with --bundle", EXIT_BAD_INPUT)
    with (bundle_views(bundle, verify=not skip_verify) if bundle else caught_up_views(data_dir)) as db:
        plan = plan_as_of(db, moment)
        if fmt == "json":
            for chunk in as_of_json_chunks(plan):
                echo_json(chunk, nl=False)
            echo()
        else:
            for line in as_of_text(plan):
                echo(line)


@click.command("diff", epilog=INSTANT_HELP)
@data_option
@click.argument("a", metavar="INSTANT_A")
@click.argument("b", metavar="INSTANT_B")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@reports_errors
def diff(data_dir: str | None, a: str, b: str, fmt: str) -> None:
    """What changed in the plan from INSTANT_A to INSTANT_B: commitments added, changed (each
    field before -> after), completed and withdrawn; roadblocks opened and resolved."""
    from projections.audit.diff import plan_diff
    from projections.audit.report import diff_json, diff_text, dumps

    first, second = instant(a, "INSTANT_A"), instant(b, "INSTANT_B")
    if first > second:
        fail("INSTANT_A must not be later than INSTANT_B", EXIT_BAD_INPUT)
    with caught_up_views(data_dir) as db:
        found = plan_diff(db, first, second)
        if fmt == "json":
            echo_json(dumps(diff_json(found)))
        else:
            for line in diff_text(found):
                echo(line)


@contextmanager
def bundle_views(path: str, *, verify: bool = True) -> Iterator[Database]:
    """Read models built from a replay bundle's events, by the same views, in a temporary
    directory, through the rebuild's bulk path (deferred indexes, rows written set-based after
    the load; its page cache is bounded, so peak memory stays flat however long the log). The
    bundle's chain is verified first unless `verify` is False; a broken bundle is refused.
    Progress goes to stderr about every 5 seconds, so JSON on stdout stays clean."""
    from projections.audit.bundles import bundle_refusal, replay_failure
    from projections.database import open_views
    from projections.rebuild import RebuildReport, rebuild
    from projections.views import all_views
    from tracker.integrity.bundle import replay_bundle

    if verify:
        refusal = bundle_refusal(Path(path))
        if refusal is not None:
            fail(refusal.message, refusal.status)
    with ExitStack() as stack:
        try:
            app = stack.enter_context(replay_bundle(Path(path)))
        except (OSError, ValueError) as e:  # BundleError is a ValueError and names the file
            fail(str(e), EXIT_BAD_INPUT)
        views = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cx-views-"))) / "views.sqlite3"

        def progress(r: RebuildReport) -> None:
            share = f" ({r.events * 100 // r.target}%)" if r.target else ""
            click.echo(f"  replaying the bundle: {r.events:,} / {r.target:,} events{share}", err=True)

        try:
            rebuild(app, views, all_views(), progress=progress, report_every=5.0)
        except Exception as e:  # noqa: BLE001 - an unverified bundle may hold anything: say so, no traceback
            fail(replay_failure(e, verified=verify), EXIT_REFUSED)
        db = open_views(views)
        stack.callback(db.close)
        yield db
