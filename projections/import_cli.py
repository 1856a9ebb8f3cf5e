"""`cx-tracker import FILE --as EMAIL [--dry-run]`: a plan from a spreadsheet, all or nothing.

It joins the `cx-tracker` group through the `cx_tracker.commands` entry points: it reads the
views (to match rows to existing commitments by department and title) and writes through the
application service."""

from __future__ import annotations

import time
from pathlib import Path

import click

from projections.queries.matching import commitment_finder
from projections.setup import open_runner
from tracker.cli.output import echo
from tracker.cli.common import EXIT_BAD_INPUT, actor_id, actor_option, data_option, open_existing, reports_errors
from tracker.importing import ImportRejected, ImportReport, read

MAX_ERRORS_SHOWN = 200


@click.command("import")
@data_option
@actor_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and show what would change; record nothing.")
@reports_errors
def import_plan(data_dir: str | None, actor_email: str, file: Path, dry_run: bool) -> None:
    """Import a plan from a spreadsheet (.xlsx or .csv): all rows or none.

    Columns: department, title, owner_email, owner_name, due_date, journey, kpi, description
    (optional: external_id, progress, status); an .xlsx may add the sheets Departments,
    Journeys, KPIs and Measurements. Re-importing changes only what changed.
    """
    started = time.perf_counter()
    with open_existing(data_dir) as (data, app):
        runner = open_runner(data, app, build=True)
        try:
            runner.catch_up()
            with file.open("rb") as stream:
                workbook = read(file.name, stream)
            echo(f"Read {workbook.size} rows from {file.name}.", err=True)
            try:
                report = app.import_plan(
                    actor_id(app, actor_email), workbook, source=file.name, dry_run=dry_run,
                    find=commitment_finder(runner.db), progress=_progress,
                )
            except ImportRejected as e:
                _print_errors(e.report)
                raise SystemExit(EXIT_BAD_INPUT) from None
            runner.catch_up()
        finally:
            runner.close()
    _print_report(report, time.perf_counter() - started)


def _progress(done: int, total: int) -> None:
    echo(f"  checked {done:,} of {total:,} commitment rows", err=True)


def _print_errors(report: ImportReport) -> None:
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        echo(f"Error: {error}", err=True)
    if len(report.errors) > MAX_ERRORS_SHOWN:
        echo(f"... and {len(report.errors) - MAX_ERRORS_SHOWN} more.", err=True)
    echo(f"{len(report.errors)} error(s) in {report.source}: nothing was imported.", err=True)


def _print_report(report: ImportReport, seconds: float) -> None:
    for change in report.changes:
        echo(f"{change.sheet} row {change.row}: {change.action} {change.what}: {change.summary}")
    echo(report.summary())
    if report.dry_run:
        echo("Dry run: nothing was recorded.")
    else:
        echo(f"Recorded {report.events} events in {seconds:.1f} s.")
    if report.invites:
        echo(f"{len(report.invites)} new member(s) have no password yet. Pass each their one-time "
             "link (append it to the site's address; valid 3 days, once):")
        for email, token in sorted(report.invites.items()):
            echo(f"  {email}  /password/set/{token}")
