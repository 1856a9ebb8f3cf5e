"""`cx-tracker init` and `cx-tracker user ...`: the installation and its members."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from tracker.cli.common import (
    actor_id, actor_option, data_option, open_existing, password_option, reports_errors,
)
from tracker.cli.output import echo
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
    existed = data.path.exists()
    try:
        with installation(data, create=True) as app:
            receipt = app.initialise(plan_name=plan_name, vision=vision, email=email, name=name,
                                     password=password)
    except BaseException:  # refused or interrupted: leave nothing behind, so a retry can work
        _remove_what_init_made(data.path, existed)
        raise
    echo(f"Created the plan {plan_name!r} in {data.path} ({receipt.position} events).")
    echo(f"Sign in as {email.lower()} (Chief Customer Officer).")


def _remove_what_init_made(path: Path, existed: bool) -> None:
    """The directory was empty (or absent) before init: empty it again (or remove it)."""
    if not existed:
        shutil.rmtree(path, ignore_errors=True)
        return
    for child in path.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


@click.group()
def user() -> None:
    """Manage members: add, grant, revoke, deactivate, password, list."""


@user.command("add")
@data_option
@actor_option
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", type=role_choice, default=None, help="A first role to grant.")
@click.option("--department", default=None, metavar="SLUG", help="The department, for a lead.")
@click.option("--password", envvar="CX_TRACKER_PASSWORD", default=None,
              help="The new member's password (at least 8 characters). Prompted when omitted "
                   "(unless --link); or $CX_TRACKER_PASSWORD.")
@click.option("--link", is_flag=True,
              help="No password: print a one-time link path (/password/set/...) with which the "
                   "member sets their own; it expires after 3 days.")
@reports_errors
def add(data_dir: str | None, actor_email: str, email: str, name: str, role: str | None,
        department: str | None, password: str | None, link: bool) -> None:
    """Register a member with a password (or a one-time link to set one) and, optionally, a role."""
    if not link and password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with open_existing(data_dir) as (_, app):
        acting = actor_id(app, actor_email)
        app.register_member(acting, email=email, name=name, password=None if link else password,
                            role=role, department=department)
        echo(f"Added {email.lower()}" + (f" as {role}" if role else "") +
             (f" of {department}" if department else "") + ".")
        if link:
            token = app.password_link(acting, email=email)
            echo(f"One-time link to set their password (valid 3 days, once): append to the "
                 f"site's address and pass it on:\n/password/set/{token}")


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
        echo(f"Granted {role}" + (f" of {department}" if department else "") + f" to {email.lower()}.")


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
        echo(f"Revoked {role}" + (f" of {department}" if department else "") + f" from {email.lower()}.")


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
        echo(f"Deactivated {email.lower()}.")


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
            echo(f"{info['email']:<45} {info['name']:<28} {roles}{state}")


@user.command("password")
@data_option
@actor_option
@click.argument("email")
@click.option("--password", envvar="CX_TRACKER_PASSWORD", default=None,
              help="The new password (at least 8 characters). Prompted when omitted; "
                   "or $CX_TRACKER_PASSWORD.")
@click.option("--current-password", default=None,
              help="Your current password, when EMAIL is your own. Prompted when omitted.")
@click.option("--link", is_flag=True,
              help="Instead of a password, print a one-time link path (/password/set/...) with "
                   "which the member sets their own; it expires after 3 days.")
@reports_errors
def password(data_dir: str | None, actor_email: str, email: str, password: str | None,
             current_password: str | None, link: bool) -> None:
    """Reset a member's password (the CCO; anyone for their own), which ends that member's
    sessions everywhere; or, with --link, make a one-time set-password link to pass on."""
    with open_existing(data_dir) as (_, app):
        acting = actor_id(app, actor_email)
        if link:
            token = app.password_link(acting, email=email)
            echo(f"One-time link for {email.lower()} (valid 3 days, once): append to the site's "
                 f"address and pass it on:\n/password/set/{token}")
            return
        if email.lower() == actor_email.lower() and current_password is None:
            current_password = click.prompt("Current password", hide_input=True)
        if password is None:
            password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        app.change_password(acting, email=email, password=password, current_password=current_password)
        echo(f"Password of {email.lower()} changed; their sessions have ended.")
