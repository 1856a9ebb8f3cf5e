"""Options and error handling shared by every command."""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from uuid import UUID

import click
from eventsourcing.persistence import PersistenceError

from tracker.application import CxTracker
from tracker.cli.output import echo
from tracker.config import ConfigError, DataDir, installation, resolve_data_dir
from tracker.domain import member_id
from tracker.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound

F = TypeVar("F", bound=Callable[..., Any])

# Exit statuses: 0 done, 1 refused (not allowed, conflict, unusable data), 2 bad input.
EXIT_REFUSED, EXIT_BAD_INPUT = 1, 2

data_option = click.option(
    "--data", "data_dir", metavar="DIR", default=None,
    help="Data directory (default: $CX_TRACKER_DATA, else ./cx-tracker-data).",
)
actor_option = click.option(
    "--as", "actor_email", metavar="EMAIL", envvar="CX_TRACKER_AS", required=True,
    help="The member acting (their roles decide what is allowed); or $CX_TRACKER_AS.",
)


def fail(message: str, status: int) -> None:
    echo(f"Error: {message}", err=True)  # messages may quote what a member typed: made safe
    raise SystemExit(status)


def reports_errors(command: F) -> F:
    """Turn domain and configuration errors into one clear line and an exit status."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except Invalid as e:
            for field, message in e.errors.items():
                echo(f"Error: {field}: {message}", err=True)
            raise SystemExit(EXIT_BAD_INPUT) from None
        except NotFound as e:
            fail(str(e), EXIT_BAD_INPUT)
        except (NotAllowed, Conflict, ConfigError) as e:
            fail(str(e), EXIT_REFUSED)
        except (PersistenceError, sqlite3.OperationalError, PermissionError) as e:
            if isinstance(e, PermissionError) or "readonly" in str(e) or "read-only" in str(e):
                fail(f"cannot write: {e}. A read-only data directory (a copy handed to an auditor) "
                     "allows only the commands that read: history, as-of, diff, verify, user list, "
                     "projections status, and backup or export to a writable place", EXIT_REFUSED)
            raise
        except DomainError as e:  # e.g. ClockBehind: this server's clock is behind the log
            fail(str(e), EXIT_REFUSED)

    return wrapper  # type: ignore[return-value]


@contextmanager
def open_existing(data_dir: str | None, *, checked: bool = True) -> Iterator[tuple[DataDir, CxTracker]]:
    """The existing installation `--data` names, open for the block (closed after it);
    `checked=False` for the integrity commands (see `open_tracker`)."""
    data = resolve_data_dir(data_dir)
    with installation(data, checked=checked) as app:
        yield data, app


def actor_id(app: CxTracker, email: str) -> UUID:
    """The acting member's id; they must exist (the service checks they are active)."""
    ident = member_id(email)
    if ident not in app.repository:
        raise NotAllowed(f"no member {email!r} in this installation")
    return ident


def password_option(help_text: str) -> Callable[[F], F]:
    return click.option(
        "--password", prompt=True, hide_input=True, confirmation_prompt=True,
        envvar="CX_TRACKER_PASSWORD", help=help_text + " Prompted when omitted; or $CX_TRACKER_PASSWORD.",
    )


def environ_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")
