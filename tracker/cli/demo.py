"""`cx-tracker demo`: a realistic demo organisation in an empty data directory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib.metadata import entry_points

import click

from tracker import clock
from tracker.accounts import check_password
from tracker.cli.common import data_option, reports_errors
from tracker.cli.output import echo
from tracker.config import ConfigError, DataDir, installation, resolve_data_dir
from tracker.demo import DEFAULT_PASSWORD, DemoAccount, seed
from tracker.domain import member_id

EXECUTIVE_EMAIL = "ceo@example.com"


@click.command()
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address the web UI listens on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535),
              help="Port the web UI listens on.")
@click.option("--no-serve", is_flag=True, help="Create the demo data and exit, without serving the web UI.")
@click.option("--password", default=DEFAULT_PASSWORD, show_default=True,
              help="The password of every demo account (at least 8 characters).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, hidden=True,
              help="Pretend today is this date (YYYY-MM-DD); the history ends the day before.")
@reports_errors
def demo(data_dir: str | None, host: str, port: int, no_serve: bool, password: str,
         today: datetime | None) -> None:
    """Create a demo organisation with six months of history, print its accounts, then serve the web UI.

    The data directory must be new or empty. Every demo account has the same password.
    """
    check_password(password)
    data = resolve_data_dir(data_dir)
    if data.path.exists() and not data.path.is_dir():
        raise ConfigError(f"{data.path} exists and is not a directory")
    if not data.is_empty():
        raise ConfigError(f"{data.path} is not empty: the demo needs a new or empty directory")
    day = today.date() if today else clock.today()
    with installation(data, create=True) as app:
        echo(f"Creating the demo organisation in {data.path}")
        echo(f"(about six months of history, up to {day.isoformat()}; hashing the passwords takes a few seconds)")
        try:
            accounts = seed(app, password=password, today=day, progress=_progress_line())
            events = app.head()
            api_token = app.create_token(member_id(EXECUTIVE_EMAIL), name="demo: read-only", scope="read")
        except (Exception, KeyboardInterrupt):
            echo(f"\nThe demo is incomplete: delete {data.path} and run 'cx-tracker demo' again.", err=True)
            raise
    echo()
    _print_accounts(accounts, password)
    echo(f"\nRead-only REST API token for {EXECUTIVE_EMAIL} (shown once):\n  {api_token['token']}")
    echo(f"  curl -H 'Authorization: Bearer {api_token['token']}' http://{host}:{port}/api/v1/commitments")
    echo(f"\n{events} events written; the data is in {data.path}.")
    if not no_serve:
        serve_web(data, host, port)


def serve_web(data: DataDir, host: str, port: int) -> None:
    """Serve the web UI on the demo data until interrupted.

    The server comes from the `cx_tracker.server` entry point (the `web` package provides it), so
    `tracker` never imports `web`; without it, say so and stop.
    """
    servers = entry_points(group="cx_tracker.server", name="web")
    if not servers:
        echo(f"Web UI: not available in this installation (the data is ready in {data.path}).")
        return
    run_server = next(iter(servers)).load()
    echo(f"Sign in at http://{host}:{port}/ with one of the accounts above.")
    try:
        run_server(str(data.path), host, port)
    except OSError as e:  # typically: the port is taken
        raise ConfigError(
            f"cannot serve on {host}:{port} ({e.strerror or e}); the demo data is ready: "
            f"run 'cx-tracker serve --data {data.path}' with another --port"
        ) from e


def _progress_line() -> Callable[[int, int], None]:
    """Print "Seeding: 10% 20% ... 100%" on one line as the story is played."""
    shown = [0]

    def report(done: int, total: int) -> None:
        tenth = done * 10 // total
        if done == 1:
            echo("Seeding:", nl=False)
        if tenth > shown[0]:
            shown[0] = tenth
            echo(f" {tenth * 10}%", nl=done == total)

    return report


def _print_accounts(accounts: list[DemoAccount], password: str) -> None:
    rows = [("E-MAIL", "NAME", "ROLE", "DEPARTMENT")] + [
        (a.email, a.name, a.role_title, (a.department or "-") + ("" if a.active else "  (deactivated)"))
        for a in accounts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    echo("Demo accounts:")
    for row in rows:
        echo("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[3])
    echo(f"\nPassword for every account: {password}")
    if not all(a.active for a in accounts):
        echo("Deactivated members cannot sign in; every other account can.")


__all__ = ["demo", "serve_web"]
