"""`cx-tracker token create|list|revoke`: personal access tokens for the REST API."""

from __future__ import annotations

import click

from tracker.cli.output import echo

from tracker.cli.common import actor_id, actor_option, data_option, open_existing, reports_errors
from tracker.service.tokens import DEFAULT_DAYS, MAX_DAYS
from tracker.tokens import SCOPES


@click.group()
def token() -> None:
    """Personal access tokens for the REST API (/api/v1/): create, list, revoke."""


@token.command("create")
@data_option
@actor_option
@click.option("--name", required=True, help="What the token is for, e.g. 'survey tool'.")
@click.option("--scope", type=click.Choice(SCOPES), default="read", show_default=True,
              help="read: GET only; read-write: also the writes the member's roles allow.")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=DEFAULT_DAYS, show_default=True,
              help="Days until the token expires.")
@reports_errors
def create(data_dir: str | None, actor_email: str, name: str, scope: str, days: int) -> None:
    """Create a token for the acting member and print it (it is shown only this once)."""
    with open_existing(data_dir) as (_, app):
        made = app.create_token(actor_id(app, actor_email), name=name, scope=scope, days=days)
    echo(made["token"])
    echo(f"Token {made['id']} ({made['scope']}) for {actor_email.lower()}, expires "
               f"{made['expires_at'][:10]}. Keep it now: it cannot be shown again.", err=True)


@token.command("list")
@data_option
@actor_option
@reports_errors
def list_tokens(data_dir: str | None, actor_email: str) -> None:
    """List the acting member's tokens (never their secrets)."""
    with open_existing(data_dir) as (_, app):
        found = app.list_tokens(actor_id(app, actor_email))
    if not found:
        echo("No tokens.")
    for t in found:
        used = (t["last_used_at"] or "never")[:16].replace("T", " ")
        echo(f"{t['id']}  {t['state']:<8} {t['scope']:<10} expires {t['expires_at'][:10]}"
                   f"  last used {used:<16}  {t['name']}")


@token.command("revoke")
@data_option
@actor_option
@click.argument("token_id")
@reports_errors
def revoke(data_dir: str | None, actor_email: str, token_id: str) -> None:
    """Revoke a token by its id (the CCO may revoke anyone's)."""
    with open_existing(data_dir) as (_, app):
        app.revoke_token(actor_id(app, actor_email), token_id)
    echo(f"Revoked token {token_id}.")
