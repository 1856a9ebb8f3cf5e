"""What the commands print. Text goes through `echo`, JSON through `echo_json`: member-typed text
never reaches a terminal raw (see tracker.safe_text), and a closed pipe (`| head -1`) ends the
command quietly."""

from __future__ import annotations

from typing import Any

import click

from tracker.safe_text import json_text, terminal_text


def echo(message: Any = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a line of text, with control and escape characters shown as visible escapes."""
    click.echo(terminal_text(str(message)), err=err, nl=nl)


def echo_json(text: str, *, nl: bool = True) -> None:
    """Print JSON text exactly (the same value when parsed), escaping what a terminal acts on.
    The escaping goes character by character, so a long text may be printed in pieces."""
    click.echo(json_text(text), nl=nl)
