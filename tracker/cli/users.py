"""`cx-tracker init` and `cx-tracker user ...`: the installation and its members."""

from __future__ import annotations

import click

from tracker.cli.common import (
    actor_id, actor_option, data_option, open_existing, password_option, reports_errors,
)
from tracker.config import ConfigError, installation, resolve_data_dir
from tracker.domain.member import ROLES

role_choice = click.Choice(ROLES)


@click.command()
@data_option
@click.option("--plan", "plan_name", required=True, help="The plan's name, e.g. 'Acme CX plan 2027'.")
@click.option("--vision", default="", help="The future-state vision (can be revised later).")
@click.option("--email", required=True, help="The first CCO's e-mail address (their login).")
@click.option("--name", required=True, help="The first CCO's full name.")
@password_option("The first CCO's password (at least 8 characters).")
@reports_errors
def init(data_dir: str | None, plan_name: str, vision: str, email: str, name: str, password: str) -> None:
    """Create a new, empty installation with its first CCO account."""
    data = resolve_data_dir(data_dir)
    if not data.is_empty():
        raise ConfigError(f"{data.path} is not empty: choose a new directory")
    with installation(data, create=True) as app:
        receipt = app.initialise(plan_name=plan_name, vision=vision, email=email, name=name,
                                 password=password)
    click.echo(f"Created the plan {plan_name!r} in {data.path} ({receipt.position} events).")
    click.echo(f"Sign in as {email.lower()} (Chief Customer Officer).")


@click.group()
def user() -> None:
    """Manage members: add, grant, revoke, deactivate, list."""


@user.command("add")
@data_option
@actor_option
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", type=role_choice, default=None, help="A first role to grant.")
@click.option("--department", default=None, metavar="SLUG", help="The department, for a lead.")
@password_option("The new member's password (at least 8 characters).")
@reports_errors
def add(data_dir: str | None, actor_email: str, email: str, name: str, role: str | None,
        department: str | None, password: str) -> None:
    """Register a member with a password and, optionally, a role."""
    with open_existing(data_dir) as (_, app):
        app.register_member(
            actor_id(app, actor_email), email=email, name=name, password=password,
            role=role, department=department,
        )
        click.echo(f"Added {email.lower()}" + (f" as {role}" if role else "") +
                   (f" of {department}" if department else "") + ".")


@user.command("grant")
@data_option
@actor_option
@click.argument("email")
@click.argument("role", type=role_choice)
@click.option("--department", default=None, metavar="SLUG", help="The department, for a lead.")
@reports_errors
def grant(data_dir: str | None, actor_email: str, email: str, role: str, department: str | None) -> None:
    """Grant a role (a lead's role names a department)."""
    with open_existing(data_dir) as (_, app):
        app.grant_role(actor_id(app, actor_email), email=email, role=role, department=department)
        click.echo(f"Granted {role}" + (f" of {department}" if department else "") + f" to {email.lower()}.")


@user.command("revoke")
@data_option
@actor_option
@click.argument("email")
@click.argument("role", type=role_choice)
@click.option("--department", default=None, metavar="SLUG", help="The department, for a lead.")
@reports_errors
def revoke(data_dir: str | None, actor_email: str, email: str, role: str, department: str | None) -> None:
    """Revoke a role; the member's open sessions end."""
    with open_existing(data_dir) as (_, app):
        app.revoke_role(actor_id(app, actor_email), email=email, role=role, department=department)
        click.echo(f"Revoked {role}" + (f" of {department}" if department else "") + f" from {email.lower()}.")


@user.command("deactivate")
@data_option
@actor_option
@click.argument("email")
@click.option("--reason", required=True, help="Why (kept in the history).")
@reports_errors
def deactivate(data_dir: str | None, actor_email: str, email: str, reason: str) -> None:
    """Deactivate a member: they can do nothing more and their sessions end."""
    with open_existing(data_dir) as (_, app):
        app.deactivate_member(actor_id(app, actor_email), email=email, reason=reason)
        click.echo(f"Deactivated {email.lower()}.")


@user.command("list")
@data_option
@reports_errors
def list_members(data_dir: str | None) -> None:
    """List members with their roles and status."""
    with open_existing(data_dir) as (_, app):
        for email in app.accounts.emails():
            info = app.member(email)
            roles = ", ".join(g["role"] + (f":{g['department']}" if g["department"] else "")
                              for g in info["grants"]) or "-"
            state = "" if info["active"] else "  (deactivated)"
            click.echo(f"{info['email']:<45} {info['name']:<28} {roles}{state}")
