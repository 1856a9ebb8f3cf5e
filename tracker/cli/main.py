"""The `cx-tracker` command group. Each area's commands live in their own module."""

from __future__ import annotations

import io
import os
import sys
from typing import Any

import click

from tracker import __version__
from tracker.cli.demo import demo
from tracker.cli.integrity import backup, export, seal, verify
from tracker.cli.plan import plan
from tracker.cli.tokens import token
from tracker.cli.users import init, user
from tracker.config import PRIVATE_UMASK


class CxTrackerGroup(click.Group):
    """The command group: a reader that stops reading (`cx-tracker history | head -1`) ends the
    command quietly and successfully, as for any Unix filter, instead of an error and status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _silence_stdout()
            ctx.exit(0)


def _silence_stdout() -> None:
    """What is still buffered for the closed pipe goes nowhere (else Python reports it at exit)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # not a real file (tests)
        pass


@click.group(cls=CxTrackerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cx-tracker")
def cli() -> None:
    """Event-sourced customer-experience action-plan tracker.

    Every command takes --data DIR (default: $CX_TRACKER_DATA, else ./cx-tracker-data).
    Exit status: 0 done, 1 refused (not allowed, conflict, unusable data), 2 bad input.
    """
    # Every file a command creates (stores, views, seals, backups, bundles) is its owner's alone.
    previous = os.umask(PRIVATE_UMASK)
    os.umask(previous | PRIVATE_UMASK)
    click.get_current_context().call_on_close(lambda: os.umask(previous))


cli.add_command(init)
cli.add_command(user)
cli.add_command(demo)
cli.add_command(plan)
cli.add_command(token)
for _command in (seal, verify, export, backup):
    cli.add_command(_command)


def _add_plugin_commands() -> None:
    """Commands of the read side and the web UI join through the `cx_tracker.commands` entry
    point group, so `tracker` never imports `projections` or `web`."""
    from importlib.metadata import entry_points

    for entry in entry_points(group="cx_tracker.commands"):
        cli.add_command(entry.load(), entry.name)


_add_plugin_commands()
