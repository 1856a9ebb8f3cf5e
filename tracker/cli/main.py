"""The `cx-tracker` command group. Each area's commands live in their own module."""

from __future__ import annotations

import click

from tracker import __version__
from tracker.cli.users import init, user


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cx-tracker")
def cli() -> None:
    """Event-sourced customer-experience action-plan tracker.

    Every command takes --data DIR (default: $CX_TRACKER_DATA, else ./cx-tracker-data).
    Exit status: 0 done, 1 refused (not allowed, conflict, unusable data), 2 bad input.
    """


cli.add_command(init)
cli.add_command(user)
